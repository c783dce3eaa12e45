/**
 * patches/werift+0.25.2.patch, "RTP receive path without per-packet strings and sorts"
 * (patches/README.md): RTP headers parse to the same fields for every value of the two bit-field
 * bytes, and a receiver's codecs still come out in payload-type order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RtpHeader, RTCRtpCodecParameters, RTCRtpReceiver } from "werift";

test("werift patch - RTP header bit fields (version, padding, extension, CSRC count, marker, payload type) for all byte values", () => {
  for (let b0 = 0; b0 < 256; b0++) {
    if (b0 & 0x10) continue; // extension bit: needs an extension block, parsed by code the patch does not touch
    const cc = b0 & 0x0f;
    for (let b1 = 0; b1 < 256; b1++) {
      const buf = Buffer.alloc(12 + cc * 4 + 4);
      buf[0] = b0;
      buf[1] = b1;
      buf.writeUInt16BE(4242, 2);
      buf.writeUInt32BE(0xdeadbeef, 8);
      for (let i = 0; i < cc; i++) buf.writeUInt32BE(1000 + i, 12 + i * 4);
      const h = RtpHeader.deSerialize(buf);
      const at = `b0=${b0} b1=${b1}`;
      assert.equal(h.version, b0 >> 6, at);
      assert.equal(h.padding, (b0 & 0x20) !== 0, at);
      assert.equal(h.extension, false, at);
      assert.equal(h.csrcLength, cc, at);
      assert.deepEqual(h.csrc, Array.from({ length: cc }, (_, i) => 1000 + i), at);
      assert.equal(h.marker, (b1 & 0x80) !== 0, at);
      assert.equal(h.payloadType, b1 & 0x7f, at);
      assert.equal(h.sequenceNumber, 4242);
      assert.equal(h.ssrc, 0xdeadbeef);
    }
  }
});

test("werift patch - a receiver lists its codecs in payload-type order whatever the order they were negotiated in", () => {
  const receiver = new RTCRtpReceiver({} as ConstructorParameters<typeof RTCRtpReceiver>[0], "video", 1);
  const codec = (payloadType: number, mimeType: string) => new RTCRtpCodecParameters({ payloadType, mimeType, clockRate: 90_000 });
  // `codecArray` is private in werift's types; it is what handleRTP reads per packet.
  const payloadTypes = () => (receiver as unknown as { codecArray: RTCRtpCodecParameters[] }).codecArray.map((c) => c.payloadType);
  receiver.prepareReceive({ codecs: [codec(120, "video/rtx"), codec(96, "video/VP8"), codec(102, "video/H264"), codec(35, "video/AV1")], encodings: [] } as never);
  assert.deepEqual(payloadTypes(), [35, 96, 102, 120]);
  receiver.resyncCodecs({ codecs: [codec(127, "video/VP9"), codec(98, "video/VP8")], encodings: [] } as never);
  assert.deepEqual(payloadTypes(), [98, 127]);
});
