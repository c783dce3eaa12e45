/**
 * A publisher whose connection is lost while she stays in the room is recorded again without
 * re-joining (stream-worker/lossPolicy.ts): the real `room-recorder record` against our relay
 * and a werift publisher process. The cut is the publisher process frozen with SIGSTOP, what a
 * network outage on her side looks like to the recorder: no media, no pings answered, no bye,
 * and her socket is still in the room. Thawed once the recorder asks for the stream again, she
 * answers the new `play`; a second file appears. Her `bye` afterwards ends the worker for good.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRelayProcess } from "./harness/relay.ts";
import { listSegments, startRecorderProcess } from "./harness/recorder.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { decodeErrors, probe } from "./harness/ffprobe.ts";
import { waitFor } from "./harness/wait.ts";

const ROOM = "replay_room";
/** Inactivity (10 s) + rebuild grace (3 s) + first delay (2 s), with room for a loaded box. */
const LOSS_MS = 60_000;
const WAIT_MS = 30_000;

/** Log lines of `record` (and its workers, re-logged whole) whose message starts with `prefix`. */
const lines = (stderr: string, prefix: string) => stderr.split("\n").filter((l) => l.includes(`"msg":"${prefix}`));

test("record - a publisher still in the room whose connection was lost is recorded again; after her bye she is not asked again", async () => {
  const out = mkdtempSync(join(tmpdir(), "rr-replay-"));
  await using relay = await startRelayProcess();
  const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir: out });
  const alice = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "alice", codec: "vp8" });
  try {
    await alice.mediaStarted();
    await waitFor(() => (listSegments(out)[0]?.sidecar?.durationSec ?? 0) >= 2, WAIT_MS, "the first file has media");

    process.kill(alice.pid, "SIGSTOP");
    try {
      await waitFor(() => lines(recorder.stderr(), "connection lost; asking for the stream again (attempt 1 of 3)").length > 0, LOSS_MS, "the recorder asks for the stream again");
    } finally {
      process.kill(alice.pid, "SIGCONT");
    }
    await waitFor(() => {
      const segs = listSegments(out);
      return segs.length === 2 && (segs[1]?.sidecar?.durationSec ?? 0) >= 2 && segs;
    }, WAIT_MS, "a second file with media, from the same publisher connection in the room");
    assert.equal(lines(alice.stderr(), "handshake socket closed").length, 0, "the publisher never left the room");

    await alice.stop(); // bye
    await waitFor(() => lines(recorder.stderr(), "worker finished").length > 0, WAIT_MS, "the worker ends on her bye");
    // The supervisor starts a replacement in the same turn as it logs "worker finished": had it
    // wanted one, its "worker started" line is already there.
    assert.equal(await recorder.stop(), 0, `recorder exit code; stderr:\n${recorder.stderr().slice(-4000)}`);

    const log = recorder.stderr();
    assert.equal(lines(log, "worker started").length, 1, "one worker for the whole stream");
    assert.equal(lines(log, "connection lost; asking for the stream again").length, 1, "asked again once, not after the bye");
    assert.equal(lines(log, "worker lost its connection and asks for the stream again").length, 1, "the signaler saw one request");
    assert.match(lines(log, "worker ending").join("\n"), /"reason":"bye"/);
    assert.match(lines(log, "stream left").join("\n"), /"reason":"bye"/);

    const segments = listSegments(out);
    assert.equal(segments.length, 2, `files: ${segments.map((s) => s.relative).join(", ")}`);
    const [first, second] = segments;
    assert.equal(second!.sidecar?.peerUuid, first!.sidecar?.peerUuid, "the same publisher UUID: she never re-joined");
    for (const seg of segments) {
      assert.equal(seg.sidecar?.finalized, true, `${seg.relative}: finalized`);
      const p = await probe(seg.file);
      assert.deepEqual(p.streams.map((s) => s.codec).sort(), ["opus", "vp8"], `${seg.relative}: tracks`);
      assert.ok(p.durationSec >= 2, `${seg.relative}: duration ${p.durationSec} s`);
      assert.equal(await decodeErrors(seg.file), "", `${seg.relative}: ffmpeg decode errors`);
    }
  } finally {
    await alice.kill();
    await recorder.stop();
  }
});
