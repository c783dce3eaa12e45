/**
 * patches/werift+0.25.2.patch, "RTP receive path with fewer allocations per packet"
 * (patches/README.md): every rewritten step of werift's receive path gives what the stock code
 * gave — header parsing, header copies, header-extension maps, SRTP decrypt-and-parse, events with
 * queued subscribers, codec names, NACK/TWCC flags — so the patch changes cost, not behaviour.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  Event, ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RTCRtpCodecParameters, RTCRtpReceiver,
  RtpHeader, RtpPacket, SrtpSession, rtpHeaderExtensionsParser, useNACK, useTWCC,
} from "werift";

type Extension = { id: number; payload: Buffer };
/** The patch's addition, not in werift's published types. */
const decryptPacket = (session: SrtpSession, srtp: Buffer): RtpPacket => (session as unknown as { decryptPacket(b: Buffer): RtpPacket }).decryptPacket(srtp);
const feedbackType = (flag: unknown): string | undefined => (flag as { type?: string } | undefined)?.type;

/** A header with CSRCs and extensions, serialized by werift's own writer. */
function headerWith(extensions: Extension[], profile: number, more: Partial<RtpHeader> = {}): RtpHeader {
  return new RtpHeader({ sequenceNumber: 777, timestamp: 90_000, ssrc: 0xabcdef01, payloadType: 96, marker: true, csrc: [11, 22, 33], extensionProfile: profile as RtpHeader["extensionProfile"], extensions, ...more });
}

test("werift patch - headers with CSRCs and one-byte or two-byte extensions parse back to what was written", () => {
  const cases: Array<[string, number, Extension[]]> = [
    ["one-byte", 0xbede, [{ id: 1, payload: Buffer.from("0") }, { id: 3, payload: Buffer.from([1, 2, 3]) }, { id: 14, payload: Buffer.alloc(16, 7) }]],
    ["two-byte", 0x1000, [{ id: 1, payload: Buffer.from("video") }, { id: 200, payload: Buffer.alloc(0) }, { id: 5, payload: Buffer.alloc(40, 9) }]],
  ];
  for (const [name, profile, extensions] of cases) {
    const written = headerWith(extensions, profile);
    const buf = Buffer.concat([written.serialize(written.serializeSize), Buffer.from("payload")]);
    const read = RtpHeader.deSerialize(buf);
    assert.deepEqual(read.csrc, [11, 22, 33], name);
    assert.equal(read.csrcLength, 3, name);
    assert.equal(read.extensionProfile, profile, name);
    assert.deepEqual(read.extensions.map((e) => [e.id, [...e.payload]]), extensions.map((e) => [e.id, [...e.payload]]), name);
    assert.equal(buf.subarray(read.payloadOffset).toString(), "payload", name);
    assert.equal(read.sequenceNumber, 777);
  }
});

test("werift patch - a cloned packet has an equal header that is its own object", () => {
  const header = headerWith([{ id: 2, payload: Buffer.from([9, 9, 9]) }], 0xbede, { padding: true, paddingSize: 4 });
  const packet = new RtpPacket(header, Buffer.from("abc"));
  const copy = packet.clone();
  assert.notEqual(copy.header, packet.header);
  assert.ok(copy.header instanceof RtpHeader);
  assert.deepEqual({ ...copy.header }, { ...packet.header });
  copy.header.sequenceNumber = 1;
  assert.equal(packet.header.sequenceNumber, 777, "the copy is not the original");
  assert.equal(copy.payload, packet.payload, "payload shared, as before");
});

test("werift patch - header extensions map by URI; unknown ids, decoded values and a repeated id as before", () => {
  const uris = { 1: "urn:ietf:params:rtp-hdrext:sdes:mid", 2: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 3: "urn:x-custom" };
  const parsed = rtpHeaderExtensionsParser([
    { id: 1, payload: Buffer.from("0") },
    { id: 2, payload: Buffer.from([0x01, 0x02, 0x03]) },
    { id: 3, payload: Buffer.from([5]) },
    { id: 9, payload: Buffer.from([6]) },
    { id: 1, payload: Buffer.from("1") },
  ], uris);
  assert.deepEqual(parsed, {
    "urn:ietf:params:rtp-hdrext:sdes:mid": "1",
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time": 0x010203,
    "urn:x-custom": Buffer.from([5]),
    unknown: Buffer.from([6]),
  });
  assert.deepEqual(rtpHeaderExtensionsParser([], uris), {});
});

