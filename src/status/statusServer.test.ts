import { test } from "node:test";
import assert from "node:assert/strict";
import { request, type IncomingHttpHeaders, type IncomingMessage, type ClientRequest } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildStatusReport, type StatusReport } from "./statusReport.ts";
import { parseRange } from "./fileResponse.ts";
import { startStatusServer, type StatusServer } from "./statusServer.ts";
import { MAX_CLIENTS } from "./statusEvents.ts";

const TOKEN = "0123456789abcdef-token";
const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** node:http, not fetch: fetch cannot send another Host header. */
function get(server: StatusServer, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A room directory with finished files of `cam1`, one unlisted file, and a report that names them. */
async function withServer(token: string | undefined, fn: (server: StatusServer, reports: () => number) => Promise<void>): Promise<void> {
  const roomDir = await mkdtemp(join(tmpdir(), "rr-status-server-"));
  mkdirSync(join(roomDir, "cam1"));
  for (const name of ["T-0001.webm", "T-0002.mkv", "T-0003.webm", "unlisted.webm"]) writeFileSync(join(roomDir, "cam1", name), BYTES);
  let built = 0;
  const report = (): StatusReport => {
    built++;
    return buildStatusReport({
      room: "room", signaling: "connected", now: 0, fileSize: () => BYTES.length,
      streams: [{ key: "cam1", streamId: "cam1", state: "recording", restarts: 0, heartbeat: { type: "heartbeat", key: "cam1", instance: "i", state: "recording",
        bitrateKbps: 1, bytesWritten: 1, framesWritten: 1, segments: 3, file: join(roomDir, "cam1", "T-0003.webm"), durationSec: 1, packetsLost: 0, nacks: 0, plis: 0 } }],
      directories: [{ key: "cam1", finished: ["T-0001.webm", "T-0002.mkv"].map((name) => ({ name, bytes: BYTES.length, durationSec: 1 })) }],
    });
  };
  const server = await startStatusServer({ port: 0, host: "127.0.0.1", ...(token ? { token } : {}) }, { report, roomDir });
  try {
    await fn(server, () => built);
  } finally {
    await server.close();
    await rm(roomDir, { recursive: true, force: true });
  }
}

test("status server - the page and its script under a policy without inline code; a foreign Host is refused", () =>
  withServer(undefined, async (server) => {
    const page = await get(server, "/");
    assert.equal(page.status, 200);
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.match(String(page.headers["content-security-policy"]), /default-src 'none'; script-src 'self';/);
    assert.match(page.body.toString(), /<script src="page.js" defer><\/script>/);
    assert.equal((await get(server, "/page.js")).headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal((await get(server, "/status", { host: "localhost:1" })).status, 200);
    // A DNS name rebound to 127.0.0.1 reaches the port with its own Host.
    for (const path of ["/", "/status", "/events", "/files/cam1/T-0001.webm"]) assert.equal((await get(server, path, { host: "rebound.example:80" })).status, 403, path);
  }));

test("status server - finished files the report names, typed, whole or by range; nothing else", () =>
  withServer(undefined, async (server) => {
    const whole = await get(server, "/files/cam1/T-0001.webm");
    assert.equal(whole.status, 200);
    assert.equal(whole.headers["content-type"], "video/webm");
    assert.equal(whole.headers["accept-ranges"], "bytes");
    assert.deepEqual(whole.body, BYTES);
    assert.equal((await get(server, "/files/cam1/T-0002.mkv")).headers["content-type"], "video/x-matroska");
    const part = await get(server, "/files/cam1/T-0001.webm", { range: "bytes=100-199" });
    assert.equal(part.status, 206);
    assert.equal(part.headers["content-range"], "bytes 100-199/1000");
    assert.deepEqual(part.body, BYTES.subarray(100, 200));
    assert.deepEqual((await get(server, "/files/cam1/T-0001.webm", { range: "bytes=-10" })).body, BYTES.subarray(990));
    const past = await get(server, "/files/cam1/T-0001.webm", { range: "bytes=1000-" });
    assert.equal(past.status, 416);
    assert.equal(past.headers["content-range"], "bytes */1000");
    const head = await get(server, "/files/cam1/T-0001.webm", {}, "HEAD");
    assert.equal(head.headers["content-length"], "1000");
    assert.equal(head.body.length, 0);
    // The file being written, a file no sidecar lists, another stream, a way out of the directory.
    for (const path of ["/files/cam1/T-0003.webm", "/files/cam1/unlisted.webm", "/files/cam2/T-0001.webm", "/files/cam1/..%2Fcam1%2FT-0001.webm", "/files/cam1/%E0%A4%A"]) {
      assert.equal((await get(server, path)).status, 404, path);
    }
    assert.equal((await get(server, "/files/cam1/T-0001.webm", {}, "DELETE")).status, 405);
  }));

test("status server - with a token: bearer for scripts, /?token= trades it for a cookie the page's requests carry", () =>
  withServer(TOKEN, async (server) => {
    for (const path of ["/", "/page.js", "/status", "/events", "/files/cam1/T-0001.webm"]) assert.equal((await get(server, path)).status, 401, path);
    assert.equal((await get(server, "/status", { authorization: `Bearer ${TOKEN}` })).status, 200);
    assert.equal((await get(server, "/status", { authorization: "Bearer wrong" })).status, 401);
    assert.equal((await get(server, "/?token=wrong")).status, 401);
    const login = await get(server, `/?token=${encodeURIComponent(TOKEN)}`);
    assert.equal(login.status, 303);
    assert.equal(login.headers.location, "./");
    const cookie = login.headers["set-cookie"]?.[0] ?? "";
    assert.match(cookie, /; HttpOnly; SameSite=Strict; Path=\//);
    const jar = { cookie: cookie.split(";")[0]! };
    for (const path of ["/", "/page.js", "/status", "/files/cam1/T-0001.webm"]) assert.equal((await get(server, path, jar)).status, 200, path);
    assert.equal((await get(server, "/status", { cookie: "rr_status_token=wrong" })).status, 401);
  }));

/** An open `/events` request and its response, whose body the caller reads. */
async function subscribe(server: StatusServer): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  const req = request(`${server.url}/events`);
  const res = await new Promise<IncomingMessage>((resolve, reject) => req.on("response", resolve).on("error", reject).end());
  return { req, res };
}

test("status server - /events: a report at once, then one per second from one timer that stops when the last client leaves", () =>
  withServer(undefined, async (server, reports) => {
    const events: string[] = [];
    const { req, res } = await subscribe(server);
    assert.equal(res.headers["content-type"], "text/event-stream");
    res.setEncoding("utf8").on("data", (s: string) => events.push(...s.split("\n\n").filter((e) => e.includes("data: "))));
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    assert.ok(events.length >= 3, `${events.length} events`);
    const first = JSON.parse(events[0]!.split("data: ")[1]!) as StatusReport;
    assert.equal(first.streams[0]?.key, "cam1");
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const built = reports();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(reports(), built, "no report built with no client");
  }));

test("status server - /events: at most MAX_CLIENTS at once", () =>
  withServer(undefined, async (server) => {
    const open = await Promise.all(Array.from({ length: MAX_CLIENTS }, () => subscribe(server)));
    assert.ok(open.every(({ res }) => res.statusCode === 200));
    const refused = await subscribe(server);
    assert.equal(refused.res.statusCode, 503);
    refused.res.resume();
    for (const { req } of open) req.destroy();
  }));

test("file ranges - one range of RFC 9110, clamped to the file; several or malformed ones mean the whole file", () => {
  const cases: [string | undefined, ReturnType<typeof parseRange>][] = [
    [undefined, undefined], ["bytes=0-99", [0, 99]], ["bytes=900-", [900, 999]], ["bytes=900-5000", [900, 999]], ["bytes=-100", [900, 999]],
    ["bytes=-5000", [0, 999]], ["bytes=1000-", "unsatisfiable"], ["bytes=-0", "unsatisfiable"], ["bytes=50-10", undefined],
    ["bytes=0-1,5-6", undefined], ["items=0-1", undefined], ["bytes=-", undefined],
  ];
  for (const [header, want] of cases) assert.deepEqual(parseRange(header, 1000), want, header);
});
