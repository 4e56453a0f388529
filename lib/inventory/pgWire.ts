/**
 * The little of the PostgreSQL wire protocol (version 3) the inventory server must understand itself:
 * where one frontend message ends (PGlite is handed whole messages only, so a client that dies in the
 * middle of one leaves nothing half-read in the database), the packets of the start-up phase, and the
 * notice and error messages the server sends on its own (queued behind another process, gave up).
 * Everything else passes through to PGlite untouched.
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3_MAJOR = 3;
/** The Terminate message's type byte ('X'): the client says goodbye. */
const TERMINATE_TYPE = 0x58;
/** PostgreSQL's own limit for a start-up packet: anything larger is not a client of ours. */
const MAX_STARTUP_PACKET = 10_000;

export type StartupPacket =
  | { readonly kind: 'ssl-request' | 'gssenc-request' | 'cancel-request' }
  | { readonly kind: 'startup'; readonly packet: Buffer; readonly params: ReadonlyMap<string, string> }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Splits what a client sends into whole packets: untyped ones before start-up, typed messages after. */
export class FrontendFramer {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next start-up phase packet (length-prefixed, no type byte), or undefined until it is whole. */
  takeStartupPacket(): StartupPacket | undefined {
    if (this.buffer.length < 8) return undefined;
    const length = this.buffer.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_PACKET) return { kind: 'invalid', reason: `start-up packet of ${length} bytes` };
    if (this.buffer.length < length) return undefined;
    const packet = Buffer.from(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST) return { kind: 'ssl-request' };
    if (code === GSSENC_REQUEST) return { kind: 'gssenc-request' };
    if (code === CANCEL_REQUEST) return { kind: 'cancel-request' };
    if (code >>> 16 !== PROTOCOL_3_MAJOR) return { kind: 'invalid', reason: `protocol ${code >>> 16}.${code & 0xffff}` };
    return { kind: 'startup', packet, params: startupParams(packet) };
  }

  /**
   * Every whole typed message received so far, in one buffer (undefined when there is none), and
   * whether the client said Terminate (or sent what is not the protocol): that message and anything after it are dropped, never given to
   * PGlite, whose one backend must not end with a client's session.
   */
  takeMessages(): { readonly messages: Buffer | undefined; readonly terminate: boolean } {
    let end = 0;
    let terminate = false;
    while (this.buffer.length - end >= 5) {
      if (this.buffer[end] === TERMINATE_TYPE) {
        terminate = true;
        break;
      }
      const length = 1 + this.buffer.readInt32BE(end + 1);
      if (length < 5) {
        // Not the protocol: end the session as if it had said goodbye.
        terminate = true;
        break;
      }
      if (this.buffer.length - end < length) break;
      end += length;
    }
    const messages = end === 0 ? undefined : Buffer.from(this.buffer.subarray(0, end));
    this.buffer = terminate ? Buffer.alloc(0) : this.buffer.subarray(end);
    return { messages, terminate };
  }
}

/** The key/value pairs after the protocol version: user, database, application_name... */
function startupParams(packet: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  const parts = packet.subarray(8).toString('utf8').split('\0');
  for (let index = 0; index + 1 < parts.length; index += 2) {
    const key = parts[index];
    if (!key) break;
    params.set(key, parts[index + 1] ?? '');
  }
  return params;
}

interface ResponseFields {
  readonly severity: 'FATAL' | 'ERROR' | 'NOTICE';
  /** SQLSTATE, e.g. 55P03 lock_not_available, 57P01 admin_shutdown. */
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
}

function fieldsMessage(type: 'E' | 'N', fields: ResponseFields): Buffer {
  const parts: Buffer[] = [];
  const add = (field: string, value: string): void => {
    parts.push(Buffer.from(field, 'ascii'), Buffer.from(value, 'utf8'), Buffer.from([0]));
  };
  add('S', fields.severity);
  add('V', fields.severity);
  add('C', fields.code);
  add('M', fields.message);
  if (fields.detail !== undefined) add('D', fields.detail);
  parts.push(Buffer.from([0]));
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export const errorResponse = (fields: ResponseFields): Buffer => fieldsMessage('E', fields);
export const noticeResponse = (fields: ResponseFields): Buffer => fieldsMessage('N', fields);

/** A simple-protocol Query message. */
export function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0, 'ascii');
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
}

/** Sync: ends an extended-protocol exchange, including one an error left skipping to the next Sync. */
export const SYNC_MESSAGE = new Uint8Array([0x53, 0, 0, 0, 4]);
