/**
 * Issue 2 acceptance: a publisher whose first offer carries only the data channel (the
 * VDO.Ninja browser's habit, spec §2.5 steps 5–9) is recorded: the recorder must send its
 * settings on `sendChannel` and answer the renegotiation that adds the tracks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRelayProcess } from "./harness/relay.ts";
import { recordOnePublisher } from "./harness/recorder.ts";
import { decodeErrors, probe } from "./harness/ffprobe.ts";

test("record - a publisher that offers the data channel first is recorded with audio and video", async () => {
  await using relay = await startRelayProcess();
  const out = mkdtempSync(join(tmpdir(), "rr-dc-"));
  const r = await recordOnePublisher({ server: relay.url, room: "dc_first", streamId: "browserlike", outDir: out, seconds: 5, offer: "datachannel" });
  assert.equal(r.recorderExitCode, 0, r.recorderStderr.slice(-3000));
  assert.equal(r.segments.length, 1, `segments: ${r.segments.map((s) => s.relative)}`);
  const seg = r.segments[0]!;
  const p = await probe(seg.file);
  assert.deepEqual(p.streams.map((s) => `${s.type}:${s.codec}`).sort(), ["audio:opus", "video:vp8"]);
  const span = r.published[0]!;
  const publishedSec = span.mediaSeconds;
  assert.ok(Math.abs(p.durationSec - publishedSec) <= 0.5, `duration ${p.durationSec} s vs published ${publishedSec} s`);
  assert.equal(await decodeErrors(seg.file), "");
});
