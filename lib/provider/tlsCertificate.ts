// reflect-metadata must be evaluated before @peculiar/x509, or the process dies at load time.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

export interface ServerCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** DER in base64 without '=' padding: the form go-plugin's handshake line requires. */
  readonly handshakeCertificate: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * A fresh self-signed certificate for go-plugin's AutoMTLS: Terraform dials TLS with server
 * name "localhost" and trusts exactly the certificate from the handshake line.
 */
export async function generateServerCertificate(now: Date = new Date()): Promise<ServerCertificate> {
  // The package declares DOM's Crypto type; Node's webcrypto is that implementation.
  const crypto = webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0];
  x509.cryptoProvider.set(crypto);
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // A positive serial: clear the top bit of random bytes.
      serialNumber: (randomBytes(16)[0]! & 0x7f).toString(16).padStart(2, '0') + randomBytes(15).toString('hex'),
      name: 'CN=localhost, O=virtplane',
      notBefore: new Date(now.getTime() - 5 * 60_000),
      notAfter: new Date(now.getTime() + 30 * 24 * 3_600_000),
      signingAlgorithm: ALGORITHM,
      // Same objects, typed by the package's DOM declarations rather than node:crypto's.
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]),
      ],
    },
    crypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: toPem(Buffer.from(pkcs8), 'PRIVATE KEY'),
    handshakeCertificate: Buffer.from(certificate.rawData).toString('base64').replace(/=+$/, ''),
  };
}

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
