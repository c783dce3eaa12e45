import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createRootLogger } from "../observability/logger.ts";
import { FALLBACK_TURN_LIST, autoTurnServers, parseTurnList, selectTurnServers, turnListUrlFor } from "./autoTurn.ts";
import { buildIceSettings } from "./ice.ts";

/** A real HTTP server standing in for turnservers.vdo.ninja. */
async function listServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    requests,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function captureLog() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, log: createRootLogger({ level: "info", destination }) };
}

const LIST = {
  servers: [
    { username: "u-eu", credential: "c-eu", urls: ["turn:turn-eu.example:3478"], tz: -60, udp: true, locale: "eu" },
    { username: "u-eu2", credential: "c-eu2", urls: "turn:turn-eu2.example:3478", tz: -120, udp: true },
    { username: "u-us", credential: "c-us", urls: ["turn:turn-us.example:3478"], tz: 300, udp: true },
    { username: "u-tcp-us", credential: "c", urls: ["turns:tls-us.example:443"], tz: 300, udp: false },
    { username: "u-tcp-eu", credential: "c", urls: ["turns:tls-eu.example:443"], tz: -60, udp: false },
    { username: "u-asia", credential: "c", urls: ["turn:turn-asia.example:3478"], tz: -540, udp: true },
  ],
};

test("turnListUrlFor - only VDO.Ninja's public servers", () => {
  assert.equal(turnListUrlFor("wss://wss.vdo.ninja:443"), "https://turnservers.vdo.ninja/");
  assert.equal(turnListUrlFor("wss://apibackup.vdo.ninja:443"), "https://turnservers.vdo.ninja/");
  assert.equal(turnListUrlFor("wss://proxywss.rtc.ninja:443"), "https://turnservers.rtc.ninja/");
  assert.equal(turnListUrlFor("ws://127.0.0.1:8080"), undefined);
  assert.equal(turnListUrlFor("wss://evilvdo.ninja.example.com"), undefined);
  assert.equal(turnListUrlFor("garbage"), undefined);
});

test("selectTurnServers - ≤2 UDP + ≤1 TCP closest by timezone, UDP first", () => {
  const list = parseTurnList(LIST);
  // Central Europe in winter: getTimezoneOffset() = -60.
  assert.deepEqual(
    selectTurnServers(list, -60).map((s) => s.urls),
    ["turn:turn-eu.example:3478", "turn:turn-eu2.example:3478", "turns:tls-eu.example:443"],
  );
  // US east: 300.
  assert.deepEqual(
    selectTurnServers(list, 300).map((s) => s.urls),
    ["turn:turn-us.example:3478", "turn:turn-eu.example:3478", "turns:tls-us.example:443"],
  );
});

test("selectTurnServers - distance wraps around 24 h", () => {
  const list = parseTurnList({
    servers: [
      { username: "a", credential: "c", urls: ["turn:nz.example"], tz: -720, udp: true },
      { username: "b", credential: "c", urls: ["turn:eu.example"], tz: -60, udp: true },
    ],
  });
  // UTC-11 (660) is 23 h from UTC+12 (-720) on a line, but only 1 h around the date line.
  assert.equal(selectTurnServers(list, 660)[0]?.urls, "turn:nz.example:3478");
  assert.equal(selectTurnServers(list, -780)[0]?.urls, "turn:nz.example:3478");
});

test("parseTurnList - drops what is not a usable TURN server", () => {
  const parsed = parseTurnList({
    servers: [
      null,
      "x",
      { username: 1, credential: "c", urls: ["turn:h"] },
      { username: "u", credential: "c", urls: ["stun:h"] },
      { username: "u", credential: "c", urls: ["turn:bad host"] },
      { username: "u", credential: "c", urls: [42, "turn:ok.example:3478"], tz: "x" },
    ],
  });
  assert.deepEqual(parsed, [{ server: { urls: "turn:ok.example:3478", username: "u", credential: "c" }, tz: 0, udp: true }]);
  assert.deepEqual(parseTurnList(null), []);
  assert.deepEqual(parseTurnList({ servers: "no" }), []);
});

test("FALLBACK_TURN_LIST - the static list parses and selects 2 UDP + 1 TLS", () => {
  assert.equal(FALLBACK_TURN_LIST.length, 7);
  const eu = selectTurnServers(FALLBACK_TURN_LIST, -60).map((s) => s.urls);
  assert.deepEqual(eu, ["turn:turn-eu1.vdo.ninja:3478", "turn:turn-eu4.vdo.ninja:3478", "turns:turn.obs.ninja:443"]);
});

test("autoTurnServers - fetches the list with ?ts= and never logs credentials", async () => {
  await using server = await listServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(LIST));
  });
  const { lines, log } = captureLog();
  const selected = await autoTurnServers({ listUrl: server.url, timezoneOffsetMinutes: 300, log });
  assert.deepEqual(selected.map((s) => s.username), ["u-us", "u-eu", "u-tcp-us"]);
  assert.match(server.requests[0] ?? "", /^\/\?ts=\d+$/);
  log.flush();
  assert.ok(lines.some((l) => l.includes("auto TURN servers selected") && l.includes('"source":"fetched"')));
  assert.ok(lines.every((l) => !l.includes("c-us") && !l.includes("c-eu")));
});

test("autoTurnServers - falls back to the static list on HTTP errors, bad JSON and oversize bodies", async () => {
  const bodies: Array<[number, string]> = [
    [500, "oops"],
    [200, "{not json"],
    [200, JSON.stringify({ servers: [] })],
    [200, `{"servers":[${" ".repeat(300 * 1024)}]}`],
  ];
  for (const [status, body] of bodies) {
    await using server = await listServer((_req, res) => {
      res.statusCode = status;
      res.end(body);
    });
    const { lines, log } = captureLog();
    const selected = await autoTurnServers({ listUrl: server.url, timezoneOffsetMinutes: -60, log });
    assert.equal(selected[0]?.urls, "turn:turn-eu1.vdo.ninja:3478", `status ${status}`);
    log.flush();
    assert.ok(lines.some((l) => l.includes("using VDO.Ninja's static list")));
    assert.ok(lines.every((l) => !l.includes("setupYourOwnPlease")));
  }
});

test("autoTurnServers - a server that never answers falls back after the timeout", async () => {
  await using server = await listServer(() => {
    /* never answers */
  });
  const selected = await autoTurnServers({ listUrl: server.url, timeoutMs: 300, timezoneOffsetMinutes: 480 });
  assert.equal(selected[0]?.urls, "turn:turn-usw2.vdo.ninja:3478");
});

test("buildIceSettings - auto TURN on a public server yields TURN servers, relay-only works with them", async () => {
  // Whether turnservers.vdo.ninja is reachable from here or not, the result has TURN (fetched or fallback).
  const s = await buildIceSettings({ server: "wss://wss.vdo.ninja:443", relayOnly: true, autoTurnOptions: { timeoutMs: 2000 } });
  assert.equal(s.relayOnly, true);
  assert.ok(s.iceServers.length >= 1 && s.iceServers.length <= 3);
  assert.ok(s.iceServers.every((x) => x.urls.startsWith("turn") && x.username && x.credential));
  const off = await buildIceSettings({ server: "wss://wss.vdo.ninja:443", autoTurn: false, stun: false });
  assert.deepEqual(off.iceServers, []);
});
