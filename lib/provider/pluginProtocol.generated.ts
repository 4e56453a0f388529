// GENERATED from proto/*.proto by scripts/generate-plugin-protocol.ts (pbjs static code): do not edit, regenerate.
// @ts-nocheck -- pbjs writes JavaScript; lib/provider/protocol.ts gives it its types.
import $protobuf from 'protobufjs/minimal.js';

const $Reader = $protobuf.Reader,
  $Writer = $protobuf.Writer,
  $util = $protobuf.util;

const $root = $protobuf.roots['virtplanePluginProtocol'] || ($protobuf.roots['virtplanePluginProtocol'] = {});

export const tfplugin6 = ($root.tfplugin6 = (() => {
  const tfplugin6 = {};

  tfplugin6.DynamicValue = (function () {
    function DynamicValue(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    DynamicValue.prototype.msgpack = $util.newBuffer([]);
    DynamicValue.prototype.json = $util.newBuffer([]);

    DynamicValue.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.msgpack != null && Object.hasOwnProperty.call(message, 'msgpack')) writer.uint32(10).bytes(message.msgpack);
      if (message.json != null && Object.hasOwnProperty.call(message, 'json')) writer.uint32(18).bytes(message.json);
      return writer;
    };

    DynamicValue.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.DynamicValue();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.msgpack = reader.bytes();
            break;
          }
          case 2: {
            message.json = reader.bytes();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    DynamicValue.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.DynamicValue) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.DynamicValue: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.DynamicValue();
      if (object.msgpack != null)
        if (typeof object.msgpack === 'string')
          $util.base64.decode(object.msgpack, (message.msgpack = $util.newBuffer($util.base64.length(object.msgpack))), 0);
        else if (object.msgpack.length >= 0) message.msgpack = object.msgpack;
      if (object.json != null)
        if (typeof object.json === 'string') $util.base64.decode(object.json, (message.json = $util.newBuffer($util.base64.length(object.json))), 0);
        else if (object.json.length >= 0) message.json = object.json;
      return message;
    };

    DynamicValue.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.defaults) {
        if (options.bytes === String) object.msgpack = '';
        else {
          object.msgpack = [];
          if (options.bytes !== Array) object.msgpack = $util.newBuffer(object.msgpack);
        }
        if (options.bytes === String) object.json = '';
        else {
          object.json = [];
          if (options.bytes !== Array) object.json = $util.newBuffer(object.json);
        }
      }
      if (message.msgpack != null && Object.hasOwnProperty.call(message, 'msgpack'))
        object.msgpack =
          options.bytes === String
            ? $util.base64.encode(message.msgpack, 0, message.msgpack.length)
            : options.bytes === Array
              ? Array.prototype.slice.call(message.msgpack)
              : message.msgpack;
      if (message.json != null && Object.hasOwnProperty.call(message, 'json'))
        object.json =
          options.bytes === String
            ? $util.base64.encode(message.json, 0, message.json.length)
            : options.bytes === Array
              ? Array.prototype.slice.call(message.json)
              : message.json;
      return object;
    };

    DynamicValue.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    return DynamicValue;
  })();

  tfplugin6.Diagnostic = (function () {
    function Diagnostic(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    Diagnostic.prototype.severity = 0;
    Diagnostic.prototype.summary = '';
    Diagnostic.prototype.detail = '';
    Diagnostic.prototype.attribute = null;

    Diagnostic.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.severity != null && Object.hasOwnProperty.call(message, 'severity')) writer.uint32(8).int32(message.severity);
      if (message.summary != null && Object.hasOwnProperty.call(message, 'summary')) writer.uint32(18).string(message.summary);
      if (message.detail != null && Object.hasOwnProperty.call(message, 'detail')) writer.uint32(26).string(message.detail);
      if (message.attribute != null && Object.hasOwnProperty.call(message, 'attribute'))
        $root.tfplugin6.AttributePath.encode(message.attribute, writer.uint32(34).fork(), q + 1).ldelim();
      return writer;
    };

    Diagnostic.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.Diagnostic();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.severity = reader.int32();
            break;
          }
          case 2: {
            message.summary = reader.string();
            break;
          }
          case 3: {
            message.detail = reader.string();
            break;
          }
          case 4: {
            message.attribute = $root.tfplugin6.AttributePath.decode(reader, reader.uint32(), undefined, long + 1);
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    Diagnostic.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.Diagnostic) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.Diagnostic: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.Diagnostic();
      switch (object.severity) {
        default:
          if (typeof object.severity === 'number') {
            message.severity = object.severity;
            break;
          }
          break;
        case 'INVALID':
        case 0:
          message.severity = 0;
          break;
        case 'ERROR':
        case 1:
          message.severity = 1;
          break;
        case 'WARNING':
        case 2:
          message.severity = 2;
          break;
      }
      if (object.summary != null) message.summary = String(object.summary);
      if (object.detail != null) message.detail = String(object.detail);
      if (object.attribute != null) {
        if (!$util.isObject(object.attribute)) throw TypeError('.tfplugin6.Diagnostic.attribute: object expected');
        message.attribute = $root.tfplugin6.AttributePath.fromObject(object.attribute, long + 1);
      }
      return message;
    };

    Diagnostic.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.defaults) {
        object.severity = options.enums === String ? 'INVALID' : 0;
        object.summary = '';
        object.detail = '';
        object.attribute = null;
      }
      if (message.severity != null && Object.hasOwnProperty.call(message, 'severity'))
        object.severity =
          options.enums === String
            ? $root.tfplugin6.Diagnostic.Severity[message.severity] === undefined
              ? message.severity
              : $root.tfplugin6.Diagnostic.Severity[message.severity]
            : message.severity;
      if (message.summary != null && Object.hasOwnProperty.call(message, 'summary')) object.summary = message.summary;
      if (message.detail != null && Object.hasOwnProperty.call(message, 'detail')) object.detail = message.detail;
      if (message.attribute != null && Object.hasOwnProperty.call(message, 'attribute'))
        object.attribute = $root.tfplugin6.AttributePath.toObject(message.attribute, options, q + 1);
      return object;
    };

    Diagnostic.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    Diagnostic.Severity = (function () {
      const valuesById = {},
        values = Object.create(valuesById);
      values[(valuesById[0] = 'INVALID')] = 0;
      values[(valuesById[1] = 'ERROR')] = 1;
      values[(valuesById[2] = 'WARNING')] = 2;
      return values;
    })();

    return Diagnostic;
  })();

  tfplugin6.AttributePath = (function () {
    function AttributePath(properties) {
      this.steps = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    AttributePath.prototype.steps = $util.emptyArray;

    AttributePath.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.steps != null && message.steps.length)
        for (let i = 0; i < message.steps.length; ++i) $root.tfplugin6.AttributePath.Step.encode(message.steps[i], writer.uint32(10).fork(), q + 1).ldelim();
      return writer;
    };

    AttributePath.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.AttributePath();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            if (!(message.steps && message.steps.length)) message.steps = [];
            message.steps.push($root.tfplugin6.AttributePath.Step.decode(reader, reader.uint32(), undefined, long + 1));
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    AttributePath.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.AttributePath) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.AttributePath: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.AttributePath();
      if (object.steps) {
        if (!Array.isArray(object.steps)) throw TypeError('.tfplugin6.AttributePath.steps: array expected');
        message.steps = [];
        for (let i = 0; i < object.steps.length; ++i) {
          if (!$util.isObject(object.steps[i])) throw TypeError('.tfplugin6.AttributePath.steps: object expected');
          message.steps[i] = $root.tfplugin6.AttributePath.Step.fromObject(object.steps[i], long + 1);
        }
      }
      return message;
    };

    AttributePath.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.arrays || options.defaults) object.steps = [];
      if (message.steps && message.steps.length) {
        object.steps = [];
        for (let j = 0; j < message.steps.length; ++j) object.steps[j] = $root.tfplugin6.AttributePath.Step.toObject(message.steps[j], options, q + 1);
      }
      return object;
    };

    AttributePath.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    AttributePath.Step = (function () {
      function Step(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Step.prototype.attribute_name = null;
      Step.prototype.element_key_string = null;
      Step.prototype.element_key_int = null;

      let $oneOfFields;

      Object.defineProperty(Step.prototype, 'selector', {
        get: $util.oneOfGetter(($oneOfFields = ['attribute_name', 'element_key_string', 'element_key_int'])),
        set: $util.oneOfSetter($oneOfFields),
      });

      Step.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.attribute_name != null && Object.hasOwnProperty.call(message, 'attribute_name')) writer.uint32(10).string(message.attribute_name);
        if (message.element_key_string != null && Object.hasOwnProperty.call(message, 'element_key_string'))
          writer.uint32(18).string(message.element_key_string);
        if (message.element_key_int != null && Object.hasOwnProperty.call(message, 'element_key_int')) writer.uint32(24).int64(message.element_key_int);
        return writer;
      };

      Step.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.AttributePath.Step();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.attribute_name = reader.string();
              break;
            }
            case 2: {
              message.element_key_string = reader.string();
              break;
            }
            case 3: {
              message.element_key_int = reader.int64();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Step.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.AttributePath.Step) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.AttributePath.Step: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.AttributePath.Step();
        if (object.attribute_name != null) message.attribute_name = String(object.attribute_name);
        if (object.element_key_string != null) message.element_key_string = String(object.element_key_string);
        if (object.element_key_int != null)
          if ($util.Long) message.element_key_int = $util.Long.fromValue(object.element_key_int, false);
          else if (typeof object.element_key_int === 'string') message.element_key_int = parseInt(object.element_key_int, 10);
          else if (typeof object.element_key_int === 'number') message.element_key_int = object.element_key_int;
          else if (typeof object.element_key_int === 'object')
            message.element_key_int = new $util.LongBits(object.element_key_int.low >>> 0, object.element_key_int.high >>> 0).toNumber();
        return message;
      };

      Step.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (message.attribute_name != null && Object.hasOwnProperty.call(message, 'attribute_name')) {
          object.attribute_name = message.attribute_name;
          if (options.oneofs) object.selector = 'attribute_name';
        }
        if (message.element_key_string != null && Object.hasOwnProperty.call(message, 'element_key_string')) {
          object.element_key_string = message.element_key_string;
          if (options.oneofs) object.selector = 'element_key_string';
        }
        if (message.element_key_int != null && Object.hasOwnProperty.call(message, 'element_key_int')) {
          if (typeof BigInt !== 'undefined' && options.longs === BigInt)
            object.element_key_int =
              typeof message.element_key_int === 'number'
                ? BigInt(message.element_key_int)
                : $util.Long.fromBits(message.element_key_int.low >>> 0, message.element_key_int.high >>> 0, false).toBigInt();
          else if (typeof message.element_key_int === 'number')
            object.element_key_int = options.longs === String ? String(message.element_key_int) : message.element_key_int;
          else
            object.element_key_int =
              options.longs === String
                ? $util.Long.prototype.toString.call(message.element_key_int)
                : options.longs === Number
                  ? new $util.LongBits(message.element_key_int.low >>> 0, message.element_key_int.high >>> 0).toNumber()
                  : message.element_key_int;
          if (options.oneofs) object.selector = 'element_key_int';
        }
        return object;
      };

      Step.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Step;
    })();

    return AttributePath;
  })();

  tfplugin6.StopProvider = (function () {
    function StopProvider(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    StopProvider.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    StopProvider.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.StopProvider();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    StopProvider.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.StopProvider) return object;
      return new $root.tfplugin6.StopProvider();
    };

    StopProvider.toObject = function toObject() {
      return {};
    };

    StopProvider.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    StopProvider.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.StopProvider.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.StopProvider.Request) return object;
        return new $root.tfplugin6.StopProvider.Request();
      };

      Request.toObject = function toObject() {
        return {};
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    StopProvider.Response = (function () {
      function Response(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.Error = '';

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.Error != null && Object.hasOwnProperty.call(message, 'Error')) writer.uint32(10).string(message.Error);
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.StopProvider.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.Error = reader.string();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.StopProvider.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.StopProvider.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.StopProvider.Response();
        if (object.Error != null) message.Error = String(object.Error);
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) object.Error = '';
        if (message.Error != null && Object.hasOwnProperty.call(message, 'Error')) object.Error = message.Error;
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return StopProvider;
  })();

  tfplugin6.RawState = (function () {
    function RawState(properties) {
      this.flatmap = {};
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    RawState.prototype.json = $util.newBuffer([]);
    RawState.prototype.flatmap = $util.emptyObject;

    RawState.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.json != null && Object.hasOwnProperty.call(message, 'json')) writer.uint32(10).bytes(message.json);
      if (message.flatmap != null && Object.hasOwnProperty.call(message, 'flatmap'))
        for (let keys = Object.keys(message.flatmap), i = 0; i < keys.length; ++i)
          writer.uint32(18).fork().uint32(10).string(keys[i]).uint32(18).string(message.flatmap[keys[i]]).ldelim();
      return writer;
    };

    RawState.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message, key, value;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.RawState();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.json = reader.bytes();
            break;
          }
          case 2: {
            if (message.flatmap === $util.emptyObject) message.flatmap = {};
            let end2 = reader.uint32() + reader.pos;
            if (end2 > reader.len) throw RangeError('index out of range');
            reader.len = end2;
            key = '';
            value = '';
            while (reader.pos < end2) {
              let tag2 = reader.uint32();
              switch (tag2 >>> 3) {
                case 1:
                  key = reader.string();
                  break;
                case 2:
                  value = reader.string();
                  break;
                default:
                  reader.skipType(tag2 & 7, long);
                  break;
              }
            }
            if (reader.pos !== end2) throw RangeError('index out of range');
            reader.len = end;
            if (key === '__proto__') $util.makeProp(message.flatmap, key);
            message.flatmap[key] = value;
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    RawState.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.RawState) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.RawState: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.RawState();
      if (object.json != null)
        if (typeof object.json === 'string') $util.base64.decode(object.json, (message.json = $util.newBuffer($util.base64.length(object.json))), 0);
        else if (object.json.length >= 0) message.json = object.json;
      if (object.flatmap) {
        if (!$util.isObject(object.flatmap)) throw TypeError('.tfplugin6.RawState.flatmap: object expected');
        message.flatmap = {};
        for (let keys = Object.keys(object.flatmap), i = 0; i < keys.length; ++i) {
          if (keys[i] === '__proto__') $util.makeProp(message.flatmap, keys[i]);
          message.flatmap[keys[i]] = String(object.flatmap[keys[i]]);
        }
      }
      return message;
    };

    RawState.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.objects || options.defaults) object.flatmap = {};
      if (options.defaults)
        if (options.bytes === String) object.json = '';
        else {
          object.json = [];
          if (options.bytes !== Array) object.json = $util.newBuffer(object.json);
        }
      if (message.json != null && Object.hasOwnProperty.call(message, 'json'))
        object.json =
          options.bytes === String
            ? $util.base64.encode(message.json, 0, message.json.length)
            : options.bytes === Array
              ? Array.prototype.slice.call(message.json)
              : message.json;
      let keys2;
      if (message.flatmap && (keys2 = Object.keys(message.flatmap)).length) {
        object.flatmap = {};
        for (let j = 0; j < keys2.length; ++j) {
          if (keys2[j] === '__proto__') $util.makeProp(object.flatmap, keys2[j]);
          object.flatmap[keys2[j]] = message.flatmap[keys2[j]];
        }
      }
      return object;
    };

    RawState.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    return RawState;
  })();

  tfplugin6.StringKind = (function () {
    const valuesById = {},
      values = Object.create(valuesById);
    values[(valuesById[0] = 'PLAIN')] = 0;
    values[(valuesById[1] = 'MARKDOWN')] = 1;
    return values;
  })();

  tfplugin6.Schema = (function () {
    function Schema(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    Schema.prototype.version = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
    Schema.prototype.block = null;

    Schema.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.version != null && Object.hasOwnProperty.call(message, 'version')) writer.uint32(8).int64(message.version);
      if (message.block != null && Object.hasOwnProperty.call(message, 'block'))
        $root.tfplugin6.Schema.Block.encode(message.block, writer.uint32(18).fork(), q + 1).ldelim();
      return writer;
    };

    Schema.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.Schema();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.version = reader.int64();
            break;
          }
          case 2: {
            message.block = $root.tfplugin6.Schema.Block.decode(reader, reader.uint32(), undefined, long + 1);
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    Schema.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.Schema) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.Schema: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.Schema();
      if (object.version != null)
        if ($util.Long) message.version = $util.Long.fromValue(object.version, false);
        else if (typeof object.version === 'string') message.version = parseInt(object.version, 10);
        else if (typeof object.version === 'number') message.version = object.version;
        else if (typeof object.version === 'object') message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
      if (object.block != null) {
        if (!$util.isObject(object.block)) throw TypeError('.tfplugin6.Schema.block: object expected');
        message.block = $root.tfplugin6.Schema.Block.fromObject(object.block, long + 1);
      }
      return message;
    };

    Schema.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.defaults) {
        if ($util.Long) {
          let long = new $util.Long(0, 0, false);
          object.version =
            options.longs === String
              ? long.toString()
              : options.longs === Number
                ? long.toNumber()
                : typeof BigInt !== 'undefined' && options.longs === BigInt
                  ? long.toBigInt()
                  : long;
        } else object.version = options.longs === String ? '0' : typeof BigInt !== 'undefined' && options.longs === BigInt ? BigInt('0') : 0;
        object.block = null;
      }
      if (message.version != null && Object.hasOwnProperty.call(message, 'version'))
        if (typeof BigInt !== 'undefined' && options.longs === BigInt)
          object.version =
            typeof message.version === 'number'
              ? BigInt(message.version)
              : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
        else if (typeof message.version === 'number') object.version = options.longs === String ? String(message.version) : message.version;
        else
          object.version =
            options.longs === String
              ? $util.Long.prototype.toString.call(message.version)
              : options.longs === Number
                ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber()
                : message.version;
      if (message.block != null && Object.hasOwnProperty.call(message, 'block'))
        object.block = $root.tfplugin6.Schema.Block.toObject(message.block, options, q + 1);
      return object;
    };

    Schema.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    Schema.Block = (function () {
      function Block(properties) {
        this.attributes = [];
        this.block_types = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Block.prototype.version = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
      Block.prototype.attributes = $util.emptyArray;
      Block.prototype.block_types = $util.emptyArray;
      Block.prototype.description = '';
      Block.prototype.description_kind = 0;
      Block.prototype.deprecated = false;

      Block.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.version != null && Object.hasOwnProperty.call(message, 'version')) writer.uint32(8).int64(message.version);
        if (message.attributes != null && message.attributes.length)
          for (let i = 0; i < message.attributes.length; ++i)
            $root.tfplugin6.Schema.Attribute.encode(message.attributes[i], writer.uint32(18).fork(), q + 1).ldelim();
        if (message.block_types != null && message.block_types.length)
          for (let i = 0; i < message.block_types.length; ++i)
            $root.tfplugin6.Schema.NestedBlock.encode(message.block_types[i], writer.uint32(26).fork(), q + 1).ldelim();
        if (message.description != null && Object.hasOwnProperty.call(message, 'description')) writer.uint32(34).string(message.description);
        if (message.description_kind != null && Object.hasOwnProperty.call(message, 'description_kind')) writer.uint32(40).int32(message.description_kind);
        if (message.deprecated != null && Object.hasOwnProperty.call(message, 'deprecated')) writer.uint32(48).bool(message.deprecated);
        return writer;
      };

      Block.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.Schema.Block();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.version = reader.int64();
              break;
            }
            case 2: {
              if (!(message.attributes && message.attributes.length)) message.attributes = [];
              message.attributes.push($root.tfplugin6.Schema.Attribute.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 3: {
              if (!(message.block_types && message.block_types.length)) message.block_types = [];
              message.block_types.push($root.tfplugin6.Schema.NestedBlock.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 4: {
              message.description = reader.string();
              break;
            }
            case 5: {
              message.description_kind = reader.int32();
              break;
            }
            case 6: {
              message.deprecated = reader.bool();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Block.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.Schema.Block) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.Schema.Block: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.Schema.Block();
        if (object.version != null)
          if ($util.Long) message.version = $util.Long.fromValue(object.version, false);
          else if (typeof object.version === 'string') message.version = parseInt(object.version, 10);
          else if (typeof object.version === 'number') message.version = object.version;
          else if (typeof object.version === 'object') message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
        if (object.attributes) {
          if (!Array.isArray(object.attributes)) throw TypeError('.tfplugin6.Schema.Block.attributes: array expected');
          message.attributes = [];
          for (let i = 0; i < object.attributes.length; ++i) {
            if (!$util.isObject(object.attributes[i])) throw TypeError('.tfplugin6.Schema.Block.attributes: object expected');
            message.attributes[i] = $root.tfplugin6.Schema.Attribute.fromObject(object.attributes[i], long + 1);
          }
        }
        if (object.block_types) {
          if (!Array.isArray(object.block_types)) throw TypeError('.tfplugin6.Schema.Block.block_types: array expected');
          message.block_types = [];
          for (let i = 0; i < object.block_types.length; ++i) {
            if (!$util.isObject(object.block_types[i])) throw TypeError('.tfplugin6.Schema.Block.block_types: object expected');
            message.block_types[i] = $root.tfplugin6.Schema.NestedBlock.fromObject(object.block_types[i], long + 1);
          }
        }
        if (object.description != null) message.description = String(object.description);
        switch (object.description_kind) {
          default:
            if (typeof object.description_kind === 'number') {
              message.description_kind = object.description_kind;
              break;
            }
            break;
          case 'PLAIN':
          case 0:
            message.description_kind = 0;
            break;
          case 'MARKDOWN':
          case 1:
            message.description_kind = 1;
            break;
        }
        if (object.deprecated != null) message.deprecated = Boolean(object.deprecated);
        return message;
      };

      Block.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) {
          object.attributes = [];
          object.block_types = [];
        }
        if (options.defaults) {
          if ($util.Long) {
            let long = new $util.Long(0, 0, false);
            object.version =
              options.longs === String
                ? long.toString()
                : options.longs === Number
                  ? long.toNumber()
                  : typeof BigInt !== 'undefined' && options.longs === BigInt
                    ? long.toBigInt()
                    : long;
          } else object.version = options.longs === String ? '0' : typeof BigInt !== 'undefined' && options.longs === BigInt ? BigInt('0') : 0;
          object.description = '';
          object.description_kind = options.enums === String ? 'PLAIN' : 0;
          object.deprecated = false;
        }
        if (message.version != null && Object.hasOwnProperty.call(message, 'version'))
          if (typeof BigInt !== 'undefined' && options.longs === BigInt)
            object.version =
              typeof message.version === 'number'
                ? BigInt(message.version)
                : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
          else if (typeof message.version === 'number') object.version = options.longs === String ? String(message.version) : message.version;
          else
            object.version =
              options.longs === String
                ? $util.Long.prototype.toString.call(message.version)
                : options.longs === Number
                  ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber()
                  : message.version;
        if (message.attributes && message.attributes.length) {
          object.attributes = [];
          for (let j = 0; j < message.attributes.length; ++j)
            object.attributes[j] = $root.tfplugin6.Schema.Attribute.toObject(message.attributes[j], options, q + 1);
        }
        if (message.block_types && message.block_types.length) {
          object.block_types = [];
          for (let j = 0; j < message.block_types.length; ++j)
            object.block_types[j] = $root.tfplugin6.Schema.NestedBlock.toObject(message.block_types[j], options, q + 1);
        }
        if (message.description != null && Object.hasOwnProperty.call(message, 'description')) object.description = message.description;
        if (message.description_kind != null && Object.hasOwnProperty.call(message, 'description_kind'))
          object.description_kind =
            options.enums === String
              ? $root.tfplugin6.StringKind[message.description_kind] === undefined
                ? message.description_kind
                : $root.tfplugin6.StringKind[message.description_kind]
              : message.description_kind;
        if (message.deprecated != null && Object.hasOwnProperty.call(message, 'deprecated')) object.deprecated = message.deprecated;
        return object;
      };

      Block.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Block;
    })();

    Schema.Attribute = (function () {
      function Attribute(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Attribute.prototype.name = '';
      Attribute.prototype.type = $util.newBuffer([]);
      Attribute.prototype.nested_type = null;
      Attribute.prototype.description = '';
      Attribute.prototype.required = false;
      Attribute.prototype.optional = false;
      Attribute.prototype.computed = false;
      Attribute.prototype.sensitive = false;
      Attribute.prototype.description_kind = 0;
      Attribute.prototype.deprecated = false;
      Attribute.prototype.write_only = false;

      Attribute.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.name != null && Object.hasOwnProperty.call(message, 'name')) writer.uint32(10).string(message.name);
        if (message.type != null && Object.hasOwnProperty.call(message, 'type')) writer.uint32(18).bytes(message.type);
        if (message.description != null && Object.hasOwnProperty.call(message, 'description')) writer.uint32(26).string(message.description);
        if (message.required != null && Object.hasOwnProperty.call(message, 'required')) writer.uint32(32).bool(message.required);
        if (message.optional != null && Object.hasOwnProperty.call(message, 'optional')) writer.uint32(40).bool(message.optional);
        if (message.computed != null && Object.hasOwnProperty.call(message, 'computed')) writer.uint32(48).bool(message.computed);
        if (message.sensitive != null && Object.hasOwnProperty.call(message, 'sensitive')) writer.uint32(56).bool(message.sensitive);
        if (message.description_kind != null && Object.hasOwnProperty.call(message, 'description_kind')) writer.uint32(64).int32(message.description_kind);
        if (message.deprecated != null && Object.hasOwnProperty.call(message, 'deprecated')) writer.uint32(72).bool(message.deprecated);
        if (message.nested_type != null && Object.hasOwnProperty.call(message, 'nested_type'))
          $root.tfplugin6.Schema.Object_.encode(message.nested_type, writer.uint32(82).fork(), q + 1).ldelim();
        if (message.write_only != null && Object.hasOwnProperty.call(message, 'write_only')) writer.uint32(88).bool(message.write_only);
        return writer;
      };

      Attribute.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.Schema.Attribute();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.name = reader.string();
              break;
            }
            case 2: {
              message.type = reader.bytes();
              break;
            }
            case 10: {
              message.nested_type = $root.tfplugin6.Schema.Object_.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message.description = reader.string();
              break;
            }
            case 4: {
              message.required = reader.bool();
              break;
            }
            case 5: {
              message.optional = reader.bool();
              break;
            }
            case 6: {
              message.computed = reader.bool();
              break;
            }
            case 7: {
              message.sensitive = reader.bool();
              break;
            }
            case 8: {
              message.description_kind = reader.int32();
              break;
            }
            case 9: {
              message.deprecated = reader.bool();
              break;
            }
            case 11: {
              message.write_only = reader.bool();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Attribute.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.Schema.Attribute) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.Schema.Attribute: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.Schema.Attribute();
        if (object.name != null) message.name = String(object.name);
        if (object.type != null)
          if (typeof object.type === 'string') $util.base64.decode(object.type, (message.type = $util.newBuffer($util.base64.length(object.type))), 0);
          else if (object.type.length >= 0) message.type = object.type;
        if (object.nested_type != null) {
          if (!$util.isObject(object.nested_type)) throw TypeError('.tfplugin6.Schema.Attribute.nested_type: object expected');
          message.nested_type = $root.tfplugin6.Schema.Object_.fromObject(object.nested_type, long + 1);
        }
        if (object.description != null) message.description = String(object.description);
        if (object.required != null) message.required = Boolean(object.required);
        if (object.optional != null) message.optional = Boolean(object.optional);
        if (object.computed != null) message.computed = Boolean(object.computed);
        if (object.sensitive != null) message.sensitive = Boolean(object.sensitive);
        switch (object.description_kind) {
          default:
            if (typeof object.description_kind === 'number') {
              message.description_kind = object.description_kind;
              break;
            }
            break;
          case 'PLAIN':
          case 0:
            message.description_kind = 0;
            break;
          case 'MARKDOWN':
          case 1:
            message.description_kind = 1;
            break;
        }
        if (object.deprecated != null) message.deprecated = Boolean(object.deprecated);
        if (object.write_only != null) message.write_only = Boolean(object.write_only);
        return message;
      };

      Attribute.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.name = '';
          if (options.bytes === String) object.type = '';
          else {
            object.type = [];
            if (options.bytes !== Array) object.type = $util.newBuffer(object.type);
          }
          object.description = '';
          object.required = false;
          object.optional = false;
          object.computed = false;
          object.sensitive = false;
          object.description_kind = options.enums === String ? 'PLAIN' : 0;
          object.deprecated = false;
          object.nested_type = null;
          object.write_only = false;
        }
        if (message.name != null && Object.hasOwnProperty.call(message, 'name')) object.name = message.name;
        if (message.type != null && Object.hasOwnProperty.call(message, 'type'))
          object.type =
            options.bytes === String
              ? $util.base64.encode(message.type, 0, message.type.length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message.type)
                : message.type;
        if (message.description != null && Object.hasOwnProperty.call(message, 'description')) object.description = message.description;
        if (message.required != null && Object.hasOwnProperty.call(message, 'required')) object.required = message.required;
        if (message.optional != null && Object.hasOwnProperty.call(message, 'optional')) object.optional = message.optional;
        if (message.computed != null && Object.hasOwnProperty.call(message, 'computed')) object.computed = message.computed;
        if (message.sensitive != null && Object.hasOwnProperty.call(message, 'sensitive')) object.sensitive = message.sensitive;
        if (message.description_kind != null && Object.hasOwnProperty.call(message, 'description_kind'))
          object.description_kind =
            options.enums === String
              ? $root.tfplugin6.StringKind[message.description_kind] === undefined
                ? message.description_kind
                : $root.tfplugin6.StringKind[message.description_kind]
              : message.description_kind;
        if (message.deprecated != null && Object.hasOwnProperty.call(message, 'deprecated')) object.deprecated = message.deprecated;
        if (message.nested_type != null && Object.hasOwnProperty.call(message, 'nested_type'))
          object.nested_type = $root.tfplugin6.Schema.Object_.toObject(message.nested_type, options, q + 1);
        if (message.write_only != null && Object.hasOwnProperty.call(message, 'write_only')) object.write_only = message.write_only;
        return object;
      };

      Attribute.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Attribute;
    })();

    Schema.NestedBlock = (function () {
      function NestedBlock(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      NestedBlock.prototype.type_name = '';
      NestedBlock.prototype.block = null;
      NestedBlock.prototype.nesting = 0;
      NestedBlock.prototype.min_items = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
      NestedBlock.prototype.max_items = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;

      NestedBlock.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.block != null && Object.hasOwnProperty.call(message, 'block'))
          $root.tfplugin6.Schema.Block.encode(message.block, writer.uint32(18).fork(), q + 1).ldelim();
        if (message.nesting != null && Object.hasOwnProperty.call(message, 'nesting')) writer.uint32(24).int32(message.nesting);
        if (message.min_items != null && Object.hasOwnProperty.call(message, 'min_items')) writer.uint32(32).int64(message.min_items);
        if (message.max_items != null && Object.hasOwnProperty.call(message, 'max_items')) writer.uint32(40).int64(message.max_items);
        return writer;
      };

      NestedBlock.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.Schema.NestedBlock();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.block = $root.tfplugin6.Schema.Block.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message.nesting = reader.int32();
              break;
            }
            case 4: {
              message.min_items = reader.int64();
              break;
            }
            case 5: {
              message.max_items = reader.int64();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      NestedBlock.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.Schema.NestedBlock) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.Schema.NestedBlock: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.Schema.NestedBlock();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.block != null) {
          if (!$util.isObject(object.block)) throw TypeError('.tfplugin6.Schema.NestedBlock.block: object expected');
          message.block = $root.tfplugin6.Schema.Block.fromObject(object.block, long + 1);
        }
        switch (object.nesting) {
          default:
            if (typeof object.nesting === 'number') {
              message.nesting = object.nesting;
              break;
            }
            break;
          case 'INVALID':
          case 0:
            message.nesting = 0;
            break;
          case 'SINGLE':
          case 1:
            message.nesting = 1;
            break;
          case 'LIST':
          case 2:
            message.nesting = 2;
            break;
          case 'SET':
          case 3:
            message.nesting = 3;
            break;
          case 'MAP':
          case 4:
            message.nesting = 4;
            break;
          case 'GROUP':
          case 5:
            message.nesting = 5;
            break;
        }
        if (object.min_items != null)
          if ($util.Long) message.min_items = $util.Long.fromValue(object.min_items, false);
          else if (typeof object.min_items === 'string') message.min_items = parseInt(object.min_items, 10);
          else if (typeof object.min_items === 'number') message.min_items = object.min_items;
          else if (typeof object.min_items === 'object')
            message.min_items = new $util.LongBits(object.min_items.low >>> 0, object.min_items.high >>> 0).toNumber();
        if (object.max_items != null)
          if ($util.Long) message.max_items = $util.Long.fromValue(object.max_items, false);
          else if (typeof object.max_items === 'string') message.max_items = parseInt(object.max_items, 10);
          else if (typeof object.max_items === 'number') message.max_items = object.max_items;
          else if (typeof object.max_items === 'object')
            message.max_items = new $util.LongBits(object.max_items.low >>> 0, object.max_items.high >>> 0).toNumber();
        return message;
      };

      NestedBlock.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.block = null;
          object.nesting = options.enums === String ? 'INVALID' : 0;
          if ($util.Long) {
            let long = new $util.Long(0, 0, false);
            object.min_items =
              options.longs === String
                ? long.toString()
                : options.longs === Number
                  ? long.toNumber()
                  : typeof BigInt !== 'undefined' && options.longs === BigInt
                    ? long.toBigInt()
                    : long;
          } else object.min_items = options.longs === String ? '0' : typeof BigInt !== 'undefined' && options.longs === BigInt ? BigInt('0') : 0;
          if ($util.Long) {
            let long = new $util.Long(0, 0, false);
            object.max_items =
              options.longs === String
                ? long.toString()
                : options.longs === Number
                  ? long.toNumber()
                  : typeof BigInt !== 'undefined' && options.longs === BigInt
                    ? long.toBigInt()
                    : long;
          } else object.max_items = options.longs === String ? '0' : typeof BigInt !== 'undefined' && options.longs === BigInt ? BigInt('0') : 0;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.block != null && Object.hasOwnProperty.call(message, 'block'))
          object.block = $root.tfplugin6.Schema.Block.toObject(message.block, options, q + 1);
        if (message.nesting != null && Object.hasOwnProperty.call(message, 'nesting'))
          object.nesting =
            options.enums === String
              ? $root.tfplugin6.Schema.NestedBlock.NestingMode[message.nesting] === undefined
                ? message.nesting
                : $root.tfplugin6.Schema.NestedBlock.NestingMode[message.nesting]
              : message.nesting;
        if (message.min_items != null && Object.hasOwnProperty.call(message, 'min_items'))
          if (typeof BigInt !== 'undefined' && options.longs === BigInt)
            object.min_items =
              typeof message.min_items === 'number'
                ? BigInt(message.min_items)
                : $util.Long.fromBits(message.min_items.low >>> 0, message.min_items.high >>> 0, false).toBigInt();
          else if (typeof message.min_items === 'number') object.min_items = options.longs === String ? String(message.min_items) : message.min_items;
          else
            object.min_items =
              options.longs === String
                ? $util.Long.prototype.toString.call(message.min_items)
                : options.longs === Number
                  ? new $util.LongBits(message.min_items.low >>> 0, message.min_items.high >>> 0).toNumber()
                  : message.min_items;
        if (message.max_items != null && Object.hasOwnProperty.call(message, 'max_items'))
          if (typeof BigInt !== 'undefined' && options.longs === BigInt)
            object.max_items =
              typeof message.max_items === 'number'
                ? BigInt(message.max_items)
                : $util.Long.fromBits(message.max_items.low >>> 0, message.max_items.high >>> 0, false).toBigInt();
          else if (typeof message.max_items === 'number') object.max_items = options.longs === String ? String(message.max_items) : message.max_items;
          else
            object.max_items =
              options.longs === String
                ? $util.Long.prototype.toString.call(message.max_items)
                : options.longs === Number
                  ? new $util.LongBits(message.max_items.low >>> 0, message.max_items.high >>> 0).toNumber()
                  : message.max_items;
        return object;
      };

      NestedBlock.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      NestedBlock.NestingMode = (function () {
        const valuesById = {},
          values = Object.create(valuesById);
        values[(valuesById[0] = 'INVALID')] = 0;
        values[(valuesById[1] = 'SINGLE')] = 1;
        values[(valuesById[2] = 'LIST')] = 2;
        values[(valuesById[3] = 'SET')] = 3;
        values[(valuesById[4] = 'MAP')] = 4;
        values[(valuesById[5] = 'GROUP')] = 5;
        return values;
      })();

      return NestedBlock;
    })();

    Schema.Object_ = (function () {
      function Object_(properties) {
        this.attributes = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Object_.prototype.attributes = $util.emptyArray;
      Object_.prototype.nesting = 0;

      Object_.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.attributes != null && message.attributes.length)
          for (let i = 0; i < message.attributes.length; ++i)
            $root.tfplugin6.Schema.Attribute.encode(message.attributes[i], writer.uint32(10).fork(), q + 1).ldelim();
        if (message.nesting != null && Object.hasOwnProperty.call(message, 'nesting')) writer.uint32(24).int32(message.nesting);
        return writer;
      };

      Object_.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.Schema.Object_();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              if (!(message.attributes && message.attributes.length)) message.attributes = [];
              message.attributes.push($root.tfplugin6.Schema.Attribute.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 3: {
              message.nesting = reader.int32();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Object_.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.Schema.Object_) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.Schema.Object_: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.Schema.Object_();
        if (object.attributes) {
          if (!Array.isArray(object.attributes)) throw TypeError('.tfplugin6.Schema.Object_.attributes: array expected');
          message.attributes = [];
          for (let i = 0; i < object.attributes.length; ++i) {
            if (!$util.isObject(object.attributes[i])) throw TypeError('.tfplugin6.Schema.Object_.attributes: object expected');
            message.attributes[i] = $root.tfplugin6.Schema.Attribute.fromObject(object.attributes[i], long + 1);
          }
        }
        switch (object.nesting) {
          default:
            if (typeof object.nesting === 'number') {
              message.nesting = object.nesting;
              break;
            }
            break;
          case 'INVALID':
          case 0:
            message.nesting = 0;
            break;
          case 'SINGLE':
          case 1:
            message.nesting = 1;
            break;
          case 'LIST':
          case 2:
            message.nesting = 2;
            break;
          case 'SET':
          case 3:
            message.nesting = 3;
            break;
          case 'MAP':
          case 4:
            message.nesting = 4;
            break;
        }
        return message;
      };

      Object_.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.attributes = [];
        if (options.defaults) object.nesting = options.enums === String ? 'INVALID' : 0;
        if (message.attributes && message.attributes.length) {
          object.attributes = [];
          for (let j = 0; j < message.attributes.length; ++j)
            object.attributes[j] = $root.tfplugin6.Schema.Attribute.toObject(message.attributes[j], options, q + 1);
        }
        if (message.nesting != null && Object.hasOwnProperty.call(message, 'nesting'))
          object.nesting =
            options.enums === String
              ? $root.tfplugin6.Schema.Object_.NestingMode[message.nesting] === undefined
                ? message.nesting
                : $root.tfplugin6.Schema.Object_.NestingMode[message.nesting]
              : message.nesting;
        return object;
      };

      Object_.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      Object_.NestingMode = (function () {
        const valuesById = {},
          values = Object.create(valuesById);
        values[(valuesById[0] = 'INVALID')] = 0;
        values[(valuesById[1] = 'SINGLE')] = 1;
        values[(valuesById[2] = 'LIST')] = 2;
        values[(valuesById[3] = 'SET')] = 3;
        values[(valuesById[4] = 'MAP')] = 4;
        return values;
      })();

      return Object_;
    })();

    return Schema;
  })();

  tfplugin6.ServerCapabilities = (function () {
    function ServerCapabilities(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ServerCapabilities.prototype.plan_destroy = false;
    ServerCapabilities.prototype.get_provider_schema_optional = false;
    ServerCapabilities.prototype.move_resource_state = false;

    ServerCapabilities.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.plan_destroy != null && Object.hasOwnProperty.call(message, 'plan_destroy')) writer.uint32(8).bool(message.plan_destroy);
      if (message.get_provider_schema_optional != null && Object.hasOwnProperty.call(message, 'get_provider_schema_optional'))
        writer.uint32(16).bool(message.get_provider_schema_optional);
      if (message.move_resource_state != null && Object.hasOwnProperty.call(message, 'move_resource_state'))
        writer.uint32(24).bool(message.move_resource_state);
      return writer;
    };

    ServerCapabilities.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ServerCapabilities();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.plan_destroy = reader.bool();
            break;
          }
          case 2: {
            message.get_provider_schema_optional = reader.bool();
            break;
          }
          case 3: {
            message.move_resource_state = reader.bool();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ServerCapabilities.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ServerCapabilities) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.ServerCapabilities: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.ServerCapabilities();
      if (object.plan_destroy != null) message.plan_destroy = Boolean(object.plan_destroy);
      if (object.get_provider_schema_optional != null) message.get_provider_schema_optional = Boolean(object.get_provider_schema_optional);
      if (object.move_resource_state != null) message.move_resource_state = Boolean(object.move_resource_state);
      return message;
    };

    ServerCapabilities.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.defaults) {
        object.plan_destroy = false;
        object.get_provider_schema_optional = false;
        object.move_resource_state = false;
      }
      if (message.plan_destroy != null && Object.hasOwnProperty.call(message, 'plan_destroy')) object.plan_destroy = message.plan_destroy;
      if (message.get_provider_schema_optional != null && Object.hasOwnProperty.call(message, 'get_provider_schema_optional'))
        object.get_provider_schema_optional = message.get_provider_schema_optional;
      if (message.move_resource_state != null && Object.hasOwnProperty.call(message, 'move_resource_state'))
        object.move_resource_state = message.move_resource_state;
      return object;
    };

    ServerCapabilities.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    return ServerCapabilities;
  })();

  tfplugin6.ClientCapabilities = (function () {
    function ClientCapabilities(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ClientCapabilities.prototype.deferral_allowed = false;
    ClientCapabilities.prototype.write_only_attributes_allowed = false;

    ClientCapabilities.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.deferral_allowed != null && Object.hasOwnProperty.call(message, 'deferral_allowed')) writer.uint32(8).bool(message.deferral_allowed);
      if (message.write_only_attributes_allowed != null && Object.hasOwnProperty.call(message, 'write_only_attributes_allowed'))
        writer.uint32(16).bool(message.write_only_attributes_allowed);
      return writer;
    };

    ClientCapabilities.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ClientCapabilities();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.deferral_allowed = reader.bool();
            break;
          }
          case 2: {
            message.write_only_attributes_allowed = reader.bool();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ClientCapabilities.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ClientCapabilities) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.ClientCapabilities: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.ClientCapabilities();
      if (object.deferral_allowed != null) message.deferral_allowed = Boolean(object.deferral_allowed);
      if (object.write_only_attributes_allowed != null) message.write_only_attributes_allowed = Boolean(object.write_only_attributes_allowed);
      return message;
    };

    ClientCapabilities.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.defaults) {
        object.deferral_allowed = false;
        object.write_only_attributes_allowed = false;
      }
      if (message.deferral_allowed != null && Object.hasOwnProperty.call(message, 'deferral_allowed')) object.deferral_allowed = message.deferral_allowed;
      if (message.write_only_attributes_allowed != null && Object.hasOwnProperty.call(message, 'write_only_attributes_allowed'))
        object.write_only_attributes_allowed = message.write_only_attributes_allowed;
      return object;
    };

    ClientCapabilities.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    return ClientCapabilities;
  })();

  tfplugin6.Deferred = (function () {
    function Deferred(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    Deferred.prototype.reason = 0;

    Deferred.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      if (message.reason != null && Object.hasOwnProperty.call(message, 'reason')) writer.uint32(8).int32(message.reason);
      return writer;
    };

    Deferred.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.Deferred();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.reason = reader.int32();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    Deferred.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.Deferred) return object;
      if (!$util.isObject(object)) throw TypeError('.tfplugin6.Deferred: object expected');
      if (long === undefined) long = 0;
      if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
      let message = new $root.tfplugin6.Deferred();
      switch (object.reason) {
        default:
          if (typeof object.reason === 'number') {
            message.reason = object.reason;
            break;
          }
          break;
        case 'UNKNOWN':
        case 0:
          message.reason = 0;
          break;
        case 'RESOURCE_CONFIG_UNKNOWN':
        case 1:
          message.reason = 1;
          break;
        case 'PROVIDER_CONFIG_UNKNOWN':
        case 2:
          message.reason = 2;
          break;
        case 'ABSENT_PREREQ':
        case 3:
          message.reason = 3;
          break;
      }
      return message;
    };

    Deferred.toObject = function toObject(message, options, q) {
      if (!options) options = {};
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      let object = {};
      if (options.defaults) object.reason = options.enums === String ? 'UNKNOWN' : 0;
      if (message.reason != null && Object.hasOwnProperty.call(message, 'reason'))
        object.reason =
          options.enums === String
            ? $root.tfplugin6.Deferred.Reason[message.reason] === undefined
              ? message.reason
              : $root.tfplugin6.Deferred.Reason[message.reason]
            : message.reason;
      return object;
    };

    Deferred.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    Deferred.Reason = (function () {
      const valuesById = {},
        values = Object.create(valuesById);
      values[(valuesById[0] = 'UNKNOWN')] = 0;
      values[(valuesById[1] = 'RESOURCE_CONFIG_UNKNOWN')] = 1;
      values[(valuesById[2] = 'PROVIDER_CONFIG_UNKNOWN')] = 2;
      values[(valuesById[3] = 'ABSENT_PREREQ')] = 3;
      return values;
    })();

    return Deferred;
  })();

  tfplugin6.GetProviderSchema = (function () {
    function GetProviderSchema(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    GetProviderSchema.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    GetProviderSchema.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.GetProviderSchema();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    GetProviderSchema.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.GetProviderSchema) return object;
      return new $root.tfplugin6.GetProviderSchema();
    };

    GetProviderSchema.toObject = function toObject() {
      return {};
    };

    GetProviderSchema.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    GetProviderSchema.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.GetProviderSchema.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.GetProviderSchema.Request) return object;
        return new $root.tfplugin6.GetProviderSchema.Request();
      };

      Request.toObject = function toObject() {
        return {};
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    GetProviderSchema.Response = (function () {
      function Response(properties) {
        this.resource_schemas = {};
        this.data_source_schemas = {};
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.provider = null;
      Response.prototype.resource_schemas = $util.emptyObject;
      Response.prototype.data_source_schemas = $util.emptyObject;
      Response.prototype.diagnostics = $util.emptyArray;
      Response.prototype.provider_meta = null;
      Response.prototype.server_capabilities = null;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.provider != null && Object.hasOwnProperty.call(message, 'provider'))
          $root.tfplugin6.Schema.encode(message.provider, writer.uint32(10).fork(), q + 1).ldelim();
        if (message.resource_schemas != null && Object.hasOwnProperty.call(message, 'resource_schemas'))
          for (let keys = Object.keys(message.resource_schemas), i = 0; i < keys.length; ++i) {
            writer.uint32(18).fork().uint32(10).string(keys[i]);
            $root.tfplugin6.Schema.encode(message.resource_schemas[keys[i]], writer.uint32(18).fork(), q + 1)
              .ldelim()
              .ldelim();
          }
        if (message.data_source_schemas != null && Object.hasOwnProperty.call(message, 'data_source_schemas'))
          for (let keys = Object.keys(message.data_source_schemas), i = 0; i < keys.length; ++i) {
            writer.uint32(26).fork().uint32(10).string(keys[i]);
            $root.tfplugin6.Schema.encode(message.data_source_schemas[keys[i]], writer.uint32(18).fork(), q + 1)
              .ldelim()
              .ldelim();
          }
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(34).fork(), q + 1).ldelim();
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          $root.tfplugin6.Schema.encode(message.provider_meta, writer.uint32(42).fork(), q + 1).ldelim();
        if (message.server_capabilities != null && Object.hasOwnProperty.call(message, 'server_capabilities'))
          $root.tfplugin6.ServerCapabilities.encode(message.server_capabilities, writer.uint32(50).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message, key, value;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.GetProviderSchema.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.provider = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 2: {
              if (message.resource_schemas === $util.emptyObject) message.resource_schemas = {};
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError('index out of range');
              reader.len = end2;
              key = '';
              value = null;
              while (reader.pos < end2) {
                let tag2 = reader.uint32();
                switch (tag2 >>> 3) {
                  case 1:
                    key = reader.string();
                    break;
                  case 2:
                    value = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
                    break;
                  default:
                    reader.skipType(tag2 & 7, long);
                    break;
                }
              }
              if (reader.pos !== end2) throw RangeError('index out of range');
              reader.len = end;
              if (key === '__proto__') $util.makeProp(message.resource_schemas, key);
              message.resource_schemas[key] = value;
              break;
            }
            case 3: {
              if (message.data_source_schemas === $util.emptyObject) message.data_source_schemas = {};
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError('index out of range');
              reader.len = end2;
              key = '';
              value = null;
              while (reader.pos < end2) {
                let tag2 = reader.uint32();
                switch (tag2 >>> 3) {
                  case 1:
                    key = reader.string();
                    break;
                  case 2:
                    value = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
                    break;
                  default:
                    reader.skipType(tag2 & 7, long);
                    break;
                }
              }
              if (reader.pos !== end2) throw RangeError('index out of range');
              reader.len = end;
              if (key === '__proto__') $util.makeProp(message.data_source_schemas, key);
              message.data_source_schemas[key] = value;
              break;
            }
            case 4: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 5: {
              message.provider_meta = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 6: {
              message.server_capabilities = $root.tfplugin6.ServerCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.GetProviderSchema.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.GetProviderSchema.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.GetProviderSchema.Response();
        if (object.provider != null) {
          if (!$util.isObject(object.provider)) throw TypeError('.tfplugin6.GetProviderSchema.Response.provider: object expected');
          message.provider = $root.tfplugin6.Schema.fromObject(object.provider, long + 1);
        }
        if (object.resource_schemas) {
          if (!$util.isObject(object.resource_schemas)) throw TypeError('.tfplugin6.GetProviderSchema.Response.resource_schemas: object expected');
          message.resource_schemas = {};
          for (let keys = Object.keys(object.resource_schemas), i = 0; i < keys.length; ++i) {
            if (keys[i] === '__proto__') $util.makeProp(message.resource_schemas, keys[i]);
            if (!$util.isObject(object.resource_schemas[keys[i]])) throw TypeError('.tfplugin6.GetProviderSchema.Response.resource_schemas: object expected');
            message.resource_schemas[keys[i]] = $root.tfplugin6.Schema.fromObject(object.resource_schemas[keys[i]], long + 1);
          }
        }
        if (object.data_source_schemas) {
          if (!$util.isObject(object.data_source_schemas)) throw TypeError('.tfplugin6.GetProviderSchema.Response.data_source_schemas: object expected');
          message.data_source_schemas = {};
          for (let keys = Object.keys(object.data_source_schemas), i = 0; i < keys.length; ++i) {
            if (keys[i] === '__proto__') $util.makeProp(message.data_source_schemas, keys[i]);
            if (!$util.isObject(object.data_source_schemas[keys[i]]))
              throw TypeError('.tfplugin6.GetProviderSchema.Response.data_source_schemas: object expected');
            message.data_source_schemas[keys[i]] = $root.tfplugin6.Schema.fromObject(object.data_source_schemas[keys[i]], long + 1);
          }
        }
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.GetProviderSchema.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.GetProviderSchema.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        if (object.provider_meta != null) {
          if (!$util.isObject(object.provider_meta)) throw TypeError('.tfplugin6.GetProviderSchema.Response.provider_meta: object expected');
          message.provider_meta = $root.tfplugin6.Schema.fromObject(object.provider_meta, long + 1);
        }
        if (object.server_capabilities != null) {
          if (!$util.isObject(object.server_capabilities)) throw TypeError('.tfplugin6.GetProviderSchema.Response.server_capabilities: object expected');
          message.server_capabilities = $root.tfplugin6.ServerCapabilities.fromObject(object.server_capabilities, long + 1);
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (options.objects || options.defaults) {
          object.resource_schemas = {};
          object.data_source_schemas = {};
        }
        if (options.defaults) {
          object.provider = null;
          object.provider_meta = null;
          object.server_capabilities = null;
        }
        if (message.provider != null && Object.hasOwnProperty.call(message, 'provider'))
          object.provider = $root.tfplugin6.Schema.toObject(message.provider, options, q + 1);
        let keys2;
        if (message.resource_schemas && (keys2 = Object.keys(message.resource_schemas)).length) {
          object.resource_schemas = {};
          for (let j = 0; j < keys2.length; ++j) {
            if (keys2[j] === '__proto__') $util.makeProp(object.resource_schemas, keys2[j]);
            object.resource_schemas[keys2[j]] = $root.tfplugin6.Schema.toObject(message.resource_schemas[keys2[j]], options, q + 1);
          }
        }
        if (message.data_source_schemas && (keys2 = Object.keys(message.data_source_schemas)).length) {
          object.data_source_schemas = {};
          for (let j = 0; j < keys2.length; ++j) {
            if (keys2[j] === '__proto__') $util.makeProp(object.data_source_schemas, keys2[j]);
            object.data_source_schemas[keys2[j]] = $root.tfplugin6.Schema.toObject(message.data_source_schemas[keys2[j]], options, q + 1);
          }
        }
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          object.provider_meta = $root.tfplugin6.Schema.toObject(message.provider_meta, options, q + 1);
        if (message.server_capabilities != null && Object.hasOwnProperty.call(message, 'server_capabilities'))
          object.server_capabilities = $root.tfplugin6.ServerCapabilities.toObject(message.server_capabilities, options, q + 1);
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return GetProviderSchema;
  })();

  tfplugin6.ValidateProviderConfig = (function () {
    function ValidateProviderConfig(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ValidateProviderConfig.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ValidateProviderConfig.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ValidateProviderConfig();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ValidateProviderConfig.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ValidateProviderConfig) return object;
      return new $root.tfplugin6.ValidateProviderConfig();
    };

    ValidateProviderConfig.toObject = function toObject() {
      return {};
    };

    ValidateProviderConfig.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ValidateProviderConfig.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.config = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(10).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ValidateProviderConfig.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ValidateProviderConfig.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ValidateProviderConfig.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ValidateProviderConfig.Request();
        if (object.config != null) {
          if (!$util.isObject(object.config)) throw TypeError('.tfplugin6.ValidateProviderConfig.Request.config: object expected');
          message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) object.config = null;
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ValidateProviderConfig.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.diagnostics = $util.emptyArray;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ValidateProviderConfig.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 2: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ValidateProviderConfig.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ValidateProviderConfig.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ValidateProviderConfig.Response();
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ValidateProviderConfig.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ValidateProviderConfig.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ValidateProviderConfig;
  })();

  tfplugin6.UpgradeResourceState = (function () {
    function UpgradeResourceState(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    UpgradeResourceState.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    UpgradeResourceState.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.UpgradeResourceState();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    UpgradeResourceState.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.UpgradeResourceState) return object;
      return new $root.tfplugin6.UpgradeResourceState();
    };

    UpgradeResourceState.toObject = function toObject() {
      return {};
    };

    UpgradeResourceState.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    UpgradeResourceState.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.version = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
      Request.prototype.raw_state = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.version != null && Object.hasOwnProperty.call(message, 'version')) writer.uint32(16).int64(message.version);
        if (message.raw_state != null && Object.hasOwnProperty.call(message, 'raw_state'))
          $root.tfplugin6.RawState.encode(message.raw_state, writer.uint32(26).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.UpgradeResourceState.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.version = reader.int64();
              break;
            }
            case 3: {
              message.raw_state = $root.tfplugin6.RawState.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.UpgradeResourceState.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.UpgradeResourceState.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.UpgradeResourceState.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.version != null)
          if ($util.Long) message.version = $util.Long.fromValue(object.version, false);
          else if (typeof object.version === 'string') message.version = parseInt(object.version, 10);
          else if (typeof object.version === 'number') message.version = object.version;
          else if (typeof object.version === 'object') message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
        if (object.raw_state != null) {
          if (!$util.isObject(object.raw_state)) throw TypeError('.tfplugin6.UpgradeResourceState.Request.raw_state: object expected');
          message.raw_state = $root.tfplugin6.RawState.fromObject(object.raw_state, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          if ($util.Long) {
            let long = new $util.Long(0, 0, false);
            object.version =
              options.longs === String
                ? long.toString()
                : options.longs === Number
                  ? long.toNumber()
                  : typeof BigInt !== 'undefined' && options.longs === BigInt
                    ? long.toBigInt()
                    : long;
          } else object.version = options.longs === String ? '0' : typeof BigInt !== 'undefined' && options.longs === BigInt ? BigInt('0') : 0;
          object.raw_state = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.version != null && Object.hasOwnProperty.call(message, 'version'))
          if (typeof BigInt !== 'undefined' && options.longs === BigInt)
            object.version =
              typeof message.version === 'number'
                ? BigInt(message.version)
                : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
          else if (typeof message.version === 'number') object.version = options.longs === String ? String(message.version) : message.version;
          else
            object.version =
              options.longs === String
                ? $util.Long.prototype.toString.call(message.version)
                : options.longs === Number
                  ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber()
                  : message.version;
        if (message.raw_state != null && Object.hasOwnProperty.call(message, 'raw_state'))
          object.raw_state = $root.tfplugin6.RawState.toObject(message.raw_state, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    UpgradeResourceState.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.upgraded_state = null;
      Response.prototype.diagnostics = $util.emptyArray;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.upgraded_state != null && Object.hasOwnProperty.call(message, 'upgraded_state'))
          $root.tfplugin6.DynamicValue.encode(message.upgraded_state, writer.uint32(10).fork(), q + 1).ldelim();
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.UpgradeResourceState.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.upgraded_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 2: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.UpgradeResourceState.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.UpgradeResourceState.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.UpgradeResourceState.Response();
        if (object.upgraded_state != null) {
          if (!$util.isObject(object.upgraded_state)) throw TypeError('.tfplugin6.UpgradeResourceState.Response.upgraded_state: object expected');
          message.upgraded_state = $root.tfplugin6.DynamicValue.fromObject(object.upgraded_state, long + 1);
        }
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.UpgradeResourceState.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.UpgradeResourceState.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (options.defaults) object.upgraded_state = null;
        if (message.upgraded_state != null && Object.hasOwnProperty.call(message, 'upgraded_state'))
          object.upgraded_state = $root.tfplugin6.DynamicValue.toObject(message.upgraded_state, options, q + 1);
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return UpgradeResourceState;
  })();

  tfplugin6.ValidateResourceConfig = (function () {
    function ValidateResourceConfig(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ValidateResourceConfig.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ValidateResourceConfig.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ValidateResourceConfig();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ValidateResourceConfig.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ValidateResourceConfig) return object;
      return new $root.tfplugin6.ValidateResourceConfig();
    };

    ValidateResourceConfig.toObject = function toObject() {
      return {};
    };

    ValidateResourceConfig.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ValidateResourceConfig.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.config = null;
      Request.prototype.client_capabilities = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(26).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ValidateResourceConfig.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ValidateResourceConfig.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ValidateResourceConfig.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ValidateResourceConfig.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.config != null) {
          if (!$util.isObject(object.config)) throw TypeError('.tfplugin6.ValidateResourceConfig.Request.config: object expected');
          message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
        }
        if (object.client_capabilities != null) {
          if (!$util.isObject(object.client_capabilities)) throw TypeError('.tfplugin6.ValidateResourceConfig.Request.client_capabilities: object expected');
          message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.config = null;
          object.client_capabilities = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ValidateResourceConfig.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.diagnostics = $util.emptyArray;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ValidateResourceConfig.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ValidateResourceConfig.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ValidateResourceConfig.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ValidateResourceConfig.Response();
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ValidateResourceConfig.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ValidateResourceConfig.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ValidateResourceConfig;
  })();

  tfplugin6.ValidateDataResourceConfig = (function () {
    function ValidateDataResourceConfig(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ValidateDataResourceConfig.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ValidateDataResourceConfig.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ValidateDataResourceConfig();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ValidateDataResourceConfig.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ValidateDataResourceConfig) return object;
      return new $root.tfplugin6.ValidateDataResourceConfig();
    };

    ValidateDataResourceConfig.toObject = function toObject() {
      return {};
    };

    ValidateDataResourceConfig.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ValidateDataResourceConfig.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.config = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ValidateDataResourceConfig.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ValidateDataResourceConfig.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ValidateDataResourceConfig.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ValidateDataResourceConfig.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.config != null) {
          if (!$util.isObject(object.config)) throw TypeError('.tfplugin6.ValidateDataResourceConfig.Request.config: object expected');
          message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.config = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ValidateDataResourceConfig.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.diagnostics = $util.emptyArray;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ValidateDataResourceConfig.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ValidateDataResourceConfig.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ValidateDataResourceConfig.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ValidateDataResourceConfig.Response();
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ValidateDataResourceConfig.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ValidateDataResourceConfig.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ValidateDataResourceConfig;
  })();

  tfplugin6.ConfigureProvider = (function () {
    function ConfigureProvider(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ConfigureProvider.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ConfigureProvider.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ConfigureProvider();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ConfigureProvider.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ConfigureProvider) return object;
      return new $root.tfplugin6.ConfigureProvider();
    };

    ConfigureProvider.toObject = function toObject() {
      return {};
    };

    ConfigureProvider.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ConfigureProvider.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.terraform_version = '';
      Request.prototype.config = null;
      Request.prototype.client_capabilities = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.terraform_version != null && Object.hasOwnProperty.call(message, 'terraform_version')) writer.uint32(10).string(message.terraform_version);
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(26).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ConfigureProvider.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.terraform_version = reader.string();
              break;
            }
            case 2: {
              message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ConfigureProvider.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ConfigureProvider.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ConfigureProvider.Request();
        if (object.terraform_version != null) message.terraform_version = String(object.terraform_version);
        if (object.config != null) {
          if (!$util.isObject(object.config)) throw TypeError('.tfplugin6.ConfigureProvider.Request.config: object expected');
          message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
        }
        if (object.client_capabilities != null) {
          if (!$util.isObject(object.client_capabilities)) throw TypeError('.tfplugin6.ConfigureProvider.Request.client_capabilities: object expected');
          message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.terraform_version = '';
          object.config = null;
          object.client_capabilities = null;
        }
        if (message.terraform_version != null && Object.hasOwnProperty.call(message, 'terraform_version')) object.terraform_version = message.terraform_version;
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ConfigureProvider.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.diagnostics = $util.emptyArray;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ConfigureProvider.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ConfigureProvider.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ConfigureProvider.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ConfigureProvider.Response();
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ConfigureProvider.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ConfigureProvider.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ConfigureProvider;
  })();

  tfplugin6.ReadResource = (function () {
    function ReadResource(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ReadResource.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ReadResource.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ReadResource();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ReadResource.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ReadResource) return object;
      return new $root.tfplugin6.ReadResource();
    };

    ReadResource.toObject = function toObject() {
      return {};
    };

    ReadResource.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ReadResource.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.current_state = null;
      Request.prototype['private'] = $util.newBuffer([]);
      Request.prototype.provider_meta = null;
      Request.prototype.client_capabilities = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.current_state != null && Object.hasOwnProperty.call(message, 'current_state'))
          $root.tfplugin6.DynamicValue.encode(message.current_state, writer.uint32(18).fork(), q + 1).ldelim();
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private')) writer.uint32(26).bytes(message['private']);
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(34).fork(), q + 1).ldelim();
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(42).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ReadResource.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.current_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message['private'] = reader.bytes();
              break;
            }
            case 4: {
              message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 5: {
              message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ReadResource.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ReadResource.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ReadResource.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.current_state != null) {
          if (!$util.isObject(object.current_state)) throw TypeError('.tfplugin6.ReadResource.Request.current_state: object expected');
          message.current_state = $root.tfplugin6.DynamicValue.fromObject(object.current_state, long + 1);
        }
        if (object['private'] != null)
          if (typeof object['private'] === 'string')
            $util.base64.decode(object['private'], (message['private'] = $util.newBuffer($util.base64.length(object['private']))), 0);
          else if (object['private'].length >= 0) message['private'] = object['private'];
        if (object.provider_meta != null) {
          if (!$util.isObject(object.provider_meta)) throw TypeError('.tfplugin6.ReadResource.Request.provider_meta: object expected');
          message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
        }
        if (object.client_capabilities != null) {
          if (!$util.isObject(object.client_capabilities)) throw TypeError('.tfplugin6.ReadResource.Request.client_capabilities: object expected');
          message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.current_state = null;
          if (options.bytes === String) object['private'] = '';
          else {
            object['private'] = [];
            if (options.bytes !== Array) object['private'] = $util.newBuffer(object['private']);
          }
          object.provider_meta = null;
          object.client_capabilities = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.current_state != null && Object.hasOwnProperty.call(message, 'current_state'))
          object.current_state = $root.tfplugin6.DynamicValue.toObject(message.current_state, options, q + 1);
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private'))
          object['private'] =
            options.bytes === String
              ? $util.base64.encode(message['private'], 0, message['private'].length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message['private'])
                : message['private'];
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ReadResource.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.new_state = null;
      Response.prototype.diagnostics = $util.emptyArray;
      Response.prototype['private'] = $util.newBuffer([]);
      Response.prototype.deferred = null;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.new_state != null && Object.hasOwnProperty.call(message, 'new_state'))
          $root.tfplugin6.DynamicValue.encode(message.new_state, writer.uint32(10).fork(), q + 1).ldelim();
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private')) writer.uint32(26).bytes(message['private']);
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(34).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ReadResource.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.new_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 2: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 3: {
              message['private'] = reader.bytes();
              break;
            }
            case 4: {
              message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ReadResource.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ReadResource.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ReadResource.Response();
        if (object.new_state != null) {
          if (!$util.isObject(object.new_state)) throw TypeError('.tfplugin6.ReadResource.Response.new_state: object expected');
          message.new_state = $root.tfplugin6.DynamicValue.fromObject(object.new_state, long + 1);
        }
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ReadResource.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ReadResource.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        if (object['private'] != null)
          if (typeof object['private'] === 'string')
            $util.base64.decode(object['private'], (message['private'] = $util.newBuffer($util.base64.length(object['private']))), 0);
          else if (object['private'].length >= 0) message['private'] = object['private'];
        if (object.deferred != null) {
          if (!$util.isObject(object.deferred)) throw TypeError('.tfplugin6.ReadResource.Response.deferred: object expected');
          message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (options.defaults) {
          object.new_state = null;
          if (options.bytes === String) object['private'] = '';
          else {
            object['private'] = [];
            if (options.bytes !== Array) object['private'] = $util.newBuffer(object['private']);
          }
          object.deferred = null;
        }
        if (message.new_state != null && Object.hasOwnProperty.call(message, 'new_state'))
          object.new_state = $root.tfplugin6.DynamicValue.toObject(message.new_state, options, q + 1);
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private'))
          object['private'] =
            options.bytes === String
              ? $util.base64.encode(message['private'], 0, message['private'].length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message['private'])
                : message['private'];
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ReadResource;
  })();

  tfplugin6.PlanResourceChange = (function () {
    function PlanResourceChange(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    PlanResourceChange.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    PlanResourceChange.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.PlanResourceChange();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    PlanResourceChange.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.PlanResourceChange) return object;
      return new $root.tfplugin6.PlanResourceChange();
    };

    PlanResourceChange.toObject = function toObject() {
      return {};
    };

    PlanResourceChange.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    PlanResourceChange.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.prior_state = null;
      Request.prototype.proposed_new_state = null;
      Request.prototype.config = null;
      Request.prototype.prior_private = $util.newBuffer([]);
      Request.prototype.provider_meta = null;
      Request.prototype.client_capabilities = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.prior_state != null && Object.hasOwnProperty.call(message, 'prior_state'))
          $root.tfplugin6.DynamicValue.encode(message.prior_state, writer.uint32(18).fork(), q + 1).ldelim();
        if (message.proposed_new_state != null && Object.hasOwnProperty.call(message, 'proposed_new_state'))
          $root.tfplugin6.DynamicValue.encode(message.proposed_new_state, writer.uint32(26).fork(), q + 1).ldelim();
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(34).fork(), q + 1).ldelim();
        if (message.prior_private != null && Object.hasOwnProperty.call(message, 'prior_private')) writer.uint32(42).bytes(message.prior_private);
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(50).fork(), q + 1).ldelim();
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(58).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.PlanResourceChange.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.prior_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message.proposed_new_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 4: {
              message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 5: {
              message.prior_private = reader.bytes();
              break;
            }
            case 6: {
              message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 7: {
              message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.PlanResourceChange.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.PlanResourceChange.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.PlanResourceChange.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.prior_state != null) {
          if (!$util.isObject(object.prior_state)) throw TypeError('.tfplugin6.PlanResourceChange.Request.prior_state: object expected');
          message.prior_state = $root.tfplugin6.DynamicValue.fromObject(object.prior_state, long + 1);
        }
        if (object.proposed_new_state != null) {
          if (!$util.isObject(object.proposed_new_state)) throw TypeError('.tfplugin6.PlanResourceChange.Request.proposed_new_state: object expected');
          message.proposed_new_state = $root.tfplugin6.DynamicValue.fromObject(object.proposed_new_state, long + 1);
        }
        if (object.config != null) {
          if (!$util.isObject(object.config)) throw TypeError('.tfplugin6.PlanResourceChange.Request.config: object expected');
          message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
        }
        if (object.prior_private != null)
          if (typeof object.prior_private === 'string')
            $util.base64.decode(object.prior_private, (message.prior_private = $util.newBuffer($util.base64.length(object.prior_private))), 0);
          else if (object.prior_private.length >= 0) message.prior_private = object.prior_private;
        if (object.provider_meta != null) {
          if (!$util.isObject(object.provider_meta)) throw TypeError('.tfplugin6.PlanResourceChange.Request.provider_meta: object expected');
          message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
        }
        if (object.client_capabilities != null) {
          if (!$util.isObject(object.client_capabilities)) throw TypeError('.tfplugin6.PlanResourceChange.Request.client_capabilities: object expected');
          message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.prior_state = null;
          object.proposed_new_state = null;
          object.config = null;
          if (options.bytes === String) object.prior_private = '';
          else {
            object.prior_private = [];
            if (options.bytes !== Array) object.prior_private = $util.newBuffer(object.prior_private);
          }
          object.provider_meta = null;
          object.client_capabilities = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.prior_state != null && Object.hasOwnProperty.call(message, 'prior_state'))
          object.prior_state = $root.tfplugin6.DynamicValue.toObject(message.prior_state, options, q + 1);
        if (message.proposed_new_state != null && Object.hasOwnProperty.call(message, 'proposed_new_state'))
          object.proposed_new_state = $root.tfplugin6.DynamicValue.toObject(message.proposed_new_state, options, q + 1);
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
        if (message.prior_private != null && Object.hasOwnProperty.call(message, 'prior_private'))
          object.prior_private =
            options.bytes === String
              ? $util.base64.encode(message.prior_private, 0, message.prior_private.length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message.prior_private)
                : message.prior_private;
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    PlanResourceChange.Response = (function () {
      function Response(properties) {
        this.requires_replace = [];
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.planned_state = null;
      Response.prototype.requires_replace = $util.emptyArray;
      Response.prototype.planned_private = $util.newBuffer([]);
      Response.prototype.diagnostics = $util.emptyArray;
      Response.prototype.legacy_type_system = false;
      Response.prototype.deferred = null;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.planned_state != null && Object.hasOwnProperty.call(message, 'planned_state'))
          $root.tfplugin6.DynamicValue.encode(message.planned_state, writer.uint32(10).fork(), q + 1).ldelim();
        if (message.requires_replace != null && message.requires_replace.length)
          for (let i = 0; i < message.requires_replace.length; ++i)
            $root.tfplugin6.AttributePath.encode(message.requires_replace[i], writer.uint32(18).fork(), q + 1).ldelim();
        if (message.planned_private != null && Object.hasOwnProperty.call(message, 'planned_private')) writer.uint32(26).bytes(message.planned_private);
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(34).fork(), q + 1).ldelim();
        if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, 'legacy_type_system')) writer.uint32(40).bool(message.legacy_type_system);
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(50).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.PlanResourceChange.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.planned_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 2: {
              if (!(message.requires_replace && message.requires_replace.length)) message.requires_replace = [];
              message.requires_replace.push($root.tfplugin6.AttributePath.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 3: {
              message.planned_private = reader.bytes();
              break;
            }
            case 4: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 5: {
              message.legacy_type_system = reader.bool();
              break;
            }
            case 6: {
              message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.PlanResourceChange.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.PlanResourceChange.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.PlanResourceChange.Response();
        if (object.planned_state != null) {
          if (!$util.isObject(object.planned_state)) throw TypeError('.tfplugin6.PlanResourceChange.Response.planned_state: object expected');
          message.planned_state = $root.tfplugin6.DynamicValue.fromObject(object.planned_state, long + 1);
        }
        if (object.requires_replace) {
          if (!Array.isArray(object.requires_replace)) throw TypeError('.tfplugin6.PlanResourceChange.Response.requires_replace: array expected');
          message.requires_replace = [];
          for (let i = 0; i < object.requires_replace.length; ++i) {
            if (!$util.isObject(object.requires_replace[i])) throw TypeError('.tfplugin6.PlanResourceChange.Response.requires_replace: object expected');
            message.requires_replace[i] = $root.tfplugin6.AttributePath.fromObject(object.requires_replace[i], long + 1);
          }
        }
        if (object.planned_private != null)
          if (typeof object.planned_private === 'string')
            $util.base64.decode(object.planned_private, (message.planned_private = $util.newBuffer($util.base64.length(object.planned_private))), 0);
          else if (object.planned_private.length >= 0) message.planned_private = object.planned_private;
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.PlanResourceChange.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.PlanResourceChange.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        if (object.legacy_type_system != null) message.legacy_type_system = Boolean(object.legacy_type_system);
        if (object.deferred != null) {
          if (!$util.isObject(object.deferred)) throw TypeError('.tfplugin6.PlanResourceChange.Response.deferred: object expected');
          message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) {
          object.requires_replace = [];
          object.diagnostics = [];
        }
        if (options.defaults) {
          object.planned_state = null;
          if (options.bytes === String) object.planned_private = '';
          else {
            object.planned_private = [];
            if (options.bytes !== Array) object.planned_private = $util.newBuffer(object.planned_private);
          }
          object.legacy_type_system = false;
          object.deferred = null;
        }
        if (message.planned_state != null && Object.hasOwnProperty.call(message, 'planned_state'))
          object.planned_state = $root.tfplugin6.DynamicValue.toObject(message.planned_state, options, q + 1);
        if (message.requires_replace && message.requires_replace.length) {
          object.requires_replace = [];
          for (let j = 0; j < message.requires_replace.length; ++j)
            object.requires_replace[j] = $root.tfplugin6.AttributePath.toObject(message.requires_replace[j], options, q + 1);
        }
        if (message.planned_private != null && Object.hasOwnProperty.call(message, 'planned_private'))
          object.planned_private =
            options.bytes === String
              ? $util.base64.encode(message.planned_private, 0, message.planned_private.length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message.planned_private)
                : message.planned_private;
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, 'legacy_type_system'))
          object.legacy_type_system = message.legacy_type_system;
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return PlanResourceChange;
  })();

  tfplugin6.ApplyResourceChange = (function () {
    function ApplyResourceChange(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ApplyResourceChange.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ApplyResourceChange.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ApplyResourceChange();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ApplyResourceChange.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ApplyResourceChange) return object;
      return new $root.tfplugin6.ApplyResourceChange();
    };

    ApplyResourceChange.toObject = function toObject() {
      return {};
    };

    ApplyResourceChange.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ApplyResourceChange.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.prior_state = null;
      Request.prototype.planned_state = null;
      Request.prototype.config = null;
      Request.prototype.planned_private = $util.newBuffer([]);
      Request.prototype.provider_meta = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.prior_state != null && Object.hasOwnProperty.call(message, 'prior_state'))
          $root.tfplugin6.DynamicValue.encode(message.prior_state, writer.uint32(18).fork(), q + 1).ldelim();
        if (message.planned_state != null && Object.hasOwnProperty.call(message, 'planned_state'))
          $root.tfplugin6.DynamicValue.encode(message.planned_state, writer.uint32(26).fork(), q + 1).ldelim();
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(34).fork(), q + 1).ldelim();
        if (message.planned_private != null && Object.hasOwnProperty.call(message, 'planned_private')) writer.uint32(42).bytes(message.planned_private);
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(50).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ApplyResourceChange.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.prior_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message.planned_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 4: {
              message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 5: {
              message.planned_private = reader.bytes();
              break;
            }
            case 6: {
              message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ApplyResourceChange.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ApplyResourceChange.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ApplyResourceChange.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.prior_state != null) {
          if (!$util.isObject(object.prior_state)) throw TypeError('.tfplugin6.ApplyResourceChange.Request.prior_state: object expected');
          message.prior_state = $root.tfplugin6.DynamicValue.fromObject(object.prior_state, long + 1);
        }
        if (object.planned_state != null) {
          if (!$util.isObject(object.planned_state)) throw TypeError('.tfplugin6.ApplyResourceChange.Request.planned_state: object expected');
          message.planned_state = $root.tfplugin6.DynamicValue.fromObject(object.planned_state, long + 1);
        }
        if (object.config != null) {
          if (!$util.isObject(object.config)) throw TypeError('.tfplugin6.ApplyResourceChange.Request.config: object expected');
          message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
        }
        if (object.planned_private != null)
          if (typeof object.planned_private === 'string')
            $util.base64.decode(object.planned_private, (message.planned_private = $util.newBuffer($util.base64.length(object.planned_private))), 0);
          else if (object.planned_private.length >= 0) message.planned_private = object.planned_private;
        if (object.provider_meta != null) {
          if (!$util.isObject(object.provider_meta)) throw TypeError('.tfplugin6.ApplyResourceChange.Request.provider_meta: object expected');
          message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.prior_state = null;
          object.planned_state = null;
          object.config = null;
          if (options.bytes === String) object.planned_private = '';
          else {
            object.planned_private = [];
            if (options.bytes !== Array) object.planned_private = $util.newBuffer(object.planned_private);
          }
          object.provider_meta = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.prior_state != null && Object.hasOwnProperty.call(message, 'prior_state'))
          object.prior_state = $root.tfplugin6.DynamicValue.toObject(message.prior_state, options, q + 1);
        if (message.planned_state != null && Object.hasOwnProperty.call(message, 'planned_state'))
          object.planned_state = $root.tfplugin6.DynamicValue.toObject(message.planned_state, options, q + 1);
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
        if (message.planned_private != null && Object.hasOwnProperty.call(message, 'planned_private'))
          object.planned_private =
            options.bytes === String
              ? $util.base64.encode(message.planned_private, 0, message.planned_private.length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message.planned_private)
                : message.planned_private;
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ApplyResourceChange.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.new_state = null;
      Response.prototype['private'] = $util.newBuffer([]);
      Response.prototype.diagnostics = $util.emptyArray;
      Response.prototype.legacy_type_system = false;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.new_state != null && Object.hasOwnProperty.call(message, 'new_state'))
          $root.tfplugin6.DynamicValue.encode(message.new_state, writer.uint32(10).fork(), q + 1).ldelim();
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private')) writer.uint32(18).bytes(message['private']);
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(26).fork(), q + 1).ldelim();
        if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, 'legacy_type_system')) writer.uint32(32).bool(message.legacy_type_system);
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ApplyResourceChange.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.new_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 2: {
              message['private'] = reader.bytes();
              break;
            }
            case 3: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 4: {
              message.legacy_type_system = reader.bool();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ApplyResourceChange.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ApplyResourceChange.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ApplyResourceChange.Response();
        if (object.new_state != null) {
          if (!$util.isObject(object.new_state)) throw TypeError('.tfplugin6.ApplyResourceChange.Response.new_state: object expected');
          message.new_state = $root.tfplugin6.DynamicValue.fromObject(object.new_state, long + 1);
        }
        if (object['private'] != null)
          if (typeof object['private'] === 'string')
            $util.base64.decode(object['private'], (message['private'] = $util.newBuffer($util.base64.length(object['private']))), 0);
          else if (object['private'].length >= 0) message['private'] = object['private'];
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ApplyResourceChange.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ApplyResourceChange.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        if (object.legacy_type_system != null) message.legacy_type_system = Boolean(object.legacy_type_system);
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (options.defaults) {
          object.new_state = null;
          if (options.bytes === String) object['private'] = '';
          else {
            object['private'] = [];
            if (options.bytes !== Array) object['private'] = $util.newBuffer(object['private']);
          }
          object.legacy_type_system = false;
        }
        if (message.new_state != null && Object.hasOwnProperty.call(message, 'new_state'))
          object.new_state = $root.tfplugin6.DynamicValue.toObject(message.new_state, options, q + 1);
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private'))
          object['private'] =
            options.bytes === String
              ? $util.base64.encode(message['private'], 0, message['private'].length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message['private'])
                : message['private'];
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, 'legacy_type_system'))
          object.legacy_type_system = message.legacy_type_system;
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ApplyResourceChange;
  })();

  tfplugin6.ImportResourceState = (function () {
    function ImportResourceState(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ImportResourceState.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ImportResourceState.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ImportResourceState();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ImportResourceState.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ImportResourceState) return object;
      return new $root.tfplugin6.ImportResourceState();
    };

    ImportResourceState.toObject = function toObject() {
      return {};
    };

    ImportResourceState.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ImportResourceState.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.id = '';
      Request.prototype.client_capabilities = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.id != null && Object.hasOwnProperty.call(message, 'id')) writer.uint32(18).string(message.id);
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(26).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ImportResourceState.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.id = reader.string();
              break;
            }
            case 3: {
              message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ImportResourceState.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ImportResourceState.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ImportResourceState.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.id != null) message.id = String(object.id);
        if (object.client_capabilities != null) {
          if (!$util.isObject(object.client_capabilities)) throw TypeError('.tfplugin6.ImportResourceState.Request.client_capabilities: object expected');
          message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.id = '';
          object.client_capabilities = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.id != null && Object.hasOwnProperty.call(message, 'id')) object.id = message.id;
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ImportResourceState.ImportedResource = (function () {
      function ImportedResource(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      ImportedResource.prototype.type_name = '';
      ImportedResource.prototype.state = null;
      ImportedResource.prototype['private'] = $util.newBuffer([]);

      ImportedResource.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.state != null && Object.hasOwnProperty.call(message, 'state'))
          $root.tfplugin6.DynamicValue.encode(message.state, writer.uint32(18).fork(), q + 1).ldelim();
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private')) writer.uint32(26).bytes(message['private']);
        return writer;
      };

      ImportedResource.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ImportResourceState.ImportedResource();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message['private'] = reader.bytes();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      ImportedResource.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ImportResourceState.ImportedResource) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ImportResourceState.ImportedResource: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ImportResourceState.ImportedResource();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.state != null) {
          if (!$util.isObject(object.state)) throw TypeError('.tfplugin6.ImportResourceState.ImportedResource.state: object expected');
          message.state = $root.tfplugin6.DynamicValue.fromObject(object.state, long + 1);
        }
        if (object['private'] != null)
          if (typeof object['private'] === 'string')
            $util.base64.decode(object['private'], (message['private'] = $util.newBuffer($util.base64.length(object['private']))), 0);
          else if (object['private'].length >= 0) message['private'] = object['private'];
        return message;
      };

      ImportedResource.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.state = null;
          if (options.bytes === String) object['private'] = '';
          else {
            object['private'] = [];
            if (options.bytes !== Array) object['private'] = $util.newBuffer(object['private']);
          }
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.state != null && Object.hasOwnProperty.call(message, 'state'))
          object.state = $root.tfplugin6.DynamicValue.toObject(message.state, options, q + 1);
        if (message['private'] != null && Object.hasOwnProperty.call(message, 'private'))
          object['private'] =
            options.bytes === String
              ? $util.base64.encode(message['private'], 0, message['private'].length)
              : options.bytes === Array
                ? Array.prototype.slice.call(message['private'])
                : message['private'];
        return object;
      };

      ImportedResource.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return ImportedResource;
    })();

    ImportResourceState.Response = (function () {
      function Response(properties) {
        this.imported_resources = [];
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.imported_resources = $util.emptyArray;
      Response.prototype.diagnostics = $util.emptyArray;
      Response.prototype.deferred = null;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.imported_resources != null && message.imported_resources.length)
          for (let i = 0; i < message.imported_resources.length; ++i)
            $root.tfplugin6.ImportResourceState.ImportedResource.encode(message.imported_resources[i], writer.uint32(10).fork(), q + 1).ldelim();
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(26).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ImportResourceState.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              if (!(message.imported_resources && message.imported_resources.length)) message.imported_resources = [];
              message.imported_resources.push($root.tfplugin6.ImportResourceState.ImportedResource.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 2: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 3: {
              message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ImportResourceState.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ImportResourceState.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ImportResourceState.Response();
        if (object.imported_resources) {
          if (!Array.isArray(object.imported_resources)) throw TypeError('.tfplugin6.ImportResourceState.Response.imported_resources: array expected');
          message.imported_resources = [];
          for (let i = 0; i < object.imported_resources.length; ++i) {
            if (!$util.isObject(object.imported_resources[i])) throw TypeError('.tfplugin6.ImportResourceState.Response.imported_resources: object expected');
            message.imported_resources[i] = $root.tfplugin6.ImportResourceState.ImportedResource.fromObject(object.imported_resources[i], long + 1);
          }
        }
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ImportResourceState.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ImportResourceState.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        if (object.deferred != null) {
          if (!$util.isObject(object.deferred)) throw TypeError('.tfplugin6.ImportResourceState.Response.deferred: object expected');
          message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) {
          object.imported_resources = [];
          object.diagnostics = [];
        }
        if (options.defaults) object.deferred = null;
        if (message.imported_resources && message.imported_resources.length) {
          object.imported_resources = [];
          for (let j = 0; j < message.imported_resources.length; ++j)
            object.imported_resources[j] = $root.tfplugin6.ImportResourceState.ImportedResource.toObject(message.imported_resources[j], options, q + 1);
        }
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ImportResourceState;
  })();

  tfplugin6.ReadDataSource = (function () {
    function ReadDataSource(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    ReadDataSource.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    ReadDataSource.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.tfplugin6.ReadDataSource();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    ReadDataSource.fromObject = function fromObject(object, long) {
      if (object instanceof $root.tfplugin6.ReadDataSource) return object;
      return new $root.tfplugin6.ReadDataSource();
    };

    ReadDataSource.toObject = function toObject() {
      return {};
    };

    ReadDataSource.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    ReadDataSource.Request = (function () {
      function Request(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Request.prototype.type_name = '';
      Request.prototype.config = null;
      Request.prototype.provider_meta = null;
      Request.prototype.client_capabilities = null;

      Request.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) writer.uint32(10).string(message.type_name);
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(26).fork(), q + 1).ldelim();
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(34).fork(), q + 1).ldelim();
        return writer;
      };

      Request.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ReadDataSource.Request();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.type_name = reader.string();
              break;
            }
            case 2: {
              message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 3: {
              message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 4: {
              message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Request.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ReadDataSource.Request) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ReadDataSource.Request: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ReadDataSource.Request();
        if (object.type_name != null) message.type_name = String(object.type_name);
        if (object.config != null) {
          if (!$util.isObject(object.config)) throw TypeError('.tfplugin6.ReadDataSource.Request.config: object expected');
          message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
        }
        if (object.provider_meta != null) {
          if (!$util.isObject(object.provider_meta)) throw TypeError('.tfplugin6.ReadDataSource.Request.provider_meta: object expected');
          message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
        }
        if (object.client_capabilities != null) {
          if (!$util.isObject(object.client_capabilities)) throw TypeError('.tfplugin6.ReadDataSource.Request.client_capabilities: object expected');
          message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
        }
        return message;
      };

      Request.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.defaults) {
          object.type_name = '';
          object.config = null;
          object.provider_meta = null;
          object.client_capabilities = null;
        }
        if (message.type_name != null && Object.hasOwnProperty.call(message, 'type_name')) object.type_name = message.type_name;
        if (message.config != null && Object.hasOwnProperty.call(message, 'config'))
          object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
        if (message.provider_meta != null && Object.hasOwnProperty.call(message, 'provider_meta'))
          object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
        if (message.client_capabilities != null && Object.hasOwnProperty.call(message, 'client_capabilities'))
          object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
        return object;
      };

      Request.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Request;
    })();

    ReadDataSource.Response = (function () {
      function Response(properties) {
        this.diagnostics = [];
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
      }

      Response.prototype.state = null;
      Response.prototype.diagnostics = $util.emptyArray;
      Response.prototype.deferred = null;

      Response.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        if (message.state != null && Object.hasOwnProperty.call(message, 'state'))
          $root.tfplugin6.DynamicValue.encode(message.state, writer.uint32(10).fork(), q + 1).ldelim();
        if (message.diagnostics != null && message.diagnostics.length)
          for (let i = 0; i < message.diagnostics.length; ++i)
            $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(26).fork(), q + 1).ldelim();
        return writer;
      };

      Response.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError('index out of range');
          length = reader.len;
          reader.len = end;
        }
        message = new $root.tfplugin6.ReadDataSource.Response();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            case 2: {
              if (!(message.diagnostics && message.diagnostics.length)) message.diagnostics = [];
              message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
              break;
            }
            case 3: {
              message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError('index out of range');
          reader.len = length;
        }
        return message;
      };

      Response.fromObject = function fromObject(object, long) {
        if (object instanceof $root.tfplugin6.ReadDataSource.Response) return object;
        if (!$util.isObject(object)) throw TypeError('.tfplugin6.ReadDataSource.Response: object expected');
        if (long === undefined) long = 0;
        if (long > $util.recursionLimit) throw Error('maximum nesting depth exceeded');
        let message = new $root.tfplugin6.ReadDataSource.Response();
        if (object.state != null) {
          if (!$util.isObject(object.state)) throw TypeError('.tfplugin6.ReadDataSource.Response.state: object expected');
          message.state = $root.tfplugin6.DynamicValue.fromObject(object.state, long + 1);
        }
        if (object.diagnostics) {
          if (!Array.isArray(object.diagnostics)) throw TypeError('.tfplugin6.ReadDataSource.Response.diagnostics: array expected');
          message.diagnostics = [];
          for (let i = 0; i < object.diagnostics.length; ++i) {
            if (!$util.isObject(object.diagnostics[i])) throw TypeError('.tfplugin6.ReadDataSource.Response.diagnostics: object expected');
            message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
          }
        }
        if (object.deferred != null) {
          if (!$util.isObject(object.deferred)) throw TypeError('.tfplugin6.ReadDataSource.Response.deferred: object expected');
          message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
        }
        return message;
      };

      Response.toObject = function toObject(message, options, q) {
        if (!options) options = {};
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error('max depth exceeded');
        let object = {};
        if (options.arrays || options.defaults) object.diagnostics = [];
        if (options.defaults) {
          object.state = null;
          object.deferred = null;
        }
        if (message.state != null && Object.hasOwnProperty.call(message, 'state'))
          object.state = $root.tfplugin6.DynamicValue.toObject(message.state, options, q + 1);
        if (message.diagnostics && message.diagnostics.length) {
          object.diagnostics = [];
          for (let j = 0; j < message.diagnostics.length; ++j)
            object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
        }
        if (message.deferred != null && Object.hasOwnProperty.call(message, 'deferred'))
          object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
        return object;
      };

      Response.prototype.toJSON = function toJSON() {
        return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
      };

      return Response;
    })();

    return ReadDataSource;
  })();

  return tfplugin6;
})());

