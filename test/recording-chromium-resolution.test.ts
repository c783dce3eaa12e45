/**
 * Resolution changes from a real browser (issue 13 acceptance): headless Chromium publishes VP8,
 * VP9, H.264 and AV1 (one tab each, one room, at the same time) to the real `room-recorder
 * record`, and the test changes each tab's sent size 6 times, 3 s apart, with
 * `RTCRtpSender.setParameters` (`scaleResolutionDownBy` 2 → 4 → 1.25 → 1 → 2 → 1, resolution held
 * against libwebrtc's own adaptation), then hangs up. VP8, VP9 and H.264 give exactly one file;
 * AV1 gives one file per sequence header, all listed in order by the last sidecar's `piece.files`
 * (docs/recording.md "Changes inside a connection"). The sidecars list the sizes the publisher's
 * outbound-rtp stats reported after each change, in order; every file decodes in ffmpeg without a
 * message, plays to EOS in GStreamer `playbin` and to `ended` in Chromium's `<video>`, both players
 * seeing the sidecar's sizes; the files' summed duration is within 0.5 s of the audio the
 * publisher sent (20 ms Opus packets, its media clock).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, test } from "node:test";
import { startChromium, type ChromiumPublisher, type VideoCodec } from "./harness/chromium.ts";
import { probe } from "./harness/ffprobe.ts";
import { assertPlaysEverywhere, collapseRuns } from "./harness/playback.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { DURATION_TOLERANCE_SEC, finalizedSegments, streamSegments } from "./interop/recordings.ts";

after(() => setTimeout(() => process.exit(), 500).unref());

const CONNECT_TIMEOUT_MS = 60_000;
const FINALIZE_TIMEOUT_MS = 30_000;
/** `scaleResolutionDownBy` after the start at 1: six changes of the 640x360 capture. */
const SCALES = [2, 4, 1.25, 1, 2, 1] as const;
const STEP_MS = 3_000;
/** How long a new size may take to show in the outbound-rtp stats. */
const APPLY_TIMEOUT_MS = 5_000;
const OPUS_PACKET_SEC = 0.02;
const CODECS = ["vp8", "vp9", "h264", "av1"] as const satisfies readonly VideoCodec[];

interface Piece {
  readonly index: number;
  readonly startedBy: string;
  readonly files: readonly string[];
}