for (const [name, profile] of [["AES-CM-128/HMAC-SHA1-80", ProtectionProfileAes128CmHmacSha1_80], ["AEAD-AES-128-GCM", ProtectionProfileAeadAes128Gcm]] as const) {
  test(`werift patch - ${name}: decryptPacket gives the packet decrypt + deSerialize gave, and refuses tampering`, () => {
    const key = randomBytes(16), salt = randomBytes(profile === ProtectionProfileAeadAes128Gcm ? 12 : 14);
    const other = { key: randomBytes(16), salt: randomBytes(salt.length) };
    const sender = new SrtpSession({ keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: other.key, remoteMasterSalt: other.salt }, profile });
    const receiver = new SrtpSession({ keys: { localMasterKey: other.key, localMasterSalt: other.salt, remoteMasterKey: key, remoteMasterSalt: salt }, profile });
    const reference = new SrtpSession({ keys: { localMasterKey: other.key, localMasterSalt: other.salt, remoteMasterKey: key, remoteMasterSalt: salt }, profile });
    for (const padded of [false, true]) {
      const header = headerWith([{ id: 1, payload: Buffer.from("0") }], 0xbede, { padding: padded, sequenceNumber: padded ? 2 : 1 });
      // A padded payload ends in its padding length (RFC 3550 §5.1); the padding is not media.
      const media = randomBytes(900);
      const payload = padded ? Buffer.concat([media, Buffer.from([0, 0, 3])]) : media;
      const srtp = sender.encrypt(payload, header);
      const got = decryptPacket(receiver, srtp);
      const want = RtpPacket.deSerialize(reference.decrypt(srtp));
      assert.deepEqual([...got.payload], [...want.payload]);
      assert.deepEqual([...got.payload], [...media], "media without its padding");
      assert.equal(got.header.paddingSize, want.header.paddingSize);
      assert.deepEqual({ ...got.header, extensions: got.header.extensions.map((e: Extension) => [e.id, [...e.payload]]) }, { ...want.header, extensions: want.header.extensions.map((e) => [e.id, [...e.payload]]) });
    }
    const tampered = Buffer.from(sender.encrypt(randomBytes(100), headerWith([], 0xbede, { sequenceNumber: 3 })));
    tampered[tampered.length - 20]! ^= 1;
    assert.throws(() => decryptPacket(receiver, tampered), /authenticate/);
    assert.throws(() => decryptPacket(receiver, Buffer.from([0x80, 0x60, 0, 1])), /authenticate/, "runt packet");
    // Padding that claims more bytes than the payload has: refused by both paths alike.
    const overPadded = sender.encrypt(Buffer.from([1, 2, 255]), headerWith([], 0xbede, { padding: true, sequenceNumber: 4 }));
    assert.throws(() => reference.decrypt(overPadded), /authenticate/);
    assert.throws(() => decryptPacket(receiver, overPadded), /authenticate/);
  });
}

test("werift patch - events still run queued (async) subscribers, in order, and report their errors", async () => {
  const event = new Event<[number]>();
  const seen: string[] = [];
  event.subscribe((n) => seen.push(`sync ${n}`));
  event.queuingSubscribe(async (n) => { seen.push(`queued ${n}`); });
  const errors: unknown[] = [];
  event.onerror = (e) => errors.push(e);
  event.execute(1);
  event.execute(2);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, ["sync 1", "queued 1", "sync 2", "queued 2"], "a queued subscriber starts within execute, as before");
  event.queuingSubscribe(async () => { throw new Error("boom"); });
  event.execute(3);
  await new Promise((r) => setImmediate(r));
  assert.equal((errors[0] as Error | undefined)?.message, "boom");

  const plain = new Event<[number]>();
  const got: number[] = [];
  plain.subscribe((n) => got.push(n));
  plain.execute(5);
  assert.deepEqual(got, [5], "subscribers without a queue run at once");
});

test("werift patch - codec names follow the mime type; NACK and TWCC flags read the first codec", () => {
  const codec = new RTCRtpCodecParameters({ payloadType: 96, mimeType: "video/VP8", clockRate: 90_000 });
  assert.equal(codec.name, "VP8");
  codec.mimeType = "video/H264";
  assert.equal(codec.name, "H264");
  assert.deepEqual(Object.keys(codec).sort(), Object.keys(new RTCRtpCodecParameters({ payloadType: 1, mimeType: "a/b", clockRate: 1 })).sort(), "no extra fields on codecs");

  const receiver = new RTCRtpReceiver({} as ConstructorParameters<typeof RTCRtpReceiver>[0], "video", 1);
  assert.equal(receiver.nackEnabled, undefined, "no codecs");
  receiver.prepareReceive({ codecs: [
    new RTCRtpCodecParameters({ payloadType: 120, mimeType: "video/rtx", clockRate: 90_000 }),
    new RTCRtpCodecParameters({ payloadType: 96, mimeType: "video/VP8", clockRate: 90_000, rtcpFeedback: [useNACK()] }),
  ], encodings: [] } as never);
  assert.equal(feedbackType(receiver.nackEnabled), "nack", "payload type 96 is first");
  assert.equal(receiver.twccEnabled, undefined);
  receiver.resyncCodecs({ codecs: [new RTCRtpCodecParameters({ payloadType: 98, mimeType: "video/VP9", clockRate: 90_000, rtcpFeedback: [useTWCC()] })], encodings: [] } as never);
  assert.equal(receiver.nackEnabled, undefined);
  assert.equal(feedbackType(receiver.twccEnabled), useTWCC().type);
});
