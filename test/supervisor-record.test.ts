import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { startRelay } from "./harness/relay.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { probe } from "./harness/ffprobe.ts";
import { waitFor } from "./harness/wait.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

test("record - SIGTERM finalizes every stream's file and exits 0", async () => {
  await using relay = await startRelay({ port: 0, dialect: "official", log: pino({ level: "silent" }) });
  const out = mkdtempSync(join(tmpdir(), "rr-record-"));
  await using pub = await startPublisherProcess({ server: relay.url, room: "rec", streamId: "cam1" });
  const rec = spawn(`${ROOT}node_modules/.bin/node`, ["src/cli/main.ts", "record", "--server", relay.url, "--room", "rec", "--out", out], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  rec.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = once(rec, "exit");
  try {
    await pub.mediaStarted(60_000);
    const dir = join(out, "rec", "cam1");
    await waitFor(() => stderr.includes('"segment opened"') && stderr.includes('"worker connected"'), 60_000, "recording under way");
    // Some media on disk before the stop (a condition, not a sleep).
    await waitFor(() => readdirSync(dir).some((f) => f.endsWith(".webm") && statSync(join(dir, f)).size > 100_000), 60_000, "100 kB recorded");
    rec.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, stderr.slice(-2000));
    const files = readdirSync(dir).filter((f) => f.endsWith(".webm"));
    assert.equal(files.length, 1);
    const p = await probe(join(dir, files[0]!));
    assert.deepEqual(p.streams.map((s) => s.codec).sort(), ["opus", "vp8"]);
    assert.ok(p.durationSec > 0, "a finalized file has a duration");
    assert.ok(readdirSync(dir).some((f) => f.endsWith(".json")), "sidecar written");
  } finally {
    if (rec.exitCode === null && rec.signalCode === null) rec.kill("SIGKILL");
  }
});
