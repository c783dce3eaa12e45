/**
 * Issue 5: `room-recorder record --nats URL` runs the cluster topology on one machine. A real
 * nats-server with authorization (one user allowed only this recording's subjects), our relay,
 * two werift publishers as their own processes. Checked: the workers speak NATS themselves
 * (their heartbeats reach an outside NATS client, NATS settings are in their environment and no
 * secret is in their argv), /metrics shows the signaler and the supervisor, a SIGKILLed worker
 * is restarted over NATS and writes a new segment, and every file has one audio and one video
 * track that decode (the local recorder's acceptance).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NatsBus } from "../src/bus/NatsBus.ts";
import { parseHeartbeat, type Heartbeat } from "../src/bus/messages.ts";
import { subjects, type SubjectScope } from "../src/bus/subjects.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { EXIT_CONFIG } from "../src/config/errors.ts";
import { decodeErrors, probe } from "./harness/ffprobe.ts";
import { freePort } from "./harness/freePort.ts";
import { startNats } from "./harness/nats.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { listSegments, startRecorderProcess } from "./harness/recorder.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { startRole } from "./harness/roleProcess.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const ROOM = "natsrec";
const scope: SubjectScope = { scope: "local", recording: ROOM };
const NATS_PASSWORD = "rec-nats-secret";
const WAIT_MS = 60_000;
const STREAMS = [
  { streamId: "cam_a", codec: "vp8" },
  { streamId: "cam_b", codec: "h264" },
] as const;

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The worker's environment (same user: readable), as the kernel has it. */
function environ(pid: number): Map<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return new Map(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
}

function streamOf(pid: number): string | undefined {
  try {
    return (JSON.parse(environ(pid).get("RR_WORKER_CONFIG") ?? "{}") as { stream?: { key?: string } }).stream?.key;
  } catch {
    return undefined;
  }
}

