/**
 * The live status page of `record --status-port` (issue 14) in headless Chromium, with real
 * processes and a token: three werift publishers (one with a hostile id and label) show as three cards that update
 * through the event stream; one leaves, and its card shows it finished with a file link that
 * plays and seeks in the card's <video>. Screenshots go to .cache/artifacts/status-page/ (git-ignored).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./harness/chromium.ts";
import { freePort } from "./harness/freePort.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ARTIFACTS = join(ROOT, ".cache/artifacts/status-page");
const ROOM = "status_page_room";
const HOSTILE_LABEL = "<img src=x onerror=alert(1)>";
const HOSTILE_ID = "b\"><svg/onload=alert(2)>";
/** The page under the token rule: the browser trades it for a cookie its own requests carry. */
const TOKEN = "status-page-test-token";
const MEDIA_MS = 3_000;

/** What a card shows, read from the page as a user would see it. */
interface CardView {
  readonly key: string;
  readonly streamId: string;
  readonly label: string;
  readonly state: string;
  readonly currentFile: string;
  readonly graphPoints: number;
  readonly links: readonly { readonly text: string; readonly href: string }[];
}

/** The DOM as much as the reader below uses (this project compiles without the DOM library). */
interface PageElement {
  readonly dataset: Readonly<Record<string, string | undefined>>;
  readonly textContent: string | null;
  readonly href: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

function cards(page: Page): Promise<CardView[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: PageElement };
    return [...document.querySelectorAll(".card")].map((card) => ({
      key: card.dataset.key ?? "",
      streamId: card.querySelector(".stream-id")?.textContent ?? "",
      label: card.querySelector(".label")?.textContent ?? "",
      state: card.querySelector(".state")?.textContent ?? "",
      currentFile: card.querySelector("[data-fact='current file']")?.textContent ?? "",
      graphPoints: card.querySelector("polyline")?.getAttribute("points")?.split(" ").length ?? 0,
      links: [...card.querySelectorAll(".files a")].map((a) => ({ text: a.textContent ?? "", href: a.href })),
    }));
  });
}

async function screenshot(t: TestContext, page: Page, name: string): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  t.diagnostic(`screenshot: ${path}`);
}

test("record --status-port - the live page: three cards that update, one leaves and its file plays and seeks, hostile id and label as text, behind the token", async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const outDir = await mkdtemp(join(tmpdir(), "rr-status-page-"));
  try {
    await using relay = await startRelay({ port: 0, dialect: "official" });
    const port = await freePort();
    await using recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir, args: ["--status-port", String(port)], env: { RR_STATUS_TOKEN: TOKEN } });
    const publishers = [
      await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "a", label: "Camera A" }),
      await startPublisherProcess({ server: relay.url, room: ROOM, streamId: HOSTILE_ID, label: HOSTILE_LABEL }),
      await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "c", label: "Leaves early" }),
    ];
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const dialogs: string[] = [];
      const pageErrors: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on("pageerror", (err) => pageErrors.push(err.message));
      assert.equal((await page.goto(`http://127.0.0.1:${port}/`))?.status(), 401);
      await page.goto(`http://127.0.0.1:${port}/?token=${TOKEN}`);
      assert.equal(page.url(), `http://127.0.0.1:${port}/`, "the token is off the address bar");
      const until = <T>(what: string, fn: (views: CardView[]) => T | undefined | false) =>
        waitFor(async () => fn(await cards(page)), 90_000, what).catch(async (err: Error) => {
          throw new Error(`${err.message}\ncards: ${JSON.stringify(await cards(page))}\nrecorder: ${recorder.stderr().slice(-3000)}`);
        });
      const card = (views: CardView[], id: string) => views.find((v) => v.streamId === id);

      const recording = await until("three recording cards", (views) =>
        views.length === 3 && views.every((v) => v.state === "recording" && v.currentFile !== "—") && views);
      assert.deepEqual(recording.map((v) => v.streamId).sort(), ["a", HOSTILE_ID, "c"].sort());
      // Updates arrive without a reload: each current file grows, each graph gains samples.
      await until("every card updated", (views) =>
        views.every((v) => v.graphPoints >= 3 && v.currentFile !== card(recording, v.streamId)?.currentFile));

      // The hostile id and label are text: no element made of them, no script run.
      assert.equal(card(await cards(page), HOSTILE_ID)?.label, HOSTILE_LABEL);
      assert.equal(await page.locator("img, main svg:not(.graph)").count(), 0);
      await screenshot(t, page, "1-three-streams");

      await new Promise((resolve) => setTimeout(resolve, MEDIA_MS));
      await publishers[2]!.stop();
      const left = await until("c finished with a file link", (views) => {
        const c = card(views, "c");
        return c && ["finished", "left"].includes(c.state) && c.links.length === 1 && c;
      });
      assert.match(left.links[0]!.text, /\.webm$/);
      assert.equal(left.links[0]!.href, `http://127.0.0.1:${port}/files/${left.key}/${left.links[0]!.text}`);
      assert.deepEqual((await cards(page)).filter((v) => v.state === "recording").map((v) => v.streamId).sort(), ["a", HOSTILE_ID].sort());
      await screenshot(t, page, "2-one-left");

      const player = page.locator(`.card[data-key="${left.key}"] video`);
      await page.locator(`.card[data-key="${left.key}"] .files a`).click();
      const played = await waitFor(
        () => player.evaluate((v: { currentTime: number; error: { message: string } | null }) => (v.currentTime > 0 || v.error ? { currentTime: v.currentTime, error: v.error?.message } : undefined)),
        30_000,
        "the finished file to play",
      );
      assert.equal(played.error, undefined);
      assert.ok(played.currentTime > 0);
      // Seeking reads the file by ranges.
      const seek = await player.evaluate(
        (v: { currentTime: number; duration: number; error: { message: string } | null; addEventListener(type: string, fn: () => void, o: object): void }) =>
          new Promise<{ to: number; at: number; error?: string }>((resolve) => {
            const to = v.duration / 2;
            v.addEventListener("seeked", () => resolve({ to, at: v.currentTime }), { once: true });
            v.addEventListener("error", () => resolve({ to, at: v.currentTime, error: v.error?.message }), { once: true });
            v.currentTime = to;
          }),
      );
      assert.ok(Number.isFinite(seek.to) && seek.at >= seek.to - 0.5 && seek.error === undefined, JSON.stringify(seek));
      await screenshot(t, page, "3-file-playing");

      assert.deepEqual(dialogs, []);
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      for (const p of publishers) await p.kill();
    }
    assert.equal(await recorder.stop(), 0);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
