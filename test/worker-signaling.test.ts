/**
 * The worker's handshake edges over a real MemoryBus: re-announcing on `hello`, dropping what a
 * stranger sends without crashing, and a publisher that rebuilds its connection (new session →
 * new peer connection → new file), with a real werift publisher and the real recorder.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { parseFromWorker, type FromWorker } from "../src/bus/messages.ts";
import { subjects } from "../src/bus/subjects.ts";
import type { WorkerConfig } from "../src/config/types.ts";
import { DEFAULT_SALT } from "../src/protocol/defaults.ts";
import { createStreamRecorder } from "../src/media/index.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { StreamWorker } from "../src/stream-worker/StreamWorker.ts";
import { probe } from "./fixtures/media-probe.ts";
import { waitFor } from "./harness/wait.ts";
import { PUBLISHER_UUID, startWorkerRelay } from "./harness/workerRelay.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const log = createRootLogger({ level: process.env.LOG_LEVEL ?? "warn" });
const scope = { scope: "local", recording: "room1" };
const TIMEOUT_MS = 30_000;

const config = (outDir: string): WorkerConfig => ({
  scope, stream: { key: "cam1", streamId: "cam1" }, roomDir: "room1", password: "someEncryptionKey123", salt: DEFAULT_SALT,
  ice: { iceServers: [], relayOnly: false },
  output: { outDir, segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 },
  screenShare: false, inactivityMs: 10_000,
});

test("worker - hello re-announces ready; malformed and hostile messages are dropped", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-worker-sig-"));
  const bus = new MemoryBus({ log });
  const seen: FromWorker[] = [];
  bus.subscribe(subjects.fromWorker(scope, "cam1"), (m) => seen.push(parseFromWorker(m.data)!));
  const worker = new StreamWorker(bus, config(outDir), log, { createRecorder: (o) => createStreamRecorder(o, log) });
  const to = subjects.toWorker(scope, "cam1");
  try {
    await waitFor(() => seen.length === 1, TIMEOUT_MS, "ready");
    for (const junk of [
      "not an object", { type: "peer" }, { type: "stop", reason: "because" },
      { type: "peer", uuid: "P", payload: { description: "00ff", vector: "nothex" } },
      { type: "peer", uuid: "P", payload: { description: { type: "offer", sdp: 42 } } },
      { type: "peer", uuid: "P", payload: { candidates: "a".repeat(300_000), vector: "00".repeat(16) } },
      { type: "peer", uuid: "P", payload: { ping: { nested: "object" } } },
    ]) bus.publish(to, junk);
    bus.publish(to, { type: "hello" });
    await waitFor(() => seen.length === 2, TIMEOUT_MS, "ready again after hello");
    assert.deepEqual(seen.map((m) => m.type), ["ready", "ready"]);
    assert.equal(seen[0]?.type === "ready" && seen[0].instance, worker.instance);
    bus.publish(to, { type: "stop", reason: "stopped" });
    assert.equal(await worker.done(), "stopped");
    assert.deepEqual(seen.at(-1), { type: "ended", key: "cam1", instance: worker.instance, reason: "stopped" });
  } finally {
    await worker.close();
    await bus.close();
    await rm(outDir, { recursive: true, force: true });
  }
});

test("worker - a publisher that rebuilds (new session) gets a new peer connection and a new file", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-worker-sig-"));
  const bus = new MemoryBus({ log });
  await using relay = startWorkerRelay({ bus, scope, key: "cam1", password: "someEncryptionKey123", offer: "media", codec: "vp8", log });
  const worker = new StreamWorker(bus, config(outDir), log, { createRecorder: (o) => createStreamRecorder(o, log) });
  try {
    const connectedCount = () => relay.fromWorker.filter((m) => m.type === "connected").length;
    await waitFor(() => connectedCount() === 1, TIMEOUT_MS, "first connection");
    await waitFor(() => (relay.heartbeats.at(-1)?.durationSec ?? 0) >= 1.5, TIMEOUT_MS, "first file has media");
    relay.rebuild("sess2");
    await waitFor(() => connectedCount() === 2, TIMEOUT_MS, "second connection");
    await waitFor(() => (relay.heartbeats.at(-1)?.durationSec ?? 0) >= 1.5 && relay.heartbeats.at(-1)?.segments === 2, TIMEOUT_MS, "second file has media");
    relay.publisher()?.close("done", true);
    assert.equal(await worker.done(), "bye");
    const ended = relay.fromWorker.filter((m) => m.type === "ended");
    assert.deepEqual(ended, [{ type: "ended", key: "cam1", instance: worker.instance, uuid: PUBLISHER_UUID, reason: "bye" }]);
    const dir = join(outDir, "room1", "cam1");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".webm")).sort();
    assert.equal(files.length, 2, files.join(", "));
    for (const f of files) assert.deepEqual(probe(join(dir, f)).streams.map((s) => s.codec_type).sort(), ["audio", "video"], f);
  } finally {
    await worker.close();
    await bus.close();
    await rm(outDir, { recursive: true, force: true });
  }
});

test("worker - a publisher lost without bye is asked for again within the budget, then the worker ends peer-lost", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-worker-lost-"));
  const bus = new MemoryBus({ log });
  await using relay = startWorkerRelay({ bus, scope, key: "cam1", password: "someEncryptionKey123", offer: "media", codec: "vp8", log });
  // Short delays: what is under test is the budget, not the production timings (lossPolicy.test.ts has those).
  const lossPolicy = { maxAttempts: 2, firstDelayMs: 50, stableMs: 60_000, offerWaitMs: 1000 };
  const worker = new StreamWorker(bus, config(outDir), log, { createRecorder: (o) => createStreamRecorder(o, log), lossPolicy });
  try {
    await waitFor(() => relay.heartbeats.some((h) => h.framesWritten > 30), TIMEOUT_MS, "recording");
    // She vanishes: her peer connection closes without a bye, and (this relay plays no one
    // twice) no offer answers the worker's requests for the stream.
    relay.publisher()!.close("network gone", false);
    assert.equal(await worker.done(), "peer-lost");
    const readies = relay.fromWorker.filter((m) => m.type === "ready").map((m) => (m.type === "ready" ? m.rearm ?? 0 : -1));
    assert.deepEqual(readies, [0, 1, 2], "the first ready, then one request per attempt of the budget");
    assert.deepEqual(relay.fromWorker.at(-1), { type: "ended", key: "cam1", instance: worker.instance, reason: "peer-lost", uuid: PUBLISHER_UUID });
    const files = (await readdir(join(outDir, "room1", "cam1"))).filter((f) => f.endsWith(".webm"));
    assert.equal(files.length, 1, "no connection came back, so no second file");
    const p = probe(join(outDir, "room1", "cam1", files[0]!));
    assert.ok(p.streams.some((st) => st.codec_type === "video"), "the file from before the loss is finalized and readable");
  } finally {
    await worker.close();
    await bus.close();
    await rm(outDir, { recursive: true, force: true });
  }
});