test("record --nats - signaler, supervisor and workers over an authorized nats-server; SIGKILLed worker restarted; files decode", async () => {
  await using nats = await startNats({ users: [{ user: "rec", password: NATS_PASSWORD, allow: [subjects.everything(scope)] }] });
  await using relay = await startRelayProcess();
  const out = mkdtempSync(join(tmpdir(), "rr-record-nats-"));
  const port = await freePort();
  const metrics = async () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => "");

  // An outside client with the recording's credentials: only workers on NATS can reach it.
  const observer = await NatsBus.connect({ servers: [nats.url], user: "rec", password: NATS_PASSWORD, inboxPrefix: subjects.inbox(scope) }, createRootLogger({ level: "silent" }));
  const heartbeats = new Map<string, Heartbeat>();
  observer.subscribe(subjects.allStatus(scope), (m) => {
    const hb = parseHeartbeat(m.data);
    if (hb) heartbeats.set(hb.key, hb);
  });
  await observer.flush();

  await using recorder = startRecorderProcess({
    server: relay.url, room: ROOM, outDir: out,
    args: ["--nats", nats.url, "--nats-user", "rec", "--metrics-port", String(port)],
    env: { NATS_PASSWORD },
  });
  const publishers = await Promise.all(STREAMS.map((s) => startPublisherProcess({ server: relay.url, room: ROOM, streamId: s.streamId, codec: s.codec })));
  try {
    await Promise.all(publishers.map((p) => p.mediaStarted(WAIT_MS)));
    await waitFor(() => STREAMS.every((s) => heartbeats.get(s.streamId)?.state === "recording" && heartbeats.get(s.streamId)!.framesWritten > 60), WAIT_MS, "both workers recording, heard on NATS");

    const pids = await waitFor(() => {
      const found = recorder.workerPids();
      return found.length === 2 && found;
    }, WAIT_MS, "two worker processes");
    for (const pid of pids) {
      const env = environ(pid);
      assert.equal(env.get("NATS_URL"), nats.url, "the worker got the NATS URL");
      assert.equal(env.get("NATS_USER"), "rec");
      assert.equal(env.get("NATS_PASSWORD"), NATS_PASSWORD, "the secret travels in the environment");
      assert.doesNotMatch(readFileSync(`/proc/${pid}/cmdline`, "utf8"), new RegExp(NATS_PASSWORD), "never in argv");
    }

    let text = await waitFor(async () => {
      const body = await metrics();
      return sample(body, 'rr_supervisor_streams{state="recording"}') === 2 && body;
    }, WAIT_MS, "two recording streams in /metrics");
    assert.equal(sample(text, "rr_signaler_socket_connected"), 1);
    assert.equal(sample(text, "rr_signaler_roster_streams"), 2);

    // A crash: the supervisor restarts the worker, which claims the stream over NATS anew.
    const victim = pids.find((p) => streamOf(p) === "cam_a");
    assert.ok(victim, "the worker of cam_a");
    process.kill(victim, "SIGKILL");
    await waitFor(() => recorder.workerPids().some((p) => p !== victim && streamOf(p) === "cam_a"), WAIT_MS, "a new worker for cam_a");
    await waitFor(() => {
      const segs = listSegments(out).filter((s) => s.streamDir === "cam_a");
      return segs.length >= 2 && segs.at(-1)!.bytes > 50_000;
    }, WAIT_MS, "a second cam_a segment with media");
    text = await metrics();
    assert.equal(sample(text, "rr_supervisor_worker_restarts_total"), 1);
    assert.equal(sample(text, 'rr_supervisor_worker_exits_total{verdict="crashed"}'), 1);

    await Promise.all(publishers.map((p) => p.stop()));
    await waitFor(() => STREAMS.every((s) => listSegments(out).filter((x) => x.streamDir === s.streamId).at(-1)?.sidecar?.finalized), WAIT_MS, "last segments finalized");
    assert.equal(await recorder.stop(), 0, recorder.stderr().slice(-3000));
  } catch (err) {
    process.stderr.write(`recorder stderr (tail):\n${recorder.stderr().slice(-4000)}\n`);
    throw err;
  } finally {
    await Promise.all(publishers.map((p) => p.kill()));
    await observer.close();
  }

  for (const s of STREAMS) {
    const segs = listSegments(out).filter((x) => x.streamDir === s.streamId);
    assert.equal(segs.length, s.streamId === "cam_a" ? 2 : 1, `${s.streamId}: ${segs.map((x) => x.relative).join(", ")}`);
    for (const seg of segs) {
      const p = await probe(seg.file);
      assert.deepEqual(p.streams.map((x) => x.type).sort(), ["audio", "video"], seg.relative);
      assert.equal(p.streams.find((x) => x.type === "video")?.codec, s.codec, seg.relative);
      assert.equal(p.streams.find((x) => x.type === "audio")?.codec, "opus", seg.relative);
    }
    // The last segment of each stream ended cleanly: it decodes without errors and has a duration.
    const last = segs.at(-1)!;
    assert.equal(await decodeErrors(last.file), "", `${last.relative} decodes cleanly`);
    assert.ok((await probe(last.file)).durationSec > 1, `${last.relative} has a duration`);
  }
});

test("record --nats - credentials the server refuses exit 42 with the server's reason, no stack trace", async () => {
  await using nats = await startNats({ users: [{ user: "rec", password: NATS_PASSWORD, allow: [subjects.everything(scope)] }] });
  const out = mkdtempSync(join(tmpdir(), "rr-record-nats-auth-"));
  await using recorder = startRole("record", ["--server", "ws://127.0.0.1:9", "--room", ROOM, "--out", out, "--nats", nats.url, "--nats-user", "rec"], { NATS_PASSWORD: "wrong" });
  assert.equal(await recorder.exited(), EXIT_CONFIG);
  assert.match(recorder.stderr(), /room-recorder record: --nats: .*Authorization Violation/);
  assert.doesNotMatch(recorder.stderr(), /\n\s+at /, "no stack trace");
});
