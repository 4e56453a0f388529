/**
 * The AutoMTLS certificate is DER written by hand (lib/provider/tlsCertificate.ts): OpenSSL (through
 * node:crypto) must read every field Terraform's Go client relies on, and TLS must accept it with the
 * same checks Go makes (this certificate as the only CA, server name "localhost"). Terraform itself
 * accepts it in terraform.e2e.test.ts and providerProcess.test.ts.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { generateServerCertificate } from '../../lib/provider/tlsCertificate.js';
import { pemFromHandshakeCertificate } from './helpers/providerClient.js';

describe('the AutoMTLS certificate', () => {
  const now = new Date('2031-03-04T05:06:07Z');
  const generated = generateServerCertificate(now);
  const certificate = new X509Certificate(generated.certificatePem);

  it('names localhost, is its own CA, and allows server and client authentication', () => {
    expect(certificate.subject).toBe('CN=localhost\nO=virtplane');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.subjectAltName).toBe('DNS:localhost');
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.ca).toBe(true);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('is signed by its own key, which is the private key handed to TLS', () => {
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(generated.privateKeyPem))).toBe(true);
    expect(certificate.checkIssued(certificate)).toBe(true);
  });

  it('is valid from shortly before now for 30 days, with a positive serial', () => {
    expect(new Date(certificate.validFrom).getTime()).toBe(now.getTime() - 5 * 60_000);
    expect(new Date(certificate.validTo).getTime()).toBe(now.getTime() + 30 * 24 * 3_600_000);
    expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(generateServerCertificate(now).certificatePem).not.toBe(generated.certificatePem);
  });

  it('writes dates from 2050 as GeneralizedTime, which OpenSSL reads back', () => {
    const late = new X509Certificate(generateServerCertificate(new Date('2049-12-20T00:00:00Z')).certificatePem);
    expect(new Date(late.validTo).toISOString()).toBe('2050-01-19T00:00:00.000Z');
    expect(new Date(late.validFrom).toISOString()).toBe('2049-12-19T23:55:00.000Z');
  });

  it('is in the handshake line as its DER in unpadded base64', () => {
    expect(generated.handshakeCertificate).not.toContain('=');
    expect(Buffer.from(generated.handshakeCertificate, 'base64').equals(certificate.raw)).toBe(true);
    expect(pemFromHandshakeCertificate(generated.handshakeCertificate)).toBe(generated.certificatePem);
  });

  it('passes a TLS handshake in which the client trusts only it and checks the name localhost, both ways', async () => {
    const current = generateServerCertificate();
    const client = generateServerCertificate();
    const server = createServer({
      cert: current.certificatePem,
      key: current.privateKeyPem,
      ca: client.certificatePem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const accepted = once(server, 'secureConnection') as Promise<[TLSSocket]>;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const socket = connect({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        servername: 'localhost',
        ca: current.certificatePem,
        cert: client.certificatePem,
        key: client.privateKeyPem,
      });
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      const [serverSide] = await accepted;
      expect(serverSide.authorized).toBe(true);
      socket.destroy();
    } finally {
      server.close();
    }
  });
});
