/**
 * What must not interrupt media (design.md, "Data flow"): a signaler restart and a NATS server
 * restart while workers record. Media is peer-to-peer between publisher and worker; only the
 * handshake crosses the bus. Checked on the files: every frame published is there, no holes.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { probe } from "./harness/ffprobe.ts";
import { startNats, type NatsServer } from "./harness/nats.ts";
import { startPublisherProcess, type PublisherProcess } from "./harness/publisher.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { startRole, type RoleProcess } from "./harness/roleProcess.ts";
import { largestGapSec, recordedFiles, videoPacketTimes, viewerSpanSec } from "./harness/recordings.ts";
import { waitFor } from "./harness/wait.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const WAIT_MS = 60_000;
const FPS = 30;
/** A hole this long in the video would mean media stopped; frames come every 33 ms. */
const MAX_GAP_SEC = 0.3;

interface Rig {
  readonly nats: NatsServer;
  readonly relayUrl: string;
  readonly out: string;
  readonly common: string[];
  worker(streamId: string): RoleProcess;
  signaler(): RoleProcess;
}

async function checkNoHoles(out: string, streamId: string, publisher: PublisherProcess, published: Awaited<ReturnType<PublisherProcess["stop"]>>): Promise<void> {
  const files = await recordedFiles(out, streamId);
  assert.equal(files.length, 1, `one file for ${streamId}: ${files.join(", ")}`);
  const file = files[0]!;
  const p = await probe(file);
  assert.deepEqual(p.streams.map((x) => x.type).sort(), ["audio", "video"], file);
  const times = await videoPacketTimes(file);
  const span = viewerSpanSec(published);
  assert.ok(largestGapSec(times) <= MAX_GAP_SEC, `${file}: largest hole ${largestGapSec(times)} s`);
  // Recording starts at the first keyframe (1 s GOP): at most one GOP of the published frames is missing.
  assert.ok(times.length >= (span - 1.1) * FPS, `${file}: ${times.length} video frames for ${span} s published by ${publisher.pid}`);
}

async function withRig(name: string, body: (rig: Rig) => Promise<void>): Promise<void> {
  await using nats = await startNats();
  await using relay = await startRelayProcess();
  const out = await mkdtemp(join(tmpdir(), `rr-nats-${name}-`));
  const common = ["--nats", nats.url, "--scope", "ns", "--recording", name, "--room", name];
  const procs: RoleProcess[] = [];
  const rig: Rig = {
    nats,
    relayUrl: relay.url,
    out,
    common,
    worker: (id) => {
      const w = startRole("worker", [...common, "--stream-id", id, "--out", out]);
      procs.push(w);
      return w;
    },
    signaler: () => {
      const s = startRole("signaler", [...common, "--server", relay.url]);
      procs.push(s);
      return s;
    },
  };
  try {
    await body(rig);
  } catch (err) {
    for (const p of procs) process.stderr.write(`process ${p.pid} stderr (tail):\n${p.stderr().slice(-3000)}\n`);
    throw err;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
}

/**
 * One publisher records, `disrupt` runs mid-recording, then a second publisher joins: both
 * workers end cleanly and neither stream's files have a hole.
 */
async function recordAcross(rig: Rig, room: string, disrupt: (signaler: ReturnType<Rig["signaler"]>) => Promise<void>): Promise<void> {
  const w1 = rig.worker("early");
  const signaler = rig.signaler();
  await using early = await startPublisherProcess({ server: rig.relayUrl, room, streamId: "early" });
  await early.mediaStarted(WAIT_MS);
  await new Promise((r) => setTimeout(r, 2000));

  await disrupt(signaler);
  const w2 = rig.worker("late");
  await using late = await startPublisherProcess({ server: rig.relayUrl, room, streamId: "late" });
  await late.mediaStarted(WAIT_MS);
  await new Promise((r) => setTimeout(r, 3000));

  const [earlySpans, lateSpans] = await Promise.all([early.stop(), late.stop()]);
  assert.deepEqual(await Promise.all([w1, w2].map((w) => waitFor(() => w.exit, WAIT_MS, `worker ${w.pid} to end`))), [0, 0]);
  await checkNoHoles(rig.out, "early", early, earlySpans);
  await checkNoHoles(rig.out, "late", late, lateSpans);
}

test("cluster over NATS - a signaler restart mid-recording leaves no hole, and a publisher joining after it is recorded", async () => {
  await withRig("sigrestart", (rig) =>
    recordAcross(rig, "sigrestart", async (signaler) => {
      assert.equal(await signaler.kill(), "SIGKILL");
      rig.signaler();
    }),
  );
});

test("cluster over NATS - a nats-server restart mid-recording leaves no hole, and the room is still followed after it", async () => {
  await withRig("natsrestart", (rig) =>
    recordAcross(rig, "natsrestart", async () => {
      await rig.nats.down();
      await new Promise((r) => setTimeout(r, 1500));
      await rig.nats.up();
    }),
  );
});
