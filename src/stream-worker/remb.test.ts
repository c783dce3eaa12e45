import { test } from "node:test";
import assert from "node:assert/strict";
import { ReceiverEstimatedMaxBitrate, RtcpPacketConverter } from "werift";
import { buildRemb, rembExponentMantissa } from "./remb.ts";

test("remb - small bitrates need no exponent", () => {
  assert.deepEqual(rembExponentMantissa(200_000), { exp: 0, mantissa: 200_000 });
});

test("remb - 2.5 Mb/s is encoded within one mantissa step below the target", () => {
  const { exp, mantissa } = rembExponentMantissa(2_500_000);
  assert.ok(mantissa < 2 ** 18);
  const decoded = mantissa * 2 ** exp;
  assert.ok(decoded <= 2_500_000 && decoded > 2_500_000 - 2 ** exp);
});

test("remb - a built packet parses back with its bitrate and SSRCs", () => {
  const packet = buildRemb(1234, [0xdeadbeef, 42], 2_500_000);
  const [parsed] = RtcpPacketConverter.deSerialize(packet.serialize());
  const feedback = (parsed as unknown as { feedback: unknown }).feedback;
  assert.ok(feedback instanceof ReceiverEstimatedMaxBitrate);
  assert.equal(feedback.senderSsrc, 1234);
  assert.deepEqual(feedback.ssrcFeedbacks, [0xdeadbeef, 42]);
  assert.ok(Math.abs(Number(feedback.bitrate) - 2_500_000) < 16);
});
