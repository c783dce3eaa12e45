/**
 * patches/werift+0.25.2.patch, "@peculiar/x509 loaded only to generate a certificate"
 * (patches/README.md): a process that gives werift its DTLS keys never loads @peculiar/x509,
 * and one that does not still gets a working generated certificate.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CipherContext } from "werift";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * A fresh node that records every module it loads (a load hook registered before werift is
 * imported), creates a peer connection with or without our keys, makes an offer, and prints the
 * offer's fingerprint and whether any file of @peculiar/x509 was loaded.
 */
async function offerInFreshProcess(withKeys: boolean): Promise<{ fingerprint: string | undefined; peculiarLoaded: boolean; expected: string | undefined }> {
  const script = `
    import { registerHooks } from "node:module";
    import { X509Certificate } from "node:crypto";
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const { RTCPeerConnection } = await import("werift");
    const { createDtlsCertificate } = await import("./src/stream-worker/dtlsCertificate.ts");
    const keys = ${withKeys} ? createDtlsCertificate() : undefined;
    const pc = new RTCPeerConnection(keys ? { dtls: { keys } } : {});
    pc.addTransceiver("video", { direction: "recvonly" });
    const offer = await pc.createOffer();
    await pc.close();
    console.log(JSON.stringify({
      fingerprint: /a=fingerprint:sha-256 (\\S+)/.exec(offer.sdp)?.[1],
      expected: keys ? new X509Certificate(keys.certPem).fingerprint256 : undefined,
      peculiarLoaded: loaded.some((u) => u.includes("/@peculiar/x509/")),
    }));
    process.exit(0);
  `;
  const node = `${ROOT}node_modules/.bin/node`;
  const { stdout } = await promisify(execFile)(node, ["--input-type=module", "-e", script], { cwd: ROOT });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

test("werift patch - a peer connection given dtls.keys offers their fingerprint and never loads @peculiar/x509", async () => {
  const r = await offerInFreshProcess(true);
  assert.equal(r.fingerprint, r.expected);
  assert.equal(r.peculiarLoaded, false);
});

test("werift patch - without keys werift loads @peculiar/x509 on demand and offers the certificate it generated", async () => {
  const r = await offerInFreshProcess(false);
  assert.match(r.fingerprint ?? "", /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.equal(r.peculiarLoaded, true);
});

test("werift patch - createSelfSignedCertificateWithKey still makes a valid ECDSA P-256 certificate", async () => {
  const { certPem, keyPem, signatureHash } = await CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23);
  const cert = new X509Certificate(certPem);
  assert.equal(cert.verify(cert.publicKey), true);
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----/);
  assert.deepEqual(signatureHash, { hash: 4, signature: 3 });
});
