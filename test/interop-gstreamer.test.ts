/**
 * Interop with GStreamer's WebRTC stack (issue 3): `webrtcbin` publishers shaped like
 * Raspberry.Ninja (media and `sendChannel` in the first offer, one candidate per message, no
 * sdpMid) send H.264 (x264enc) + Opus and VP8 + Opus into one room through our relay; the real
 * `room-recorder record` records both. The H.264 one sends `"session": null`, as Raspberry.Ninja
 * does (spec Appendix C).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGstPublisher } from "./harness/gstreamer.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { assertStreamRecorded, finalizedSegments, workerEndReasons } from "./interop/recordings.ts";

const CONNECT_TIMEOUT_MS = 60_000;
const FINALIZE_TIMEOUT_MS = 30_000;
const PUBLISH_MS = 6_000;

test("gstreamer - webrtcbin H.264+Opus (null session) and VP8+Opus publishers recorded in one room", async (t) => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-gst-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "official" });
    await using recorder = startRecorderProcess({ server: relay.url, room: "interop", outDir });
    await using h264 = await startGstPublisher({ relay: relay.url, room: "interop", stream: "gst_h264", codec: "h264", nullSession: true });
    await using vp8 = await startGstPublisher({ relay: relay.url, room: "interop", stream: "gst_vp8", codec: "vp8" });
    for (const pub of [h264, vp8]) {
      await pub.waitConnected(CONNECT_TIMEOUT_MS).catch((err: Error) => {
        throw new Error(`${err.message}\npublisher: ${pub.logs().join("\n")}\nrecorder: ${recorder.stderr().slice(-3000)}`);
      });
    }
    // The recorder echoes the publisher's session, `null` included (spec §2.6, Appendix C).
    assert.deepEqual(h264.answers().map((a) => a.answered), [null]);
    assert.ok(vp8.answers().length === 1 && vp8.answers().every((a) => typeof a.offered === "string" && a.answered === a.offered), JSON.stringify(vp8.answers()));
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS));
    await h264.hangup();
    await vp8.hangup();
    for (const stream of ["gst_h264", "gst_vp8"]) {
      await waitFor(() => finalizedSegments(outDir, stream).length > 0, FINALIZE_TIMEOUT_MS, `${stream} finalized`);
    }
    await recorder.stop();
    assert.deepEqual([...workerEndReasons(recorder.stderr(), "gst_h264"), ...workerEndReasons(recorder.stderr(), "gst_vp8")], ["bye", "bye"], "bye on webrtcbin's data channel reached the workers");
    await t.test("h264 + opus", () => assertStreamRecorded(outDir, "gst_h264", "h264").then(() => undefined));
    await t.test("vp8 + opus", () => assertStreamRecorded(outDir, "gst_vp8", "vp8").then(() => undefined));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});

test("gstreamer - no password: plaintext offers and ICE, raw room and stream ids", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-gst-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "official" });
    await using recorder = startRecorderProcess({ server: relay.url, room: "interop", outDir, password: false });
    await using pub = await startGstPublisher({ relay: relay.url, room: "interop", stream: "plain_vp8", codec: "vp8", password: false });
    await pub.waitConnected(CONNECT_TIMEOUT_MS).catch((err: Error) => {
      throw new Error(`${err.message}\npublisher: ${pub.logs().join("\n")}\nrecorder: ${recorder.stderr().slice(-3000)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS / 2));
    await pub.hangup();
    await waitFor(() => finalizedSegments(outDir, "plain_vp8").length > 0, FINALIZE_TIMEOUT_MS, "plain_vp8 finalized");
    await recorder.stop();
    await assertStreamRecorded(outDir, "plain_vp8", "vp8");
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});

test("gstreamer - bundle-policy max-bundle (bundle-only audio and data m-lines) is recorded with both tracks", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-gst-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "official" });
    await using recorder = startRecorderProcess({ server: relay.url, room: "interop", outDir });
    await using pub = await startGstPublisher({ relay: relay.url, room: "interop", stream: "bundled", codec: "vp8", bundlePolicy: "max-bundle" });
    await pub.waitConnected(CONNECT_TIMEOUT_MS).catch((err: Error) => {
      throw new Error(`${err.message}\npublisher: ${pub.logs().join("\n")}\nrecorder: ${recorder.stderr().slice(-3000)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS / 2));
    await pub.hangup();
    await waitFor(() => finalizedSegments(outDir, "bundled").length > 0, FINALIZE_TIMEOUT_MS, "bundled finalized");
    await recorder.stop();
    // The bye travels on the bundle-only data channel m-line: it must have been accepted too.
    assert.deepEqual(workerEndReasons(recorder.stderr(), "bundled"), ["bye"]);
    await assertStreamRecorded(outDir, "bundled", "vp8");
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
