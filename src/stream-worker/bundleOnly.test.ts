import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptBundleOnly } from "./bundleOnly.ts";

/** The shape webrtcbin 1.22 offers with bundle-policy=max-bundle (trimmed). */
const MAX_BUNDLE = [
  "v=0",
  "o=- 1 0 IN IP4 0.0.0.0",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE video0 audio1 application2",
  "m=video 9 UDP/TLS/RTP/SAVPF 96",
  "a=mid:video0",
  "m=audio 0 UDP/TLS/RTP/SAVPF 111",
  "a=bundle-only",
  "a=rtpmap:111 OPUS/48000/2",
  "a=mid:audio1",
  "m=application 0 UDP/DTLS/SCTP webrtc-datachannel",
  "a=bundle-only",
  "a=mid:application2",
  "",
].join("\r\n");

test("acceptBundleOnly - bundle-only m-lines of the BUNDLE group become port 9 without a=bundle-only", () => {
  const out = acceptBundleOnly(MAX_BUNDLE);
  assert.match(out, /\r\nm=audio 9 UDP\/TLS\/RTP\/SAVPF 111\r\n/);
  assert.match(out, /\r\nm=application 9 UDP\/DTLS\/SCTP webrtc-datachannel\r\n/);
  assert.doesNotMatch(out, /bundle-only/);
  assert.equal(out.split("\r\n").length, MAX_BUNDLE.split("\r\n").length - 2, "only the two a=bundle-only lines went");
  assert.ok(out.endsWith("\r\n"));
});

test("acceptBundleOnly - a really rejected m-line (port 0, no bundle-only) stays rejected", () => {
  const sdp = MAX_BUNDLE.replace("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=bundle-only\r\n", "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\n");
  assert.match(acceptBundleOnly(sdp), /\r\nm=audio 0 /);
});

test("acceptBundleOnly - bundle-only outside any BUNDLE group, or no group at all, is left alone", () => {
  const outside = MAX_BUNDLE.replace("a=group:BUNDLE video0 audio1 application2", "a=group:BUNDLE video0 application2");
  assert.match(acceptBundleOnly(outside), /\r\nm=audio 0 [^\r]*\r\na=bundle-only/);
  const noGroup = MAX_BUNDLE.replace("a=group:BUNDLE video0 audio1 application2\r\n", "");
  assert.equal(acceptBundleOnly(noGroup), noGroup);
});

test("acceptBundleOnly - max-compat offers (a port on every m-line) and LF-only SDP are unchanged", () => {
  const compat = MAX_BUNDLE.replaceAll(" 0 UDP", " 9 UDP").replaceAll("a=bundle-only\r\n", "");
  assert.equal(acceptBundleOnly(compat), compat);
  const lf = MAX_BUNDLE.replaceAll("\r\n", "\n");
  assert.match(acceptBundleOnly(lf), /\nm=audio 9 /);
});
