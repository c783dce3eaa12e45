/**
 * `room-recorder worker` as a real child process on the local IPC bus (attachChild + MemoryBus),
 * recording a real werift publisher; and the exit code contract the supervisor relies on.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attachChild } from "../src/bus/attachChild.ts";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { subjects } from "../src/bus/subjects.ts";
import { EXIT_CONFIG } from "../src/config/errors.ts";
import { DEFAULT_SALT } from "../src/protocol/defaults.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { probe } from "./fixtures/media-probe.ts";
import { waitFor } from "./harness/wait.ts";
import { startWorkerRelay } from "./harness/workerRelay.ts";

// werift's sockets in the relay's publisher outlive pc.close() (notes/werift.md §3).
after(() => setTimeout(() => process.exit(), 500).unref());

const log = createRootLogger({ level: process.env.LOG_LEVEL ?? "warn" });
const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;
const scope = { scope: "local", recording: "room1" };
const TIMEOUT_MS = 30_000;

function spawnWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN, "worker"], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", ...env },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, exited, stderr: () => stderr };
}

test("worker process - stop: bye to the publisher, file finalized, ended 'stopped', exit 0", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-worker-proc-"));
  const bus = new MemoryBus({ log });
  await using relay = startWorkerRelay({ bus, scope, key: "cam1", password: "someEncryptionKey123", offer: "datachannel", codec: "vp8", log });
  const config = {
    scope, stream: { key: "cam1", streamId: "cam1" }, roomDir: "room1", salt: DEFAULT_SALT,
    ice: { iceServers: [], relayOnly: false },
    output: { outDir, segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 },
    screenShare: false, inactivityMs: 10_000,
  };
  const w = spawnWorker({ RR_WORKER_CONFIG: JSON.stringify(config), RR_PASSWORD: "someEncryptionKey123" });
  const attachment = attachChild(bus, w.child, { log, permit: [subjects.everything(scope)] });
  try {
    await waitFor(() => relay.fromWorker.some((m) => m.type === "connected"), TIMEOUT_MS, "worker connected");
    await waitFor(() => (relay.heartbeats.at(-1)?.durationSec ?? 0) >= 1.5, TIMEOUT_MS, "media recorded");
    bus.publish(subjects.toWorker(scope, "cam1"), { type: "stop", reason: "stopped" });
    assert.equal(await w.exited, 0, w.stderr());
    const ended = relay.fromWorker.find((m) => m.type === "ended");
    assert.equal(ended?.type === "ended" && ended.reason, "stopped");
    await waitFor(() => relay.publisherClosed.length > 0, TIMEOUT_MS, "publisher closed");
    assert.equal(relay.publisherClosed[0], "viewer sent bye");
    const dir = join(outDir, "room1", "cam1");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".webm"));
    assert.equal(files.length, 1);
    assert.deepEqual(probe(join(dir, files[0]!)).streams.map((s) => s.codec_type).sort(), ["audio", "video"]);
  } finally {
    attachment.detach();
    w.child.kill("SIGKILL");
    await bus.close();
    await rm(outDir, { recursive: true, force: true });
  }
});

test("worker process - bad configuration exits 42 (the supervisor never restarts it)", async () => {
  const bad = spawnWorker({ RR_WORKER_CONFIG: JSON.stringify({ scope, stream: { key: "../../etc", streamId: "x" } }) });
  assert.equal(await bad.exited, EXIT_CONFIG);
  assert.match(bad.stderr(), /RR_WORKER_CONFIG/);
  const flags = spawn(process.execPath, [MAIN, "worker", "--stream-id", "x"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  flags.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = await once(flags, "exit");
  assert.equal(code, EXIT_CONFIG);
  assert.match(stderr, /--room is required/);

});
