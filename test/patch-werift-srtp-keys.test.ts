/**
 * patches/werift+0.25.2.patch, "SRTP keys as KeyObjects" (patches/README.md): werift's SRTP
 * ciphers hold their session keys as KeyObjects made once, and still encrypt and authenticate
 * RTP and RTCP exactly as before, for both profiles we negotiate (AES-CM/HMAC-SHA1-80, AES-GCM).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyObject, randomBytes } from "node:crypto";
import {
  ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtcpSession, SrtpSession,
} from "werift";

const PROFILES = [
  ["AES-CM-128/HMAC-SHA1-80", ProtectionProfileAes128CmHmacSha1_80],
  ["AEAD-AES-128-GCM", ProtectionProfileAeadAes128Gcm],
] as const;

type SessionConfig = ConstructorParameters<typeof SrtpSession>[0];

/** Configs of the two ends of one SRTP association: what A encrypts, B decrypts. */
function ends(profile: SessionConfig["profile"]): [SessionConfig, SessionConfig] {
  const a = { key: randomBytes(16), salt: randomBytes(profile === ProtectionProfileAeadAes128Gcm ? 12 : 14) };
  const b = { key: randomBytes(16), salt: randomBytes(a.salt.length) };
  const keys = (l: typeof a, r: typeof a) => ({ localMasterKey: l.key, localMasterSalt: l.salt, remoteMasterKey: r.key, remoteMasterSalt: r.salt });
  return [{ keys: keys(a, b), profile }, { keys: keys(b, a), profile }];
}

for (const [name, profile] of PROFILES) {
  test(`werift patch - ${name}: session keys are KeyObjects; RTP round-trips over a sequence wrap and tampering is refused`, () => {
    const [a, b] = ends(profile);
    const sender = new SrtpSession(a);
    const receiver = new SrtpSession(b);
    const cipher = (sender as unknown as { localContext: { cipher: Record<string, unknown> } }).localContext.cipher;
    assert.ok(cipher.srtpSessionKey instanceof KeyObject, "SRTP key made once");
    assert.ok(cipher.srtcpSessionKey instanceof KeyObject, "SRTCP key made once");
    if (profile === ProtectionProfileAes128CmHmacSha1_80) assert.ok(cipher.srtpSessionAuthTag instanceof KeyObject, "HMAC key made once");

    for (const seq of [65534, 65535, 0, 1]) {
      const payload = randomBytes(1100);
      const header = new RtpHeader({ sequenceNumber: seq, timestamp: seq * 3000, ssrc: 0x1234, payloadType: 96, marker: seq === 1 });
      const wire = sender.encrypt(payload, header);
      assert.notDeepEqual(wire.subarray(12, 12 + payload.length), payload, "payload is encrypted");
      const plain = receiver.decrypt(wire);
      assert.deepEqual(plain.subarray(12), payload);
      const tampered = Buffer.from(wire);
      tampered[40]! ^= 1;
      assert.throws(() => receiver.decrypt(tampered), /authenticate/);
    }
  });

  test(`werift patch - ${name}: RTCP round-trips`, () => {
    const [a, b] = ends(profile);
    const sender = new SrtcpSession(a);
    const receiver = new SrtcpSession(b);
    const rtcp = Buffer.concat([Buffer.from([0x80, 200, 0, 6, 0, 0, 0x12, 0x34]), randomBytes(20)]);
    assert.deepEqual(receiver.decrypt(sender.encrypt(rtcp)), rtcp);
  });
}