export const plugin = ($root.plugin = (() => {
  const plugin = {};

  plugin.Empty = (function () {
    function Empty(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== '__proto__') this[keys[i]] = properties[keys[i]];
    }

    Empty.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error('max depth exceeded');
      return writer;
    };

    Empty.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError('index out of range');
        length = reader.len;
        reader.len = end;
      }
      message = new $root.plugin.Empty();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError('index out of range');
        reader.len = length;
      }
      return message;
    };

    Empty.fromObject = function fromObject(object, long) {
      if (object instanceof $root.plugin.Empty) return object;
      return new $root.plugin.Empty();
    };

    Empty.toObject = function toObject() {
      return {};
    };

    Empty.prototype.toJSON = function toJSON() {
      return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
    };

    return Empty;
  })();

  return plugin;
})());

export { $root as default };

/** Every RPC of the services the provider serves, by service and method name. */
export const RPCS = {
  'tfplugin6.Provider': {
    GetProviderSchema: {
      request: 'tfplugin6.GetProviderSchema.Request',
      response: 'tfplugin6.GetProviderSchema.Response',
      requestStream: false,
      responseStream: false,
    },
    ValidateProviderConfig: {
      request: 'tfplugin6.ValidateProviderConfig.Request',
      response: 'tfplugin6.ValidateProviderConfig.Response',
      requestStream: false,
      responseStream: false,
    },
    ValidateResourceConfig: {
      request: 'tfplugin6.ValidateResourceConfig.Request',
      response: 'tfplugin6.ValidateResourceConfig.Response',
      requestStream: false,
      responseStream: false,
    },
    ValidateDataResourceConfig: {
      request: 'tfplugin6.ValidateDataResourceConfig.Request',
      response: 'tfplugin6.ValidateDataResourceConfig.Response',
      requestStream: false,
      responseStream: false,
    },
    UpgradeResourceState: {
      request: 'tfplugin6.UpgradeResourceState.Request',
      response: 'tfplugin6.UpgradeResourceState.Response',
      requestStream: false,
      responseStream: false,
    },
    ConfigureProvider: {
      request: 'tfplugin6.ConfigureProvider.Request',
      response: 'tfplugin6.ConfigureProvider.Response',
      requestStream: false,
      responseStream: false,
    },
    ReadResource: { request: 'tfplugin6.ReadResource.Request', response: 'tfplugin6.ReadResource.Response', requestStream: false, responseStream: false },
    PlanResourceChange: {
      request: 'tfplugin6.PlanResourceChange.Request',
      response: 'tfplugin6.PlanResourceChange.Response',
      requestStream: false,
      responseStream: false,
    },
    ApplyResourceChange: {
      request: 'tfplugin6.ApplyResourceChange.Request',
      response: 'tfplugin6.ApplyResourceChange.Response',
      requestStream: false,
      responseStream: false,
    },
    ImportResourceState: {
      request: 'tfplugin6.ImportResourceState.Request',
      response: 'tfplugin6.ImportResourceState.Response',
      requestStream: false,
      responseStream: false,
    },
    ReadDataSource: { request: 'tfplugin6.ReadDataSource.Request', response: 'tfplugin6.ReadDataSource.Response', requestStream: false, responseStream: false },
    StopProvider: { request: 'tfplugin6.StopProvider.Request', response: 'tfplugin6.StopProvider.Response', requestStream: false, responseStream: false },
  },
  'plugin.GRPCController': { Shutdown: { request: 'plugin.Empty', response: 'plugin.Empty', requestStream: false, responseStream: false } },
};
