/**
 * The fan-out ("customWSS") dialect end to end (issue 3, spec §2.7): our relay in fan-out mode,
 * `room-recorder record --dialect fanout`, and two publishers of different stacks that speak the
 * dialect themselves (self-chosen ids in `from`, `roomid` on every message, no listing):
 * Chromium (VP8) and GStreamer webrtcbin (H.264). Both are recorded.
 */
import { test } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChromium } from "./harness/chromium.ts";
import { startGstPublisher } from "./harness/gstreamer.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { assertStreamRecorded, finalizedSegments } from "./interop/recordings.ts";

const CONNECT_TIMEOUT_MS = 60_000;
const FINALIZE_TIMEOUT_MS = 30_000;
const PUBLISH_MS = 5_000;

test("fanout - a Chromium and a GStreamer publisher in a fan-out room are both recorded", async (t) => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-fanout-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "fanout" });
    await using chromium = await startChromium();
    // One publisher before the recorder joins (it offers on the recorder's joinroom), one after
    // (the recorder plays it on its joinroom broadcast): both orders of spec §2.7.
    const browser = await chromium.publish({ relay: relay.url, room: "interop", stream: "fan_chrome", codec: "vp8", dialect: "fanout" });
    await waitFor(async () => (await browser.status()).joined, CONNECT_TIMEOUT_MS, "browser joined");
    await using recorder = startRecorderProcess({ server: relay.url, room: "interop", outDir, args: ["--dialect", "fanout"] });
    await browser.waitPublishing(CONNECT_TIMEOUT_MS);
    await using gst = await startGstPublisher({ relay: relay.url, room: "interop", stream: "fan_gst", codec: "h264", dialect: "fanout" });
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
