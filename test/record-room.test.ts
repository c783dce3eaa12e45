/**
 * Issue 2 acceptance: a room of three werift publishers (two VP8+Opus, one H.264+Opus), one
 * joining after recording started and one leaving midway and rejoining, recorded by the real
 * `room-recorder record` against our relay. Every stream is recorded, the rejoin starts a new
 * file, and every file has exactly one video and one audio track, decodes without errors and
 * lasts as long as the publisher says it published (±0.5 s, on the publisher's media clock:
 * wall-clock spans would also count pacing jitter of a loaded 2-vCPU machine).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startRelayProcess } from "./harness/relay.ts";
import { startRecorderProcess, listSegments, type RecordedSegment } from "./harness/recorder.ts";
import { startPublisherProcess, type PublisherProcess, type ViewerMedia } from "./harness/publisher.ts";
import { decodeErrors, probe } from "./harness/ffprobe.ts";
import { waitFor } from "./harness/wait.ts";

const ROOM = "acceptance_room";
const DURATION_TOLERANCE_SEC = 0.5;

test("record - three publishers, a late joiner and a rejoin: one file per connection, clean and complete", async () => {
  const out = mkdtempSync(join(tmpdir(), "rr-room-"));
  await using relay = await startRelayProcess();
  const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir: out });
  const publishers: PublisherProcess[] = [];
  const start = (streamId: string, codec: "vp8" | "h264") =>
    startPublisherProcess({ server: relay.url, room: ROOM, streamId, codec, label: `${streamId} (${codec})` }).then((p) => (publishers.push(p), p));
  try {
    const alice = await start("alice", "vp8");
    const bob = await start("bob", "h264");
    await Promise.all([alice.mediaStarted(), bob.mediaStarted()]);
    await sleep(3000);

    const carol = await start("carol", "vp8"); // joins while the recording runs
    await carol.mediaStarted();
    await sleep(2000);

    const bobFirst = await bob.stop(); // leaves midway (bye) …
    await sleep(2000);
    const bobAgain = await start("bob", "h264"); // … and comes back: a new file
    await bobAgain.mediaStarted();
    await sleep(4000);

    const spans = new Map<string, readonly ViewerMedia[]>([
      ["alice", await alice.stop()],
      ["bob", [...bobFirst, ...(await bobAgain.stop())]],
      ["carol", await carol.stop()],
    ]);
    // Files are finalized when the worker sees the bye; give the workers time to close them.
    await waitFor(() => listSegments(out).filter((s) => s.sidecar?.finalized).length >= 4, 30_000, "four finalized segments");
    assert.equal(await recorder.stop(), 0, `recorder exit code; stderr:\n${recorder.stderr().slice(-4000)}`);

    const byStream = new Map<string, RecordedSegment[]>();
    for (const s of listSegments(out)) byStream.set(s.streamDir, [...(byStream.get(s.streamDir) ?? []), s]);
    assert.deepEqual([...byStream.keys()].sort(), ["alice", "bob", "carol"], `stream directories: ${[...byStream.keys()]}`);
    assert.equal(byStream.get("alice")!.length, 1);
    assert.equal(byStream.get("bob")!.length, 2, "the rejoin starts a new file");
    assert.equal(byStream.get("carol")!.length, 1);

    for (const [stream, segments] of byStream) {
      const published = spans.get(stream)!.filter((v) => v.mediaStartedAt !== undefined);
      assert.equal(published.length, segments.length, `${stream}: one file per published connection`);
      for (const [i, seg] of segments.entries()) {
        const p = await probe(seg.file);
        const video = p.streams.filter((s) => s.type === "video");
        const audio = p.streams.filter((s) => s.type === "audio");
        assert.equal(video.length, 1, `${seg.relative}: one video track`);
        assert.equal(audio.length, 1, `${seg.relative}: one audio track`);
        assert.equal(video[0]!.codec, stream === "bob" ? "h264" : "vp8", `${seg.relative}: video codec`);
        assert.equal(audio[0]!.codec, "opus", `${seg.relative}: audio codec`);
        assert.equal(`${video[0]!.width}x${video[0]!.height}`, "640x360");
        const publishedSec = published[i]!.mediaSeconds;
        assert.ok(
          Math.abs(p.durationSec - publishedSec) <= DURATION_TOLERANCE_SEC,
          `${seg.relative}: duration ${p.durationSec.toFixed(2)} s, published ${publishedSec.toFixed(2)} s`,
        );
        assert.equal(await decodeErrors(seg.file), "", `${seg.relative}: ffmpeg decode errors`);
        assert.equal(seg.sidecar?.streamId, stream, `${seg.relative}: sidecar stream id`);
      }
    }
  } finally {
    await Promise.all(publishers.map((p) => p.kill()));
    await recorder.stop();
  }
});
