/**
 * The cluster topology on one machine: a real nats-server with per-recording authorization, our
 * relay, `room-recorder signaler` and one `room-recorder worker` per stream as separate OS
 * processes (as the operator runs them as pods), and werift publishers as their own processes.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { subjects, type SubjectScope } from "../src/bus/subjects.ts";
import { decodeErrors, probe } from "./harness/ffprobe.ts";
import { startNats } from "./harness/nats.ts";
import { startPublisherProcess, type PublisherProcess } from "./harness/publisher.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { startRole, type RoleProcess } from "./harness/roleProcess.ts";
import { recordedFiles, viewerSpanSec } from "./harness/recordings.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const ROOM = "natscluster";
const scope: SubjectScope = { scope: "ns", recording: "rec" };
const RECORD_MS = 6000;
const WAIT_MS = 60_000;
const STREAMS = [
  { streamId: "cam_a", codec: "vp8" },
  { streamId: "cam.b*>", codec: "vp8" },
  { streamId: "cam_c", codec: "h264" },
] as const;

test("cluster over NATS - signaler and three workers as separate processes record three werift publishers", async () => {
  await using nats = await startNats({ users: [{ user: "rec", password: "rec-pw", allow: [subjects.everything(scope)] }] });
  await using relay = await startRelayProcess();
  const out = await mkdtemp(join(tmpdir(), "rr-nats-cluster-"));
  const common = ["--nats", nats.url, "--scope", scope.scope, "--recording", scope.recording, "--room", ROOM];
  const env = { NATS_USER: "rec", NATS_PASSWORD: "rec-pw" };

  // Workers first: a worker that starts before the signaler waits for it (docs/nats.md, races).
  const workers: RoleProcess[] = STREAMS.map((s) => startRole("worker", [...common, "--stream-id", s.streamId, "--out", out], env));
  const signaler = startRole("signaler", [...common, "--server", relay.url], env);
  const publishers: PublisherProcess[] = [];
  try {
    for (const s of STREAMS) publishers.push(await startPublisherProcess({ server: relay.url, room: ROOM, streamId: s.streamId, codec: s.codec }));
    await Promise.all(publishers.map((p) => p.mediaStarted(WAIT_MS)));
    await new Promise((r) => setTimeout(r, RECORD_MS));
    const spans = await Promise.all(publishers.map((p) => p.stop()));
    const codes = await Promise.all(workers.map((w) => waitFor(() => w.exit, WAIT_MS, `worker ${w.pid} to end after bye`)));
    assert.deepEqual(codes, [0, 0, 0], "every worker ends cleanly when its publisher says bye");

    for (const [i, s] of STREAMS.entries()) {
      const files = await recordedFiles(out, s.streamId);
      assert.equal(files.length, 1, `one file for ${s.streamId}: ${files.join(", ")}`);
      const file = files[0]!;
      const p = await probe(file);
      assert.deepEqual(p.streams.map((x) => x.type).sort(), ["audio", "video"], file);
      assert.equal(p.streams.find((x) => x.type === "video")?.codec, s.codec);
      assert.equal(await decodeErrors(file), "", `${file} decodes cleanly`);
      const published = viewerSpanSec(spans[i]!);
      assert.ok(Math.abs(p.durationSec - published) <= 0.5, `${file}: ${p.durationSec} s recorded vs ${published} s published`);
    }
  } catch (err) {
    for (const w of workers) process.stderr.write(`worker ${w.pid} stderr (tail):\n${w.stderr().slice(-3000)}\n`);
    process.stderr.write(`signaler stderr (tail):\n${signaler.stderr().slice(-3000)}\n`);
    throw err;
  } finally {
    await Promise.all(publishers.map((p) => p.stop()));
    await Promise.all(workers.map((w) => w.stop()));
    await signaler.stop();
  }
});
