/**
 * The worker's DTLS certificate, made with node:crypto alone (issue 7). Without keys werift
 * builds its certificate with @peculiar/x509 (≈ 180 modules with asn1 and tsyringe), loaded
 * by every worker for this one job. WebRTC peers check only the certificate's fingerprint
 * (RFC 8122), never a chain, so a minimal self-signed ECDSA P-256 / SHA-256 X.509 v3
 * certificate is all DTLS needs: the same algorithm werift and browsers use.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import type { DtlsKeys } from "werift";

/** werift's `HashAlgorithm.sha256_4` and `SignatureAlgorithm.ecdsa_3` (TLS 1.2 registry numbers). */
const SHA256 = 4;
const ECDSA = 3;

/** The subject and issuer CN; only a name, nobody resolves it. */
const COMMON_NAME = "room-recorder";
/** Starts a day back: a peer whose clock runs behind still sees a valid certificate. */
const BACKDATE_MS = 24 * 3600 * 1000;
/** A worker records for at most days; a year leaves every recording inside the validity. */
const VALIDITY_MS = 365 * 24 * 3600 * 1000;

/** 1.2.840.10045.4.3.2 ecdsa-with-SHA256 and 2.5.4.3 commonName, DER-encoded OID contents. */
const OID_ECDSA_WITH_SHA256 = Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
const OID_COMMON_NAME = Buffer.from([0x55, 0x04, 0x03]);

export function createDtlsCertificate(now: Date = new Date()): DtlsKeys {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signatureAlgorithm = der(0x30, der(0x06, OID_ECDSA_WITH_SHA256));
  const name = der(0x30, der(0x31, der(0x30, der(0x06, OID_COMMON_NAME), der(0x0c, Buffer.from(COMMON_NAME)))));
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))), // [0] EXPLICIT version v3
    der(0x02, serialNumber()),
    signatureAlgorithm,
    name,
    der(0x30, time(new Date(now.getTime() - BACKDATE_MS)), time(new Date(now.getTime() + VALIDITY_MS))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
  );
  // For an EC key, crypto.sign gives the DER Ecdsa-Sig-Value X.509 wants (dsaEncoding "der").
  const signature = sign("sha256", tbs, privateKey);
  const certificate = der(0x30, tbs, signatureAlgorithm, der(0x03, Buffer.from([0]), signature));
  return {
    certPem: pem("CERTIFICATE", certificate),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    signatureHash: { hash: SHA256, signature: ECDSA },
  };
}

/** Tag, definite length, contents. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  if (n > 0xffff) throw new RangeError(`DER contents of ${n} bytes: longer than this certificate can be`);
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

/** 8 random bytes, positive: a leading 1 bit would read as a negative INTEGER. */
function serialNumber(): Buffer {
  const serial = randomBytes(8);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01;
  return serial;
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in UTC with seconds. */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-22T19:25:40.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "") + "Z"; // 20261122192540Z
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(digits.slice(2))) : der(0x18, Buffer.from(digits));
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
