import { test } from "node:test";
import assert from "node:assert/strict";
import { codecOfMime } from "./codecNames.ts";

test("codec names - negotiated mime types map to recorder codecs, case-insensitively", () => {
  assert.equal(codecOfMime("video", "video/H264"), "h264");
  assert.equal(codecOfMime("video", "video/VP8"), "vp8");
  assert.equal(codecOfMime("audio", "audio/OPUS"), "opus");
  assert.equal(codecOfMime("audio", "audio/opus"), "opus");
});

test("codec names - rtx, red and kind mismatches are not recordable", () => {
  assert.equal(codecOfMime("video", "video/rtx"), undefined);
  assert.equal(codecOfMime("audio", "audio/red"), undefined);
  assert.equal(codecOfMime("audio", "video/VP8"), undefined);
});
