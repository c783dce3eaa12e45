/**
 * Interop with the browser's own WebRTC stack (issue 3): headless Debian Chromium publishes its
 * fake camera and microphone the way VDO.Ninja's browser publisher does (data-channel-only
 * first offer, tracks after our settings, renegotiation on the data channel, AES-CBC payloads,
 * `bye` on hang-up) through our relay, and the real `room-recorder record` records it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChromium, type ChromiumPublisher, type VideoCodec } from "./harness/chromium.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { assertStreamRecorded, DURATION_TOLERANCE_SEC, finalizedSegments, recordedSpanSec, streamSegments, workerEndReasons } from "./interop/recordings.ts";

/** Generous: Chromium encodes several streams and werift runs DTLS in JS on 2 shared CPUs. */
const CONNECT_TIMEOUT_MS = 60_000;
const FINALIZE_TIMEOUT_MS = 30_000;
/** How long each publisher sends before hanging up. */
const PUBLISH_MS = 6_000;
/** Chromium's Opus frame length (ptime 20 ms). */
const OPUS_PACKET_SEC = 0.02;
/** ffprobe names, by the codec the page offers. */
const FFPROBE_NAME: Record<VideoCodec, string> = { vp8: "vp8", vp9: "vp9", h264: "h264", av1: "av1" };

async function withRig(fn: (rig: { relayUrl: string; outDir: string; chromium: Awaited<ReturnType<typeof startChromium>> }) => Promise<void>): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-chromium-"));
  await using relay = await startRelay({ port: 0, dialect: "official" });
  await using chromium = await startChromium();
  try {
    await fn({ relayUrl: relay.url, outDir, chromium });
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

test("chromium - VP8, VP9, H.264 and AV1 publishers with Opus, recorded in one room at the same time", async (t) => {
  await withRig(async ({ relayUrl, outDir, chromium }) => {
    const encodable = await chromium.videoCodecs();
    const codecs = (["vp8", "vp9", "h264", "av1"] as const).filter((c) => encodable.includes(c));
    assert.ok(codecs.includes("vp8") && codecs.includes("h264"), `Chromium sends ${encodable.join(", ")}`);
    await using recorder = startRecorderProcess({ server: relayUrl, room: "interop", outDir });

    const publishers = new Map<VideoCodec, ChromiumPublisher>();
    for (const codec of codecs) {
      publishers.set(codec, await chromium.publish({ relay: relayUrl, room: "interop", stream: `chrome_${codec}`, codec, label: `Chromium ${codec}` }));
    }
    for (const [codec, pub] of publishers) {
      const peer = await pub.waitPublishing(CONNECT_TIMEOUT_MS).catch(async (err: Error) => {
        throw new Error(`${err.message}\npublisher: ${JSON.stringify(await pub.status())}\nrecorder: ${recorder.stderr().slice(-3000)}`);
      });
      const video = peer.outbound.find((o) => o.kind === "video");
      assert.equal(video?.codec?.toLowerCase(), `video/${codec}`, `${codec} publisher sends ${video?.codec}`);
    }
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS));
    for (const [codec, pub] of publishers) {
      const status = await pub.status();
      assert.deepEqual(status.errors, [], `${codec} publisher errors (answers, ICE, data channel)`);
      // Spec §2.5: the data-channel-only offer is answered on the socket, the renegotiation
      // with the tracks on the data channel.
      assert.ok(status.events.some((e) => e.startsWith("answer socket")) && status.events.some((e) => e.startsWith("answer dc")), status.events.join("\n"));
    }
    // Seconds of audio each publisher sent, on its media clock (20 ms Opus packets, no DTX).
    const audioSentSec = new Map<VideoCodec, number>();
    for (const [codec, pub] of publishers) {
      const audio = (await pub.status()).peers[0]?.outbound.find((o) => o.kind === "audio");
      audioSentSec.set(codec, (audio?.packetsSent ?? 0) * OPUS_PACKET_SEC);
      await pub.hangup();
    }
    for (const codec of codecs) {
      await waitFor(() => finalizedSegments(outDir, `chrome_${codec}`).length > 0, FINALIZE_TIMEOUT_MS, `chrome_${codec} finalized`);
    }
    await recorder.stop();

    for (const codec of codecs) {
      await t.test(`${codec} + opus`, async () => {
        await assertStreamRecorded(outDir, `chrome_${codec}`, FFPROBE_NAME[codec]);
        const recorded = await recordedSpanSec(outDir, `chrome_${codec}`, "audio");
        const sent = audioSentSec.get(codec) ?? 0;
        assert.ok(Math.abs(recorded - sent) <= DURATION_TOLERANCE_SEC, `${codec}: ${recorded.toFixed(2)} s of audio recorded, ${sent.toFixed(2)} s sent`);
      });
    }
  });
});

