import { test } from "node:test";
import assert from "node:assert/strict";
import { describeOffer, hasMedia, parseScreenIndexes, roleOf } from "./offer.ts";

const sdp = (...sections: string[]) => ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", ...sections].join("\r\n") + "\r\n";
const app = (mid: string) => `m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:${mid}`;
const video = (mid: string, port = 9) => `m=video ${port} UDP/TLS/RTP/SAVPF 96\r\na=mid:${mid}`;
const audio = (mid: string) => `m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:${mid}`;

test("offer - a browser's first offer is data-channel-only", () => {
  const shape = describeOffer(sdp(app("0")));
  assert.equal(shape.dataChannel, true);
  assert.equal(hasMedia(shape), false);
});

test("offer - media sections keep their mid, kind and sender index", () => {
  const shape = describeOffer(sdp(app("0"), video("1"), audio("2")));
  assert.equal(hasMedia(shape), true);
  assert.deepEqual(shape.media.map((m) => [m.kind, m.mid, m.senderIndex]), [["video", "1", 0], ["audio", "2", 1]]);
});

test("offer - sections with port 0 carry no media", () => {
  assert.equal(hasMedia(describeOffer(sdp(video("0", 0)))), false);
});

test("offer - the screen list names the screen-share sender", () => {
  const shape = describeOffer(sdp(app("0"), video("1"), audio("2"), video("3")));
  const screen = parseScreenIndexes([2]);
  assert.equal(roleOf(shape, "1", screen), "camera");
  assert.equal(roleOf(shape, "3", screen), "screen");
});

test("offer - without a screen list a second video is the screen share", () => {
  const shape = describeOffer(sdp(video("0"), audio("1"), video("2")));
  assert.equal(roleOf(shape, "0", new Set()), "camera");
  assert.equal(roleOf(shape, "2", new Set()), "screen");
  assert.equal(roleOf(shape, "9", new Set()), "camera");
});

test("offer - a hostile screen value is ignored", () => {
  assert.equal(parseScreenIndexes("1,2").size, 0);
  assert.deepEqual([...parseScreenIndexes([1, -1, 1e9, "2", 1.5])], [1]);
});
