/**
 * A real werift publisher (src/publisher ViewerPeer) connected to a real StreamWorker through a
 * real in-process bus (MemoryBus), with this test relaying handshake payloads as the signaler
 * and the handshake server would. The worker writes with the real recorder (src/media), and
 * ffprobe reads what it wrote.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import type { WorkerConfig } from "../src/config/types.ts";
import { DEFAULT_PASSWORD, DEFAULT_SALT } from "../src/protocol/defaults.ts";
import { createStreamRecorder } from "../src/media/index.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import type { PublishCodec } from "../src/publisher/clips.ts";
import type { OfferMode } from "../src/publisher/ViewerPeer.ts";
import { StreamWorker } from "../src/stream-worker/StreamWorker.ts";
import { probe } from "./fixtures/media-probe.ts";
import { waitFor } from "./harness/wait.ts";
import { PUBLISHER_UUID as PUBLISHER, startWorkerRelay } from "./harness/workerRelay.ts";

// werift leaves UDP sockets bound after pc.close() (notes/werift.md §3): end the file's process.
after(() => setTimeout(() => process.exit(), 500).unref());

const log = createRootLogger({ level: process.env.LOG_LEVEL ?? "warn" });
const scope = { scope: "local", recording: "room1" };
/** Generous: werift's DTLS runs in JS on a shared 2-CPU box. */
const CONNECT_TIMEOUT_MS = 30_000;

interface Case {
  readonly offer: OfferMode;
  readonly password: string | false;
  readonly codec: PublishCodec;
}

function workerConfig(outDir: string, password: string | false, codec: PublishCodec): WorkerConfig {
  return {
    scope,
    stream: { key: "cam1", streamId: "cam1" },
    roomDir: "room1",
    password,
    salt: DEFAULT_SALT,
    ice: { iceServers: [], relayOnly: false },
    output: { outDir, segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 },
    preferCodec: codec,
    screenShare: false,
    inactivityMs: 10_000,
  };
}

async function recordAndLeave(c: Case): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), "rr-worker-"));
  const bus = new MemoryBus({ log });
  const r = startWorkerRelay({ bus, scope, key: "cam1", password: c.password, offer: c.offer, codec: c.codec, log });
  const worker = new StreamWorker(bus, workerConfig(outDir, c.password, c.codec), log, {
    createRecorder: (opts) => createStreamRecorder(opts, log),
  });
  try {
    await waitFor(() => r.fromWorker.some((m) => m.type === "connected"), CONNECT_TIMEOUT_MS, "worker connected");
    await waitFor(() => (r.heartbeats.at(-1)?.durationSec ?? 0) >= 2, CONNECT_TIMEOUT_MS, "two seconds recorded");
    const hb = r.heartbeats.at(-1)!;
    assert.equal(hb.state, "recording");
    assert.equal(hb.uuid, PUBLISHER);
    assert.equal(hb.videoCodec, c.codec);
    assert.equal(hb.audioCodec, "opus");

    r.publisher()?.close("test over", true);
    assert.equal(await worker.done(), "bye");
    const ended = r.fromWorker.find((m) => m.type === "ended");
    assert.deepEqual(ended, { type: "ended", key: "cam1", instance: worker.instance, uuid: PUBLISHER, reason: "bye" });

    const dir = join(outDir, "room1", "cam1");
    const files = (await readdir(dir)).filter((f) => /\.(webm|mkv)$/.test(f));
    assert.equal(files.length, 1, `one recording in ${dir}: ${files.join(", ")}`);
    const p = probe(join(dir, files[0]!));
    assert.deepEqual(p.streams.map((s) => s.codec_type).sort(), ["audio", "video"]);
    assert.equal(p.streams.find((s) => s.codec_type === "video")?.codec_name, c.codec);
    assert.ok(Number(p.format.duration) >= 1.5, `duration ${p.format.duration}`);
  } finally {
    await worker.close();
    r.stop();
    await bus.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

test("worker - data-channel-only first offer, tracks after settings renegotiated on the DC, default password", async () => {
  await recordAndLeave({ offer: "datachannel", password: DEFAULT_PASSWORD, codec: "vp8" });
});

test("worker - media in the first offer, custom password with a space (encoded as the browser does)", async () => {
  await recordAndLeave({ offer: "media", password: "s3cr3t pass", codec: "vp8" });
});

test("worker - no password: plaintext signaling, H.264 preferred", async () => {
  await recordAndLeave({ offer: "datachannel", password: false, codec: "h264" });
});
