/**
 * Webhook signing exactly like PayPal (reference §7.6): SHA256withRSA over
 * `transmission_id|transmission_time|webhook_id|crc32(raw body)` with the CRC as an unsigned decimal, verifiable
 * with the public key in an X.509 certificate served at the `paypal-cert-url`.
 */
import { generateKeyPair, sign as signAsync, verify as verifyAsync, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import forge from "node-forge";

export interface SigningKeys {
  privateKey: KeyObject;
  certificatePem: string;
}

const generateRsaKeyPair = promisify(generateKeyPair);

/** Node's crypto cannot issue certificates, so node-forge wraps the (natively generated) key in a self-signed one. */
function selfSignedCertificate(publicKeyPem: string, privateKeyPem: string): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  certificate.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  const now = Date.now();
  certificate.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  certificate.validity.notAfter = new Date(now + 365 * 24 * 3600 * 1000);
  // Deliberately not a paypal.com name: this certificate must never pass a production cert check.
  const subject = [
    { name: "commonName", value: "messageverificationcerts.paypal-emulator.invalid" },
    { name: "organizationName", value: "Coursepay PayPal emulator (not PayPal)" },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

async function createSigningKeys(): Promise<SigningKeys> {
  const { publicKey, privateKey } = await generateRsaKeyPair("rsa", { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { privateKey, certificatePem: selfSignedCertificate(publicPem, privatePem) };
}

let processKeys: Promise<SigningKeys> | undefined;

/** One RSA-2048 key and certificate per process, made at first start-up (key generation takes ~100 ms). */
export function signingKeys(): Promise<SigningKeys> {
  processKeys ??= createSigningKeys();
  return processKeys;
}

/** CRC-32 (zlib/IEEE) as an unsigned decimal string, as PayPal puts it in the signed message. */
export const bodyCrc = (body: string | Buffer): string => String(crc32(body) >>> 0);

export const signedMessage = (transmissionId: string, transmissionTime: string, webhookId: string, crc: string): string =>
  `${transmissionId}|${transmissionTime}|${webhookId}|${crc}`;

/** Signs off the event loop (libuv thread pool): deliveries must not stall REST traffic. */
export function signMessage(message: string, key: KeyObject): Promise<string> {
  return new Promise((resolve, reject) => {
    signAsync("sha256", Buffer.from(message), key, (error, signature) => (error ? reject(error) : resolve(signature.toString("base64"))));
  });
}

export function verifyMessage(message: string, signatureBase64: string, certificatePem: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verifyAsync("sha256", Buffer.from(message), certificatePem, Buffer.from(signatureBase64, "base64"), (error, valid) =>
        resolve(!error && valid),
      );
    } catch {
      resolve(false);
    }
  });
}
