/**
 * The AutoMTLS server certificate, built with node:crypto and a writer for the few DER shapes it
 * needs. An X.509 library (with its ASN.1 schema machinery) cost about 200 ms to load on every
 * provider start, on a path Terraform walks 2-3 times per command (it ran in a worker thread to
 * overlap); this costs nothing to load and a few milliseconds to run, on the main thread.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface ServerCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** DER in base64 without '=' padding: the form go-plugin's handshake line requires. */
  readonly handshakeCertificate: string;
}

/**
 * A fresh self-signed certificate for go-plugin's AutoMTLS: Terraform dials TLS with server name
 * "localhost" and trusts exactly the certificate from the handshake line (as a CA, so it must say it
 * is one). The same shape as go-plugin's own generateCert, with an ECDSA P-256 key.
 */
export function generateServerCertificate(now: Date = new Date()): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = sequence(set(sequence(oid(OID.commonName), utf8String('localhost'))), set(sequence(oid(OID.organization), utf8String('virtplane'))));
  const serial = randomBytes(16);
  // A positive serial without a leading zero byte, as DER wants of an INTEGER.
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // X.509 v3
    integer(serial),
    sequence(oid(OID.ecdsaWithSha256)),
    name,
    sequence(time(new Date(now.getTime() - 5 * 60_000)), time(new Date(now.getTime() + 30 * 24 * 3_600_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        // digitalSignature (bit 0), keyEncipherment (bit 2), keyCertSign (bit 5): 0b10100100, 2 unused bits.
        extension(OID.keyUsage, true, bitString(Buffer.from([0xa4]), 2)),
        extension(OID.extendedKeyUsage, false, sequence(oid(OID.serverAuth), oid(OID.clientAuth))),
        extension(OID.subjectAltName, false, sequence(der(0x82, Buffer.from('localhost', 'ascii')))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, sequence(oid(OID.ecdsaWithSha256)), bitString(signature, 0));
  return {
    certificatePem: toPem(certificate, 'CERTIFICATE'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    handshakeCertificate: certificate.toString('base64').replace(/=+$/, ''),
  };
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extendedKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

// ---------------------------------------------------------------------------------------------
// DER: tag, definite length, contents.

function der(tag: number, contents: Buffer): Buffer {
  const length = contents.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest >>>= 8) bytes.unshift(rest & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, contents]);
}

const sequence = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const explicit = (tagNumber: number, inner: Buffer): Buffer => der(0xa0 | tagNumber, inner);
const boolean = (value: boolean): Buffer => der(0x01, Buffer.from([value ? 0xff : 0x00]));
const utf8String = (text: string): Buffer => der(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bits: Buffer, unusedBits: number): Buffer => der(0x03, Buffer.concat([Buffer.from([unusedBits]), bits]));
const extension = (id: string, critical: boolean, value: Buffer): Buffer => sequence(oid(id), ...(critical ? [boolean(true)] : []), der(0x04, value));

/** Unsigned big-endian magnitude; a leading 0 keeps a high first bit from reading as negative. */
function integer(magnitude: Buffer): Buffer {
  return der(0x02, magnitude[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) base128.unshift(0x80 | (value & 0x7f));
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const digits = date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:T]/g, '');
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(digits.slice(2), 'ascii')) : der(0x18, Buffer.from(digits, 'ascii'));
}

function toPem(body: Buffer, label: string): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
