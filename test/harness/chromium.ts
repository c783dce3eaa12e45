/**
 * Headless Debian Chromium as a test publisher (issue 3): playwright-core drives
 * /usr/bin/chromium with a fake camera and microphone; each publisher is one tab of
 * test/interop/publisher.html that publishes into a room through a relay with the browser's own
 * RTCPeerConnection. The pages are served by playwright itself (route interception) under an
 * http://127.0.0.1 origin, a secure context for getUserMedia, so the browser needs no network
 * of its own to load them and can run inside a network namespace (infra/nat/).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { waitFor } from "./wait.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const INTEROP_DIR = fileURLToPath(new URL("../interop/", import.meta.url));
const PAGES: Record<string, string> = { "/publisher.html": "text/html", "/publisher.js": "text/javascript", "/vdoCrypto.js": "text/javascript" };
/** Never connected to: every request to it is answered from INTEROP_DIR by the route below. */
const ORIGIN = "http://127.0.0.1:9";

/** The flags of issue 3, plus real host candidates instead of mDNS names (werift cannot resolve
 * them, notes/werift.md §1 "Trickle ICE"), and no Local Network Access checks: a page served by
 * route interception has no address space, so Chromium would treat it as public and block its
 * WebSocket to a relay on loopback. */
export const CHROMIUM_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks",
  // Background tabs must keep encoding: several publishers share one browser.
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

export type VideoCodec = "vp8" | "vp9" | "h264" | "av1";

export interface PublisherOptions {
  /** ws:// URL of the handshake server. */
  readonly relay: string;
  readonly room: string;
  readonly stream: string;
  /** `false` disables hashing and encryption. @default VDO.Ninja's default password */
  readonly password?: string | false;
  readonly salt?: string;
  readonly dialect?: "official" | "fanout";
  /** Offer only this video codec. @default Chromium's own order */
  readonly codec?: VideoCodec;
  readonly label?: string;
  readonly iceServers?: readonly { urls: string; username?: string; credential?: string }[];
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
}

export interface PeerStatus {
  readonly uuid: string;
  readonly session: string;
  readonly connectionState: string;
  readonly dc: string;
  readonly published: boolean;
  readonly selectedPair?: { readonly local?: string; readonly remote?: string; readonly state?: string };
  readonly outbound: readonly { kind: string; bytesSent: number; packetsSent: number; framesEncoded?: number; codec?: string; width?: number; height?: number }[];
}

export interface PublisherStatus {
  readonly socket: string;
  readonly joined: boolean;
  readonly seeded: boolean;
  readonly wireRoom: string;
  readonly wireStream: string;
  readonly events: readonly string[];
  readonly errors: readonly string[];
  readonly peers: readonly PeerStatus[];
}

export interface ChromiumPublisher {
  readonly page: Page;
  status(): Promise<PublisherStatus>;
  /** Resolves once a viewer receives audio and video bytes from this tab. */
  waitPublishing(timeoutMs: number): Promise<PeerStatus>;
  /** Sends every connection's video at capture size / `scale` (`scaleResolutionDownBy`), resolution held against adaptation. */
  setVideoScale(scale: number): Promise<void>;
  /** Sends `bye` to every viewer, closes the connections and the socket. */
  hangup(): Promise<void>;
  /** Loads the page again: a new socket (new UUID), a new seed. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export interface ChromiumHarness {
  publish(opts: PublisherOptions): Promise<ChromiumPublisher>;
  /** Video codecs this Chromium can send (RTCRtpSender capabilities). */
  videoCodecs(): Promise<string[]>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ChromiumOptions {
  /** Run the browser inside this network namespace (`ip netns exec`, root only: infra/nat/). */
  readonly netns?: string;
}

export async function startChromium(opts: ChromiumOptions = {}): Promise<ChromiumHarness> {
  // playwright execs a path: a namespace needs a wrapper that enters it first.
  const wrapperDir = opts.netns ? mkdtempSync(join(tmpdir(), "rr-chromium-")) : undefined;
  const executablePath = wrapperDir ? join(wrapperDir, "chromium") : CHROMIUM_PATH;
  if (wrapperDir) {
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${opts.netns} ${CHROMIUM_PATH} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  let browser: Browser;
  try {
    // launch() gives each run a fresh temporary --user-data-dir.
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (err) {
    if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
    throw err;
  }
  const context = await browser.newContext({ permissions: ["camera", "microphone"] });
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const type = PAGES[path];
    if (!type) return route.fulfill({ status: 404 });
    return route.fulfill({ contentType: type, headers: { "cache-control": "no-store" }, body: await readFile(INTEROP_DIR + path.slice(1)) });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await browser.close().catch(() => undefined);
    if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
  };

  const publish = async (opts: PublisherOptions): Promise<ChromiumPublisher> => {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(`uncaught: ${err.message}`));
    await page.goto(`${ORIGIN}/publisher.html?${publisherQuery(opts)}`);
    const status = async (): Promise<PublisherStatus> => {
      const s = await page.evaluate(() => (globalThis as unknown as { publisher: { status(): Promise<PublisherStatus> } }).publisher.status());
      return { ...s, errors: [...s.errors, ...pageErrors] };
    };
    return {
      page,
      status,
      waitPublishing: (timeoutMs) =>
        waitFor(
          async () => {
            const s = await status();
            return s.peers.find((p) => p.connectionState === "connected" && p.outbound.length >= 2 && p.outbound.every((o) => o.bytesSent > 0));
          },
          timeoutMs,
          `chromium publisher ${opts.stream} sending audio and video`,
        ),
      setVideoScale: (scale) => page.evaluate((s) => (globalThis as unknown as { publisher: { setVideoScale(s: number): Promise<void> } }).publisher.setVideoScale(s), scale),
      hangup: () => page.evaluate(() => (globalThis as unknown as { publisher: { hangup(): void } }).publisher.hangup()),
      reload: async () => {
        await page.reload();
      },
      close: () => page.close(),
    };
  };

  return {
    publish,
    async videoCodecs() {
      const page = await context.newPage();
      try {
        await page.goto(`${ORIGIN}/publisher.html`);
        return await page.evaluate(() => (globalThis as unknown as { publisher: { videoCodecs(): string[] } }).publisher.videoCodecs());
      } finally {
        await page.close();
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function publisherQuery(opts: PublisherOptions): string {
  const q = new URLSearchParams({ relay: opts.relay, room: opts.room, stream: opts.stream });
  if (opts.password !== undefined) q.set("password", opts.password === false ? "false" : opts.password);
  if (opts.salt) q.set("salt", opts.salt);
  if (opts.dialect) q.set("dialect", opts.dialect);
  if (opts.codec) q.set("codec", opts.codec);
  if (opts.label) q.set("label", opts.label);
  if (opts.iceServers) q.set("ice", JSON.stringify(opts.iceServers));
  if (opts.width) q.set("width", String(opts.width));
  if (opts.height) q.set("height", String(opts.height));
  if (opts.fps) q.set("fps", String(opts.fps));
  return q.toString();
}
