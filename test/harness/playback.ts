/**
 * Plays a recorded file to its end the way users do (issue 13): GStreamer `playbin` (the
 * Raspberry.Ninja users' stack) and headless Chromium's own `<video>` element. Each returns what
 * it saw: errors, the picture sizes in order, and (Chromium) how far playback got. Nothing is
 * decoded by hand; ffmpeg's check is test/harness/ffprobe.ts `decodeErrors`.
 */
import { execFile } from "node:child_process";
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { basename } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_PATH } from "./chromium.ts";
import { decodeErrors } from "./ffprobe.ts";

const run = promisify(execFile);

export interface GstPlayback {
  readonly eos: boolean;
  /** ERROR / WARNING messages on the pipeline bus. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** `WIDTHxHEIGHT` of each caps the video sink was given, in order, repeats merged. */
  readonly sizes: readonly string[];
  readonly videoBuffers: number;
}

const GST_SCRIPT = fileURLToPath(new URL("./gst_playback.py", import.meta.url));
/** Debian's python3 has python3-gi; a pyenv/venv python on PATH usually does not. */
const PYTHON = process.env.GST_PYTHON ?? "/usr/bin/python3";

/** `playbin` with unsynchronized fake sinks to EOS (test/harness/gst_playback.py). */
export async function playInGstreamer(file: string, timeoutMs = 120_000): Promise<GstPlayback> {
  const { stdout } = await run(PYTHON, [GST_SCRIPT, pathToFileURL(file).href, String(timeoutMs / 1000)], { timeout: timeoutMs + 10_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as GstPlayback;
}

export interface ChromiumPlayback {
  readonly ended: boolean;
  readonly currentTime: number;
  readonly duration: number;
  /** `MediaError` code and message, if the element reported one. */
  readonly error?: string;
  /** `videoWidth x videoHeight` at each `resize` event, in order. */
  readonly sizes: readonly string[];
}

/** A muted `<video>` and `playToEnd(src, timeout)`, which resolves at `ended`, `error` or the timeout. */
const PLAYER_PAGE = `<!doctype html><video muted></video><script>
globalThis.playToEnd = (src, timeout) => new Promise((resolve) => {
  const v = document.querySelector("video");
  const sizes = [];
  const done = (reason) => {
    const error = reason ?? (v.error ? v.error.code + " " + v.error.message : undefined);
    resolve({ ended: v.ended, currentTime: v.currentTime, duration: v.duration, sizes, ...(error ? { error } : {}) });
  };
  v.addEventListener("resize", () => sizes.push(v.videoWidth + "x" + v.videoHeight));
  v.addEventListener("ended", () => done());
  v.addEventListener("error", () => done());
  setTimeout(() => done("timeout"), timeout);
  v.src = src;
  v.play().catch((err) => done("play(): " + err.message));
});
</script>`;

const MIME: Record<string, string> = { webm: "video/webm", mkv: "video/x-matroska" };

/** Serves one file with Range support (a media element reads by ranges) on 127.0.0.1. */
async function serveFile(file: string): Promise<{ url: string; server: Server }> {
  const size = statSync(file).size;
  const type = MIME[file.slice(file.lastIndexOf(".") + 1)] ?? "application/octet-stream";
  const server = createServer((req, res) => {
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) : size - 1;
    res.writeHead(range ? 206 : 200, {
      "content-type": type, "accept-ranges": "bytes", "content-length": end - start + 1,
      ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}),
    });
    createReadStream(file, { start, end }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/${basename(file)}`, server };
}

/**
 * Plays the file in a muted `<video>` (autoplay allowed) in real time until `ended`, an `error`,
 * or the timeout, and reports how far it got.
 */
export async function playInChromium(file: string, timeoutMs = 120_000): Promise<ChromiumPlayback> {
  const { url, server } = await serveFile(file);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    const page = await browser.newPage();
    // Served from the file's origin, so the media request is same-origin.
    const player = `${new URL(url).origin}/player.html`;
    await page.route(player, (route) => route.fulfill({ contentType: "text/html", body: PLAYER_PAGE }));
    await page.goto(player);
    return await page.evaluate(
      ([src, timeout]) => (globalThis as unknown as { playToEnd(s: string, t: number): Promise<ChromiumPlayback> }).playToEnd(src, timeout),
      [url, timeoutMs] as const,
    );
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * A file plays end to end in all three players and shows `sizes` (its sidecar's resolution
 * changes, as WxH) in order: ffmpeg decodes it without a message, GStreamer reaches EOS with
 * those sizes, Chromium's <video> ends at its duration with them. `chromiumRepeats: "collapse"`
 * compares Chromium's sizes with runs of one size collapsed (it reports a resize per keyframe for
 * some encoders).
 */
export async function assertPlaysEverywhere(file: string, sizes: readonly string[], opts: { chromiumRepeats?: "exact" | "collapse" } = {}): Promise<void> {
  assert.equal(await decodeErrors(file), "", `ffmpeg ${file}`);
  const gst = await playInGstreamer(file);
  assert.ok(gst.eos && gst.errors.length === 0, `GStreamer ${file}: ${JSON.stringify(gst)}`);
  assert.deepEqual(gst.sizes, sizes, `GStreamer sizes ${file}`);
  const web = await playInChromium(file);
  assert.ok(web.ended && web.error === undefined, `Chromium ${file}: ${JSON.stringify(web)}`);
  assert.ok(Math.abs(web.currentTime - web.duration) < 0.05, `Chromium stopped at ${web.currentTime} of ${web.duration}`);
  const shape = opts.chromiumRepeats === "collapse" ? collapseRuns : (xs: readonly string[]) => [...xs];
  assert.deepEqual(shape(web.sizes), shape(sizes), `Chromium sizes ${file}`);
}

/** The sequence with consecutive repeats dropped (a, a, b, a → a, b, a). */
export const collapseRuns = (sizes: readonly string[]): string[] => sizes.filter((s, i) => i === 0 || s !== sizes[i - 1]);
