/**
 * Issue 2 acceptance: `kill -9` of a stream worker mid-recording. The segment it was writing
 * stays readable (crash tolerance, design "Recording"), the supervisor starts a new worker, and
 * the new worker writes a new segment that decodes cleanly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startRelayProcess } from "./harness/relay.ts";
import { listSegments, startRecorderProcess } from "./harness/recorder.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { countFrames, decodeErrors, probe } from "./harness/ffprobe.ts";
import { waitFor } from "./harness/wait.ts";

test("record - a worker killed with SIGKILL leaves a readable segment and is replaced by one that records anew", async () => {
  const out = mkdtempSync(join(tmpdir(), "rr-crash-"));
  await using relay = await startRelayProcess();
  await using recorder = startRecorderProcess({ server: relay.url, room: "crash_room", outDir: out });
  await using publisher = await startPublisherProcess({ server: relay.url, room: "crash_room", streamId: "victim" });
  await publisher.mediaStarted();
  await sleep(4000);

  const [victim] = await waitFor(() => {
    const pids = recorder.workerPids();
    return pids.length === 1 && pids;
  }, 20_000, "exactly one worker process");
  const before = listSegments(out);
  assert.equal(before.length, 1, `segments before the kill: ${before.map((s) => s.relative)}`);
  process.kill(victim!, "SIGKILL");

  const replacement = await waitFor(() => recorder.workerPids().find((p) => p !== victim), 30_000, "a new worker process");
  assert.notEqual(replacement, victim);
  await waitFor(() => listSegments(out).length >= 2 && listSegments(out).at(-1)!.bytes > 50_000, 30_000, "a second segment with media");
  await sleep(2000);
  await publisher.stop();
  await waitFor(() => listSegments(out).at(-1)?.sidecar?.finalized, 30_000, "the new segment finalized");
  assert.equal(await recorder.stop(), 0, recorder.stderr().slice(-3000));

  const [killed, fresh] = listSegments(out);
  assert.ok(killed && fresh);
  assert.equal(killed.streamDir, fresh.streamDir, "same stream directory");
  // The killed one: still demuxable, with both tracks and frames that decode.
  const pk = await probe(killed.file);
  assert.deepEqual(pk.streams.map((s) => s.type).sort(), ["audio", "video"]);
  assert.ok((await countFrames(killed.file, "video")) > 60, "the killed segment holds the seconds before the kill");
  // The new one: complete.
  const pf = await probe(fresh.file);
  assert.deepEqual(pf.streams.map((s) => s.type).sort(), ["audio", "video"]);
  assert.ok(pf.durationSec > 2, `new segment duration ${pf.durationSec}`);
  assert.equal(await decodeErrors(fresh.file), "");
});
