import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, verify, X509Certificate } from "node:crypto";
import { CipherContext, RTCCertificate } from "werift";
import { createDtlsCertificate } from "./dtlsCertificate.ts";

test("dtls certificate - a self-signed ECDSA P-256 certificate, valid now, signed by its own key", () => {
  const keys = createDtlsCertificate();
  const cert = new X509Certificate(keys.certPem);
  assert.equal(cert.verify(cert.publicKey), true);
  assert.equal(cert.checkPrivateKey(createPrivateKey(keys.keyPem)), true);
  assert.equal(cert.subject, "CN=room-recorder");
  assert.equal(cert.issuer, cert.subject);
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  const now = Date.now();
  assert.ok(Date.parse(cert.validFrom) <= now && now < Date.parse(cert.validTo), `${cert.validFrom} – ${cert.validTo}`);
  assert.deepEqual(keys.signatureHash, { hash: 4, signature: 3 });
});

test("dtls certificate - every call makes a new key and serial number", () => {
  const a = new X509Certificate(createDtlsCertificate().certPem);
  const b = new X509Certificate(createDtlsCertificate().certPem);
  assert.notEqual(a.serialNumber, b.serialNumber);
  assert.notEqual(a.fingerprint256, b.fingerprint256);
});

test("dtls certificate - validity past 2049 is written as GeneralizedTime", () => {
  const cert = new X509Certificate(createDtlsCertificate(new Date("2049-12-01T00:00:00Z")).certPem);
  assert.equal(new Date(cert.validTo).getUTCFullYear(), 2050);
  assert.equal(cert.verify(cert.publicKey), true);
});

test("dtls certificate - openssl reads it as an X.509 v3 ecdsa-with-SHA256 certificate", (t) => {
  let text: string;
  try {
    text = execFileSync("openssl", ["x509", "-noout", "-text"], { input: createDtlsCertificate().certPem, encoding: "utf8" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return t.skip("openssl is not installed");
    throw err;
  }
  assert.match(text, /Version: 3 \(0x2\)/);
  assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
  assert.match(text, /NIST CURVE: P-256/);
});

test("dtls certificate - werift takes it: the same fingerprint, and its DTLS signatures verify", () => {
  const keys = createDtlsCertificate();
  const rtc = new RTCCertificate(keys.keyPem, keys.certPem, keys.signatureHash);
  assert.equal(rtc.getFingerprints()[0]?.value, new X509Certificate(keys.certPem).fingerprint256);
  // The ServerKeyExchange signature werift makes with this key (CipherContext.generateKeySignature).
  const context = new CipherContext(1, keys.certPem, keys.keyPem, keys.signatureHash);
  const data = Buffer.from("client random | server random | curve params");
  const signature = context.localPrivateKey.sign(data, "sha256");
  assert.equal(verify("sha256", data, createPublicKey(keys.certPem), signature), true);
});
