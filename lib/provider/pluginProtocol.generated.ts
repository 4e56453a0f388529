// GENERATED from proto/*.proto by scripts/generate-plugin-protocol.ts: do not edit, regenerate.
export const PLUGIN_PROTOCOL_DESCRIPTOR = {
  nested: {
    tfplugin6: {
      nested: {
        DynamicValue: { fields: { msgpack: { type: 'bytes', id: 1 }, json: { type: 'bytes', id: 2 } } },
        Diagnostic: {
          fields: {
            severity: { type: 'Severity', id: 1 },
            summary: { type: 'string', id: 2 },
            detail: { type: 'string', id: 3 },
            attribute: { type: 'AttributePath', id: 4 },
          },
          nested: { Severity: { values: { INVALID: 0, ERROR: 1, WARNING: 2 } } },
        },
        AttributePath: {
          fields: { steps: { rule: 'repeated', type: 'Step', id: 1 } },
          nested: {
            Step: {
              oneofs: { selector: { oneof: ['attribute_name', 'element_key_string', 'element_key_int'] } },
              fields: { attribute_name: { type: 'string', id: 1 }, element_key_string: { type: 'string', id: 2 }, element_key_int: { type: 'int64', id: 3 } },
            },
          },
        },
        StopProvider: { fields: {}, nested: { Request: { fields: {} }, Response: { fields: { Error: { type: 'string', id: 1 } } } } },
        RawState: { fields: { json: { type: 'bytes', id: 1 }, flatmap: { keyType: 'string', type: 'string', id: 2 } } },
        StringKind: { values: { PLAIN: 0, MARKDOWN: 1 } },
        Schema: {
          fields: { version: { type: 'int64', id: 1 }, block: { type: 'Block', id: 2 } },
          nested: {
            Block: {
              fields: {
                version: { type: 'int64', id: 1 },
                attributes: { rule: 'repeated', type: 'Attribute', id: 2 },
                block_types: { rule: 'repeated', type: 'NestedBlock', id: 3 },
                description: { type: 'string', id: 4 },
                description_kind: { type: 'StringKind', id: 5 },
                deprecated: { type: 'bool', id: 6 },
              },
            },
            Attribute: {
              fields: {
                name: { type: 'string', id: 1 },
                type: { type: 'bytes', id: 2 },
                nested_type: { type: 'Object', id: 10 },
                description: { type: 'string', id: 3 },
                required: { type: 'bool', id: 4 },
                optional: { type: 'bool', id: 5 },
                computed: { type: 'bool', id: 6 },
                sensitive: { type: 'bool', id: 7 },
                description_kind: { type: 'StringKind', id: 8 },
                deprecated: { type: 'bool', id: 9 },
                write_only: { type: 'bool', id: 11 },
              },
            },
            NestedBlock: {
              fields: {
                type_name: { type: 'string', id: 1 },
                block: { type: 'Block', id: 2 },
                nesting: { type: 'NestingMode', id: 3 },
                min_items: { type: 'int64', id: 4 },
                max_items: { type: 'int64', id: 5 },
              },
              nested: { NestingMode: { values: { INVALID: 0, SINGLE: 1, LIST: 2, SET: 3, MAP: 4, GROUP: 5 } } },
            },
            Object: {
              fields: { attributes: { rule: 'repeated', type: 'Attribute', id: 1 }, nesting: { type: 'NestingMode', id: 3 } },
              nested: { NestingMode: { values: { INVALID: 0, SINGLE: 1, LIST: 2, SET: 3, MAP: 4 } } },
            },
          },
        },
        ServerCapabilities: {
          fields: {
            plan_destroy: { type: 'bool', id: 1 },
            get_provider_schema_optional: { type: 'bool', id: 2 },
            move_resource_state: { type: 'bool', id: 3 },
          },
        },
        ClientCapabilities: { fields: { deferral_allowed: { type: 'bool', id: 1 }, write_only_attributes_allowed: { type: 'bool', id: 2 } } },
        Deferred: {
          fields: { reason: { type: 'Reason', id: 1 } },
          nested: { Reason: { values: { UNKNOWN: 0, RESOURCE_CONFIG_UNKNOWN: 1, PROVIDER_CONFIG_UNKNOWN: 2, ABSENT_PREREQ: 3 } } },
        },
        Provider: {
          methods: {
            GetProviderSchema: { requestType: 'GetProviderSchema.Request', responseType: 'GetProviderSchema.Response' },
            ValidateProviderConfig: { requestType: 'ValidateProviderConfig.Request', responseType: 'ValidateProviderConfig.Response' },
            ValidateResourceConfig: { requestType: 'ValidateResourceConfig.Request', responseType: 'ValidateResourceConfig.Response' },
            ValidateDataResourceConfig: { requestType: 'ValidateDataResourceConfig.Request', responseType: 'ValidateDataResourceConfig.Response' },
            UpgradeResourceState: { requestType: 'UpgradeResourceState.Request', responseType: 'UpgradeResourceState.Response' },
            ConfigureProvider: { requestType: 'ConfigureProvider.Request', responseType: 'ConfigureProvider.Response' },
            ReadResource: { requestType: 'ReadResource.Request', responseType: 'ReadResource.Response' },
            PlanResourceChange: { requestType: 'PlanResourceChange.Request', responseType: 'PlanResourceChange.Response' },
            ApplyResourceChange: { requestType: 'ApplyResourceChange.Request', responseType: 'ApplyResourceChange.Response' },
            ImportResourceState: { requestType: 'ImportResourceState.Request', responseType: 'ImportResourceState.Response' },
            ReadDataSource: { requestType: 'ReadDataSource.Request', responseType: 'ReadDataSource.Response' },
            StopProvider: { requestType: 'StopProvider.Request', responseType: 'StopProvider.Response' },
          },
        },
        GetProviderSchema: {
          fields: {},
          nested: {
            Request: { fields: {} },
            Response: {
              fields: {
                provider: { type: 'Schema', id: 1 },
                resource_schemas: { keyType: 'string', type: 'Schema', id: 2 },
                data_source_schemas: { keyType: 'string', type: 'Schema', id: 3 },
                diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 4 },
                provider_meta: { type: 'Schema', id: 5 },
                server_capabilities: { type: 'ServerCapabilities', id: 6 },
              },
            },
          },
        },
        ValidateProviderConfig: {
          fields: {},
          nested: {
            Request: { fields: { config: { type: 'DynamicValue', id: 1 } } },
            Response: { fields: { diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 2 } } },
          },
        },
        UpgradeResourceState: {
          fields: {},
          nested: {
            Request: { fields: { type_name: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 }, raw_state: { type: 'RawState', id: 3 } } },
            Response: { fields: { upgraded_state: { type: 'DynamicValue', id: 1 }, diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 2 } } },
          },
        },
        ValidateResourceConfig: {
          fields: {},
          nested: {
            Request: {
              fields: {
                type_name: { type: 'string', id: 1 },
                config: { type: 'DynamicValue', id: 2 },
                client_capabilities: { type: 'ClientCapabilities', id: 3 },
              },
            },
            Response: { fields: { diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 1 } } },
          },
        },
        ValidateDataResourceConfig: {
          fields: {},
          nested: {
            Request: { fields: { type_name: { type: 'string', id: 1 }, config: { type: 'DynamicValue', id: 2 } } },
            Response: { fields: { diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 1 } } },
          },
        },
        ConfigureProvider: {
          fields: {},
          nested: {
            Request: {
              fields: {
                terraform_version: { type: 'string', id: 1 },
                config: { type: 'DynamicValue', id: 2 },
                client_capabilities: { type: 'ClientCapabilities', id: 3 },
              },
            },
            Response: { fields: { diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 1 } } },
          },
        },
        ReadResource: {
          fields: {},
          nested: {
            Request: {
              fields: {
                type_name: { type: 'string', id: 1 },
                current_state: { type: 'DynamicValue', id: 2 },
                private: { type: 'bytes', id: 3 },
                provider_meta: { type: 'DynamicValue', id: 4 },
                client_capabilities: { type: 'ClientCapabilities', id: 5 },
              },
            },
            Response: {
              fields: {
                new_state: { type: 'DynamicValue', id: 1 },
                diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 2 },
                private: { type: 'bytes', id: 3 },
                deferred: { type: 'Deferred', id: 4 },
              },
            },
          },
        },
        PlanResourceChange: {
          fields: {},
          nested: {
            Request: {
              fields: {
                type_name: { type: 'string', id: 1 },
                prior_state: { type: 'DynamicValue', id: 2 },
                proposed_new_state: { type: 'DynamicValue', id: 3 },
                config: { type: 'DynamicValue', id: 4 },
                prior_private: { type: 'bytes', id: 5 },
                provider_meta: { type: 'DynamicValue', id: 6 },
                client_capabilities: { type: 'ClientCapabilities', id: 7 },
              },
            },
            Response: {
              fields: {
                planned_state: { type: 'DynamicValue', id: 1 },
                requires_replace: { rule: 'repeated', type: 'AttributePath', id: 2 },
                planned_private: { type: 'bytes', id: 3 },
                diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 4 },
                legacy_type_system: { type: 'bool', id: 5 },
                deferred: { type: 'Deferred', id: 6 },
              },
            },
          },
        },
        ApplyResourceChange: {
          fields: {},
          nested: {
            Request: {
              fields: {
                type_name: { type: 'string', id: 1 },
                prior_state: { type: 'DynamicValue', id: 2 },
                planned_state: { type: 'DynamicValue', id: 3 },
                config: { type: 'DynamicValue', id: 4 },
                planned_private: { type: 'bytes', id: 5 },
                provider_meta: { type: 'DynamicValue', id: 6 },
              },
            },
            Response: {
              fields: {
                new_state: { type: 'DynamicValue', id: 1 },
                private: { type: 'bytes', id: 2 },
                diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 3 },
                legacy_type_system: { type: 'bool', id: 4 },
              },
            },
          },
        },
        ImportResourceState: {
          fields: {},
          nested: {
            Request: {
              fields: { type_name: { type: 'string', id: 1 }, id: { type: 'string', id: 2 }, client_capabilities: { type: 'ClientCapabilities', id: 3 } },
            },
            ImportedResource: { fields: { type_name: { type: 'string', id: 1 }, state: { type: 'DynamicValue', id: 2 }, private: { type: 'bytes', id: 3 } } },
            Response: {
              fields: {
                imported_resources: { rule: 'repeated', type: 'ImportedResource', id: 1 },
                diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 2 },
                deferred: { type: 'Deferred', id: 3 },
              },
            },
          },
        },
        ReadDataSource: {
          fields: {},
          nested: {
            Request: {
              fields: {
                type_name: { type: 'string', id: 1 },
                config: { type: 'DynamicValue', id: 2 },
                provider_meta: { type: 'DynamicValue', id: 3 },
                client_capabilities: { type: 'ClientCapabilities', id: 4 },
              },
            },
            Response: {
              fields: {
                state: { type: 'DynamicValue', id: 1 },
                diagnostics: { rule: 'repeated', type: 'Diagnostic', id: 2 },
                deferred: { type: 'Deferred', id: 3 },
              },
            },
          },
        },
      },
    },
    plugin: { nested: { Empty: { fields: {} }, GRPCController: { methods: { Shutdown: { requestType: 'Empty', responseType: 'Empty' } } } } },
  },
};
