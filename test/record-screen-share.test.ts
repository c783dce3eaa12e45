/**
 * Issue 4 acceptance: a publisher sharing its screen the browser's way (spec §4.7: a second
 * video sender on the same connection, its index in the offer's `screen` array, added only when
 * the viewer's settings allow screen video, spec §4.2) is recorded as a separate `-screen` file
 * when the recorder runs with `--screen-share`, and not at all without it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeErrors, probe } from "./harness/ffprobe.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { listSegments, startRecorderProcess, type RecordedSegment } from "./harness/recorder.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";

const PUBLISH_SECONDS = 4;

/** One sharing publisher (data channel first, like the browser) recorded with the given flags. */
async function recordSharingPublisher(room: string, recorderArgs: readonly string[], expectedFiles: number): Promise<RecordedSegment[]> {
  await using relay = await startRelayProcess();
  const out = mkdtempSync(join(tmpdir(), "rr-screen-"));
  await using recorder = startRecorderProcess({ server: relay.url, room, outDir: out, args: recorderArgs });
  await using publisher = await startPublisherProcess({ server: relay.url, room, streamId: "sharer", offer: "datachannel", screen: true });
  await publisher.mediaStarted(60_000);
  await new Promise((r) => setTimeout(r, PUBLISH_SECONDS * 1000));
  await publisher.stop();
  await waitFor(
    () => listSegments(out).filter((s) => s.sidecar?.finalized).length >= expectedFiles,
    30_000, `${expectedFiles} finalized file(s)`,
  ).catch(() => undefined); // the assertions below say what is missing
  assert.equal(await recorder.stop(), 0, recorder.stderr().slice(-3000));
  return listSegments(out);
}

const streamsOf = async (file: string) => (await probe(file)).streams.map((s) => `${s.type}:${s.codec}`).sort();

test("record --screen-share - a shared screen is its own -screen file beside the camera's", async () => {
  const segments = await recordSharingPublisher("screen_on", ["--screen-share"], 2);
  assert.equal(segments.length, 2, `files: ${segments.map((s) => s.relative)}`);
  const camera = segments.find((s) => s.sidecar?.role === "camera");
  const screen = segments.find((s) => s.sidecar?.role === "screen");
  assert.ok(camera && screen, `roles: ${segments.map((s) => `${s.relative}=${s.sidecar?.role}`)}`);
  assert.equal(screen.streamDir, camera.streamDir, "both files belong to the one stream");
  assert.match(screen.relative, /-screen\.webm$/);
  assert.doesNotMatch(camera.relative, /-screen/);
  assert.deepEqual(await streamsOf(camera.file), ["audio:opus", "video:vp8"]);
  assert.deepEqual(await streamsOf(screen.file), ["video:vp8"]);
  for (const s of [camera, screen]) {
    assert.equal(s.sidecar?.finalized, true, s.relative);
    assert.equal(s.sidecar?.streamId, "sharer", s.relative);
    assert.equal(await decodeErrors(s.file), "", s.relative);
  }
});

test("record without --screen-share - the publisher is not asked for its screen: only the camera file", async () => {
  const segments = await recordSharingPublisher("screen_off", [], 1);
  assert.equal(segments.length, 1, `files: ${segments.map((s) => s.relative)}`);
  const camera = segments[0]!;
  assert.equal(camera.sidecar?.role, "camera");
  assert.doesNotMatch(camera.relative, /-screen/);
  assert.deepEqual(await streamsOf(camera.file), ["audio:opus", "video:vp8"]);
  assert.equal(await decodeErrors(camera.file), "");
});