interface Sent {
  /** Sizes the publisher's outbound-rtp stats reported: at the start, then after each change. */
  readonly sizes: string[];
  audioSec: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function sentVideoSize(pub: ChromiumPublisher): Promise<string | undefined> {
  const video = (await pub.status()).peers[0]?.outbound.find((o) => o.kind === "video");
  return video?.width && video.height ? `${video.width}x${video.height}` : undefined;
}

/** Applies `scale` and returns the size the stats report once it differs from `previous` (or the unchanged size after the timeout). */
async function scaleTo(pub: ChromiumPublisher, scale: number, previous: string | undefined): Promise<string | undefined> {
  await pub.setVideoScale(scale);
  const changed = await waitFor(async () => {
    const size = await sentVideoSize(pub);
    return size !== undefined && size !== previous ? size : undefined;
  }, APPLY_TIMEOUT_MS, `size after scale ${scale}`).catch(() => undefined);
  return changed ?? (await sentVideoSize(pub));
}

test("chromium resolution changes - one file per connection (AV1: pieces in order), plays in ffmpeg, GStreamer and Chromium", { concurrency: true }, async (t) => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-chromium-resolution-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "official" });
    await using chromium = await startChromium();
    const encodable = await chromium.videoCodecs();
    const codecs = CODECS.filter((c) => encodable.includes(c));
    await using recorder = startRecorderProcess({ server: relay.url, room: "resize", outDir });

    const publishers = new Map<VideoCodec, ChromiumPublisher>();
    for (const codec of codecs) {
      publishers.set(codec, await chromium.publish({ relay: relay.url, room: "resize", stream: `resize_${codec}`, codec, width: 640, height: 360, fps: 15 }));
    }
    for (const [codec, pub] of publishers) {
      const peer = await pub.waitPublishing(CONNECT_TIMEOUT_MS).catch(async (err: Error) => {
        throw new Error(`${err.message}\npublisher: ${JSON.stringify(await pub.status())}\nrecorder: ${recorder.stderr().slice(-3000)}`);
      });
      assert.equal(peer.outbound.find((o) => o.kind === "video")?.codec?.toLowerCase(), `video/${codec}`);
    }

    // Every tab goes through the same schedule at the same time.
    const sent = new Map<VideoCodec, Sent>();
    await Promise.all([...publishers].map(async ([codec, pub]) => {
      const s: Sent = { sizes: [], audioSec: 0 };
      sent.set(codec, s);
      let size = await scaleTo(pub, 1, undefined);
      await waitFor(async () => (size = await sentVideoSize(pub)) === "640x360", CONNECT_TIMEOUT_MS, `${codec} at full size`);
      s.sizes.push(size as string);
      for (const scale of SCALES) {
        await sleep(STEP_MS);
        size = await scaleTo(pub, scale, size);
        s.sizes.push(size ?? "?");
      }
      await sleep(STEP_MS);
    }));
    for (const [codec, pub] of publishers) {
      const status = await pub.status();
      assert.deepEqual(status.errors, [], `${codec} publisher errors`);
      const audio = status.peers[0]?.outbound.find((o) => o.kind === "audio");
      (sent.get(codec) as Sent).audioSec = (audio?.packetsSent ?? 0) * OPUS_PACKET_SEC;
      await pub.hangup();
    }
    for (const codec of codecs) {
      await waitFor(() => {
        const all = streamSegments(outDir, `resize_${codec}`);
        return all.length > 0 && finalizedSegments(outDir, `resize_${codec}`).length === all.length;
      }, FINALIZE_TIMEOUT_MS, `resize_${codec} finalized`);
    }
    await recorder.stop();

    const skipped = CODECS.filter((c) => !codecs.includes(c));
    for (const codec of skipped) t.test(codec, { skip: `this Chromium cannot send ${codec} (it sends ${encodable.join(", ")})` }, () => undefined);

    await Promise.all(codecs.map((codec) => t.test(codec, async () => {
      const s = sent.get(codec) as Sent;
      const segments = streamSegments(outDir, `resize_${codec}`);
      const files = segments.map((seg) => seg.file);
      const sidecars = segments.map((seg) => seg.sidecar);
      assert.equal(new Set(sidecars.map((c) => c?.peerUuid)).size, 1, "one connection");
      const last = sidecars.at(-1)?.piece as Piece;
      assert.deepEqual(last.files, files.map((f) => basename(f)), "the last sidecar lists every file of the connection in order");
      if (codec !== "av1") assert.equal(files.length, 1, `one file for the connection: ${files.map((f) => basename(f)).join(", ")}`);

      const recorded: string[] = [];
      let total = 0;
      for (const [i, f] of files.entries()) {
        const listed = (sidecars[i]?.resolutionChanges ?? []).map((c) => `${c.width}x${c.height}`);
        recorded.push(...listed);
        total += (await probe(f)).durationSec;
        await assertPlaysEverywhere(f, listed, { chromiumRepeats: "collapse" });
      }
      const wallSec = ((sidecars.at(-1)?.endEpochMs ?? 0) - (sidecars[0]?.startEpochMs ?? 0)) / 1000;
      t.diagnostic(`${codec}: ${files.length} file(s); sent sizes ${s.sizes.join(" → ")}; recorded ${recorded.join(" → ")}; ` +
        `duration ${total.toFixed(3)} s, audio sent ${s.audioSec.toFixed(2)} s, sidecar wall span ${wallSec.toFixed(3)} s`);
      const applied = collapseRuns(s.sizes);
      assert.ok(applied.length - 1 >= 5, `Chromium applied only ${applied.length - 1} changes: ${s.sizes.join(" → ")}`);
      // The recording may start during the start-up ramp (sizes before 640x360); from there on it
      // lists exactly what the publisher sent.
      const listedSizes = collapseRuns(recorded);
      assert.deepEqual(listedSizes.slice(-applied.length), applied, `sidecars list ${listedSizes.join(" → ")}, publisher sent ${applied.join(" → ")}`);
      if (codec === "av1") assert.equal(files.length, listedSizes.length, "AV1: one file per size (new sequence header)");
      assert.ok(Math.abs(total - s.audioSec) <= DURATION_TOLERANCE_SEC, `${codec}: ${total.toFixed(3)} s recorded, ${s.audioSec.toFixed(2)} s of audio sent`);
    })));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
