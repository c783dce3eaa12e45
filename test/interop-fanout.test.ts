/**
 * The fan-out ("customWSS") dialect end to end (issue 3, spec §2.7): our relay in fan-out mode,
 * `room-recorder record --dialect fanout`, and publishers of different stacks that speak the
 * dialect themselves (self-chosen ids in `from`, `roomid` on every message, no listing):
 * Chromium (VP8) and GStreamer webrtcbin (H.264).
 */
import { test } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChromium, type ChromiumPublisher } from "./harness/chromium.ts";
import { startGstPublisher } from "./harness/gstreamer.ts";
import { startRecorderProcess, type RecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { assertStreamRecorded, finalizedSegments } from "./interop/recordings.ts";

const CONNECT_TIMEOUT_MS = 60_000;
const FINALIZE_TIMEOUT_MS = 30_000;
const PUBLISH_MS = 5_000;

async function publishing(pub: ChromiumPublisher, recorder: RecorderProcess, timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  await pub.waitPublishing(timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}\npublisher: ${JSON.stringify(await pub.status())}\nrecorder: ${recorder.stderr().slice(-3000)}`);
  });
}

test("fanout - a Chromium and a GStreamer publisher joining a recorded fan-out room are both recorded", async (t) => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-fanout-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "fanout" });
    await using chromium = await startChromium();
    // The recorder is in the room first: each publisher's joinroom broadcast (with its stream
    // id) makes the recorder `play` it, and the publisher answers the play with an offer.
    await using recorder = startRecorderProcess({ server: relay.url, room: "interop", outDir, args: ["--dialect", "fanout"] });
    await waitFor(() => /signaling socket open/.test(recorder.stderr()), CONNECT_TIMEOUT_MS, "recorder joined");
    const browser = await chromium.publish({ relay: relay.url, room: "interop", stream: "fan_chrome", codec: "vp8", dialect: "fanout" });
    await using gst = await startGstPublisher({ relay: relay.url, room: "interop", stream: "fan_gst", codec: "h264", dialect: "fanout" });
    await publishing(browser, recorder);
    await gst.waitConnected(CONNECT_TIMEOUT_MS).catch((err: Error) => {
      throw new Error(`${err.message}\npublisher: ${gst.logs().join("\n")}\nrecorder: ${recorder.stderr().slice(-3000)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS));
    await browser.hangup();
    await gst.hangup();
    for (const stream of ["fan_chrome", "fan_gst"]) {
      await waitFor(() => finalizedSegments(outDir, stream).length > 0, FINALIZE_TIMEOUT_MS, `${stream} finalized`);
    }
    await recorder.stop();
    await t.test("chromium vp8 + opus", () => assertStreamRecorded(outDir, "fan_chrome", "vp8").then(() => undefined));
    await t.test("gstreamer h264 + opus", () => assertStreamRecorded(outDir, "fan_gst", "h264").then(() => undefined));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});

test("fanout - a publisher already in the room offers on the recorder's joinroom and is recorded", async () => {
  // The publisher's unprompted offer reaches the signaler before the stream's worker exists;
  // the signaler holds it (and its ICE) and hands it to the worker on `ready`, because a `play`
  // would not make a publisher with a pending connection offer again (docs/interop.md, "Findings").
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-fanout-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "fanout" });
    await using chromium = await startChromium();
    const browser = await chromium.publish({ relay: relay.url, room: "interop", stream: "early_chrome", codec: "vp8", dialect: "fanout" });
    await waitFor(async () => (await browser.status()).joined, CONNECT_TIMEOUT_MS, "browser joined");
    await using recorder = startRecorderProcess({ server: relay.url, room: "interop", outDir, args: ["--dialect", "fanout"] });
    await publishing(browser, recorder);
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS));
    await browser.hangup();
    await waitFor(() => finalizedSegments(outDir, "early_chrome").length > 0, FINALIZE_TIMEOUT_MS, "early_chrome finalized");
    await recorder.stop();
    await assertStreamRecorded(outDir, "early_chrome", "vp8");
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
