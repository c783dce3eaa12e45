/**
 * `npm run demo`: the whole product on one machine, no internet, no ffmpeg. Our relay on a free
 * port, three test publishers (two VP8, one H.264, each with Opus), `room-recorder record` for
 * 20 s; then a summary of what was written, read back from the recorder's own JSON sidecars.
 */
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startRelayProcess } from "../test/harness/relay.ts";
import { startPublisherProcess, type PublisherProcess } from "../test/harness/publisher.ts";
import { listSegments, startRecorderProcess, type RecordedSegment } from "../test/harness/recorder.ts";
import { waitFor } from "../test/harness/wait.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ROOM = "demo";
const RECORD_SECONDS = 20;
const PUBLISHERS = [
  { streamId: "alice", codec: "vp8", label: "Alice (VP8)" },
  { streamId: "bob", codec: "vp8", label: "Bob (VP8)" },
  { streamId: "carol", codec: "h264", label: "Carol (H.264)" },
] as const;

process.env.LOG_LEVEL ??= "info";
const say = (s: string) => process.stdout.write(`${s}\n`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ")).join("\n");
}

function describe(seg: RecordedSegment, outDir: string): string[] {
  const s = seg.sidecar;
  const res = s?.resolution ? `${s.resolution.width}x${s.resolution.height}` : "?";
  return [
    s?.streamId ?? seg.streamDir,
    relative(outDir, seg.file),
    `${s?.videoCodec ?? "-"} + ${s?.audioCodec ?? "-"}`,
    res,
    s ? `${s.durationSec.toFixed(1)} s` : "?",
    `${(seg.bytes / 1024).toFixed(0)} KiB`,
    s?.finalized ? "yes" : "no",
  ];
}

async function main(): Promise<number> {
  const outDir = join(ROOT, "recordings", `demo-${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}`);
  mkdirSync(outDir, { recursive: true });
  say("room-recorder demo: a local relay, 3 test publishers and the recorder, all on this machine.");
  const relay = await startRelayProcess();
  say(`  relay      ${relay.url}`);
  const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir });
  say(`  recorder   room '${ROOM}' → ${relative(ROOT, outDir)}/`);
  const publishers: PublisherProcess[] = [];
  try {
    for (const p of PUBLISHERS) {
      publishers.push(await startPublisherProcess({ server: relay.url, room: ROOM, ...p }));
      say(`  publisher  ${p.streamId} (${p.codec} + opus)`);
    }
    await Promise.all(publishers.map((p) => p.mediaStarted(60_000)));
    say(`media flows to the recorder; recording for ${RECORD_SECONDS} s …`);
    await new Promise((r) => setTimeout(r, RECORD_SECONDS * 1000));
    for (const p of publishers) await p.stop();
    await waitFor(() => listSegments(outDir).filter((s) => s.sidecar?.finalized).length >= PUBLISHERS.length, 30_000, "the files to be finalized").catch(() => undefined);
    const code = await recorder.stop();
    const segments = listSegments(outDir);
    say("");
    say(table([["stream", "file", "codecs", "resolution", "duration", "size", "finalized"], ...segments.map((s) => describe(s, outDir))]));
    say("");
    if (segments.length < PUBLISHERS.length || code !== 0) {
      process.stderr.write(`demo: expected ${PUBLISHERS.length} recordings, got ${segments.length}; recorder exit ${code}. Its last log lines:\n${recorder.stderr().split("\n").slice(-20).join("\n")}\n`);
      return 1;
    }
    say(`${segments.length} recordings in ${relative(ROOT, outDir)}/ (play them with any player that reads WebM/Matroska).`);
    return 0;
  } finally {
    await Promise.all(publishers.map((p) => p.kill()));
    await recorder.stop();
    await relay.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
