/**
 * `record --status-port` (issue 14) with real processes: publishers a and b join, b leaves,
 * b comes back and leaves again. Every `/status` answer along the way validates against
 * docs/status.schema.v1.json, its finished files are the files on disk (names and sizes), and
 * `room-recorder status` prints the same document (`--json`) and a table from it. b, once gone,
 * keeps its label: the publisher sends it on the data channel after the worker's recorder opened
 * its file, and the report of a stream that left reads it from the newest sidecar.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "./harness/freePort.ts";
import { validate } from "./harness/jsonSchema.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { finalizedSegments } from "./interop/recordings.ts";
import { LEFT, type StatusReport, type StreamReport } from "../src/status/statusReport.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SCHEMA = JSON.parse(readFileSync(join(ROOT, "docs/status.schema.v1.json"), "utf8")) as Record<string, unknown>;
const ROOM = "status_room";
const MEDIA_MS = 3_000;

test("record --status-port - /status validates while streams join, leave and rejoin; finished files match the disk; status command", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-status-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "official" });
    const port = await freePort();
    await using recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir, args: ["--status-port", String(port)] });
    const answers: StatusReport[] = [];
    const status = async (): Promise<StatusReport | undefined> => {
      const res = await fetch(`http://127.0.0.1:${port}/status`).catch(() => undefined);
      if (!res?.ok) return undefined;
      const report = (await res.json()) as StatusReport;
      assert.deepEqual(validate(SCHEMA, report), [], JSON.stringify(report));
      answers.push(report);
      return report;
    };
    const stream = (r: StatusReport | undefined, id: string): StreamReport | undefined => r?.streams.find((s) => s.streamId === id);
    const until = (what: string, ok: (r: StatusReport) => boolean) =>
      waitFor(async () => {
        const r = await status();
        return r && ok(r) ? r : undefined;
      }, 60_000, what).catch((err: Error) => {
        throw new Error(`${err.message}\nlast: ${JSON.stringify(answers.at(-1))}\nrecorder: ${recorder.stderr().slice(-3000)}`);
      });

    const a = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "a", label: "Camera A" });
    let b = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "b", label: "Camera B" });
    try {
      const both = await until("a and b recording", (r) => ["a", "b"].every((id) => stream(r, id)?.state === "recording" && (stream(r, id)?.currentFile?.bytes ?? 0) > 0));
      assert.equal(stream(both, "a")?.label, "Camera A");
      assert.deepEqual(stream(both, "a")?.codecs, { video: "vp8", audio: "opus" });
      assert.ok(stream(both, "a")?.resolution && stream(both, "a")?.since, JSON.stringify(stream(both, "a")));
      assert.equal(both.totals.recording, 2);
      assert.equal(both.signaling, "connected");
      await new Promise((resolve) => setTimeout(resolve, MEDIA_MS));

      await b.stop();
      const left = await until("b's first file finished", (r) => stream(r, "b")?.filesFinished.length === 1 && stream(r, "b")?.state !== "recording");
      assert.equal(stream(left, "a")?.state, "recording");
      assertMatchesDisk(outDir, left, "b");

      b = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "b", label: "Camera B" });
      await until("b recording again", (r) => stream(r, "b")?.state === "recording" && stream(r, "b")?.currentFile !== null);
      await new Promise((resolve) => setTimeout(resolve, MEDIA_MS));
      await b.stop();
      const again = await until("b's second file finished", (r) => stream(r, "b")?.filesFinished.length === 2 && stream(r, "b")?.currentFile === null);
      assertMatchesDisk(outDir, again, "b");
      const gone = await until("b left", (r) => stream(r, "b")?.state === LEFT);
      assert.equal(stream(gone, "b")?.label, "Camera B");
      assert.deepEqual(finalizedSegments(outDir, "b").map((seg) => seg.sidecar?.label), ["Camera B", "Camera B"]);
      assert.equal(again.totals.filesFinished, again.streams.reduce((n, s) => n + s.filesFinished.length, 0));

      const run = promisify(execFile);
      const json = await run(`${ROOT}node_modules/.bin/node`, ["src/cli/main.ts", "status", "--port", String(port), "--json"], { cwd: ROOT });
      const printed = JSON.parse(json.stdout) as StatusReport;
      assert.deepEqual(validate(SCHEMA, printed), []);
      assert.deepEqual(stream(printed, "b")?.filesFinished, stream(again, "b")?.filesFinished);
      const text = await run(`${ROOT}node_modules/.bin/node`, ["src/cli/main.ts", "status", "--port", String(port)], { cwd: ROOT });
      assert.match(text.stdout, /^room status_room · signaling connected · 2 stream\(s\)/);
      assert.match(text.stdout, /\nb +.*\s2\n/, text.stdout);
    } finally {
      await a.kill();
      await b.kill();
    }
    assert.equal(await recorder.stop(), 0);
    assert.ok(answers.length >= 4);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});

/** The report's finished files of `id` are the finalized files on disk, byte for byte in size. */
function assertMatchesDisk(outDir: string, r: StatusReport, id: string): void {
  const reported = r.streams.find((s) => s.streamId === id)!;
  const onDisk = finalizedSegments(outDir, id);
  assert.deepEqual(reported.filesFinished.map((f) => f.name), onDisk.map((s) => s.sidecar!.file));
  for (const [i, f] of reported.filesFinished.entries()) {
    assert.equal(f.bytes, statSync(onDisk[i]!.file).size, f.name);
    assert.equal(f.durationSec, onDisk[i]!.sidecar!.durationSec, f.name);
  }
  assert.ok(reported.bytes >= reported.filesFinished.reduce((n, f) => n + f.bytes, 0));
}