test("chromium - a publisher that hangs up (bye) and reloads gets its first file finalized and a second one", async () => {
  await withRig(async ({ relayUrl, outDir, chromium }) => {
    await using recorder = startRecorderProcess({ server: relayUrl, room: "interop", outDir });
    const pub = await chromium.publish({ relay: relayUrl, room: "interop", stream: "reloader", codec: "vp8" });
    const first = await pub.waitPublishing(CONNECT_TIMEOUT_MS);
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS / 2));

    await pub.hangup();
    await waitFor(() => finalizedSegments(outDir, "reloader").length === 1, FINALIZE_TIMEOUT_MS, "first file finalized after bye");
    assert.equal(streamSegments(outDir, "reloader").length, 1, "nothing new before the reload");

    await pub.reload();
    const second = await pub.waitPublishing(CONNECT_TIMEOUT_MS);
    assert.notEqual(second.session, first.session, "the reloaded page is a new peer connection");
    await waitFor(() => streamSegments(outDir, "reloader").length === 2, CONNECT_TIMEOUT_MS, "a second file for the reloaded publisher");
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS / 2));
    await pub.hangup();
    await waitFor(() => finalizedSegments(outDir, "reloader").length === 2, FINALIZE_TIMEOUT_MS, "second file finalized");
    await recorder.stop();

    assert.deepEqual(workerEndReasons(recorder.stderr(), "reloader"), ["bye", "bye"], "both connections ended by the publisher's bye");
    const [a, b] = streamSegments(outDir, "reloader");
    assert.notEqual(a?.sidecar?.peerUuid, b?.sidecar?.peerUuid, "each file names its own publisher connection");
    await assertStreamRecorded(outDir, "reloader", "vp8");
  });
});

test("chromium - a room with a custom password containing a space (URI-encoded before hashing, spec §3.1)", async () => {
  await withRig(async ({ relayUrl, outDir, chromium }) => {
    const password = "s3cr3t pass";
    await using recorder = startRecorderProcess({ server: relayUrl, room: "interop", outDir, password });
    const pub = await chromium.publish({ relay: relayUrl, room: "interop", stream: "secret_cam", codec: "h264", password });
    await pub.waitPublishing(CONNECT_TIMEOUT_MS).catch(async (err: Error) => {
      throw new Error(`${err.message}\npublisher: ${JSON.stringify(await pub.status())}\nrecorder: ${recorder.stderr().slice(-3000)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS / 2));
    await pub.hangup();
    await waitFor(() => finalizedSegments(outDir, "secret_cam").length > 0, FINALIZE_TIMEOUT_MS, "secret_cam finalized");
    await recorder.stop();
    await assertStreamRecorded(outDir, "secret_cam", "h264");
  });
});

test("chromium - offering every codec (as VDO.Ninja v26.1 does), the recorder's --prefer-codec decides", async () => {
  await withRig(async ({ relayUrl, outDir, chromium }) => {
    await using recorder = startRecorderProcess({ server: relayUrl, room: "interop", outDir, args: ["--prefer-codec", "vp9"] });
    const pub = await chromium.publish({ relay: relayUrl, room: "interop", stream: "any_codec" });
    const peer = await pub.waitPublishing(CONNECT_TIMEOUT_MS);
    assert.equal(peer.outbound.find((o) => o.kind === "video")?.codec, "video/VP9", "libwebrtc sends the codec our answer lists first");
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS / 2));
    await pub.hangup();
    await waitFor(() => finalizedSegments(outDir, "any_codec").length > 0, FINALIZE_TIMEOUT_MS, "any_codec finalized");
    await recorder.stop();
    await assertStreamRecorded(outDir, "any_codec", "vp9");
  });
});
