import { test } from "node:test";
import assert from "node:assert/strict";
import { peerConfig, selectIceServers, videoCodecOrder, videoCodecs } from "./peerConfig.ts";

test("peer config - the preferred codec is listed first, the rest keep their order", () => {
  assert.deepEqual(videoCodecOrder(undefined), ["vp8", "h264", "vp9", "av1"]);
  assert.deepEqual(videoCodecOrder("h264"), ["h264", "vp8", "vp9", "av1"]);
  assert.equal(videoCodecs("av1")[0]?.mimeType, "video/AV1");
});

test("peer config - every video codec has an RTX entry pointing at it, and H264 is upper-case", () => {
  const codecs = videoCodecs(undefined);
  for (let i = 0; i < codecs.length; i += 2) {
    const [media, rtx] = [codecs[i]!, codecs[i + 1]!];
    assert.equal(rtx.mimeType, "video/rtx");
    assert.equal(rtx.parameters, `apt=${media.payloadType}`);
  }
  const h264 = codecs.find((c) => c.mimeType.endsWith("264"));
  assert.equal(h264?.mimeType, "video/H264");
  assert.match(h264?.parameters ?? "", /packetization-mode=1/);
});

test("peer config - video feedback has nack, pli, fir and remb but never transport-cc", () => {
  for (const c of videoCodecs(undefined).filter((c) => c.mimeType !== "video/rtx")) {
    const fb = c.rtcpFeedback.map((f) => `${f.type} ${f.parameter ?? ""}`.trim());
    assert.deepEqual(fb.sort(), ["ccm fir", "goog-remb", "nack", "nack pli"]);
  }
  const cfg = peerConfig({ iceServers: [], relayOnly: false }, undefined);
  const uris = [...(cfg.headerExtensions?.audio ?? []), ...(cfg.headerExtensions?.video ?? [])].map((e) => e.uri);
  assert.ok(uris.every((u) => !u.includes("transport-wide-cc")));
  assert.ok(uris.some((u) => u.includes("sdes:mid")));
});

test("peer config - one STUN and one TURN are picked, UDP TURN first", () => {
  const picked = selectIceServers([
    { urls: "turns:t.example:5349", username: "u", credential: "c" },
    { urls: "stun:s1.example:3478" },
    { urls: "turn:t.example:3478?transport=tcp", username: "u", credential: "c" },
    { urls: "turn:t.example:3478", username: "u", credential: "c" },
    { urls: "stun:s2.example:3478" },
  ]);
  assert.deepEqual(picked.map((s) => s.urls), ["stun:s1.example:3478", "turn:t.example:3478"]);
});

test("peer config - relay-only sets the relay ICE policy", () => {
  assert.equal(peerConfig({ iceServers: [], relayOnly: true }, undefined).iceTransportPolicy, "relay");
  assert.equal(peerConfig({ iceServers: [], relayOnly: false }, undefined).iceTransportPolicy, "all");
  assert.deepEqual(peerConfig({ iceServers: [], relayOnly: false }, undefined).iceServers, []);
});
