/**
 * Two `room-recorder worker` processes for one stream on one bus (the local IPC hub): the first
 * claims the stream and records; the second learns it is a duplicate, never says `ready`, and
 * exits 3 with a clear log line, so the supervisor does not restart it (docs/nats.md "Claims").
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { subjects } from "../src/bus/subjects.ts";
import { EXIT_DUPLICATE } from "../src/cli/worker.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { probe } from "./fixtures/media-probe.ts";
import { waitFor } from "./harness/wait.ts";
import { localWorkerConfig, startWorkerChild } from "./harness/workerChild.ts";
import { startWorkerRelay } from "./harness/workerRelay.ts";

// werift's sockets in the relay's publisher outlive pc.close() (notes/werift.md §3).
after(() => setTimeout(() => process.exit(), 500).unref());

const log = createRootLogger({ level: process.env.LOG_LEVEL ?? "warn" });
const scope = { scope: "local", recording: "room1" };
const PASSWORD = "someEncryptionKey123";
const TIMEOUT_MS = 30_000;

test("worker duplicate - a second worker for a recorded stream exits 3 and never says ready; the first keeps recording", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-worker-dup-"));
  const hub = new MemoryBus({ log });
  const config = localWorkerConfig(scope, "cam1", outDir);
  try {
    await using relay = startWorkerRelay({ bus: hub, scope, key: "cam1", password: PASSWORD, offer: "datachannel", codec: "vp8", log });
    await using first = startWorkerChild({ hub, scope, config, password: PASSWORD, log });
    await waitFor(() => relay.fromWorker.some((m) => m.type === "connected"), TIMEOUT_MS, "first worker connected");

    await using second = startWorkerChild({ hub, scope, config, password: PASSWORD, log });
    assert.equal(await second.exited, EXIT_DUPLICATE, second.stderr());
    assert.match(second.stderr(), /another worker already records this stream: ending as a duplicate/);

    const instances = new Set(relay.fromWorker.filter((m) => m.type === "ready").map((m) => m.instance));
    assert.equal(instances.size, 1, "only the owner said ready");
    assert.ok(!relay.fromWorker.some((m) => m.type === "ended"), "the duplicate published no 'ended' for the stream");
    const since = relay.heartbeats.at(-1)?.durationSec ?? 0;
    await waitFor(() => (relay.heartbeats.at(-1)?.durationSec ?? 0) >= since + 2, TIMEOUT_MS, "the first worker still recording");
    assert.equal(first.child.exitCode, null);

    const dir = join(outDir, "room1", "cam1");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".webm"));
    assert.equal(files.length, 1, `one recording: ${files.join(", ")}`);
    hub.publish(subjects.toWorker(scope, "cam1"), { type: "stop", reason: "stopped" });
    assert.equal(await first.exited, 0, first.stderr());
    assert.deepEqual(probe(join(dir, files[0]!)).streams.map((s) => s.codec_type).sort(), ["audio", "video"]);
  } finally {
    await hub.close();
    await rm(outDir, { recursive: true, force: true });
  }
});
