/**
 * The worker's TURN probe (src/stream-worker/turnProbe.ts) against a real coturn: it must tell a
 * server that refuses our credentials from one that does not answer, over UDP and TCP, and
 * release the allocation it was granted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startCoturn } from "./harness/coturn.ts";
import { probeTurn } from "../src/stream-worker/turnProbe.ts";

test("turn probe - right credentials: ok, over UDP and TCP; the allocation is released", async () => {
  await using turn = await startCoturn();
  const creds = { username: turn.username, credential: turn.password };
  assert.deepEqual(await probeTurn({ urls: `turn:${turn.host}:${turn.port}`, ...creds }), { outcome: "ok" });
  assert.deepEqual(await probeTurn({ urls: `turn:${turn.host}:${turn.port}?transport=tcp`, ...creds }), { outcome: "ok" });
  assert.ok(turn.logs().some((l) => /REFRESH processed, success/.test(l)), "no Refresh with lifetime 0 seen by coturn");
});

test("turn probe - wrong password: auth failure named with its code", async () => {
  await using turn = await startCoturn();
  const result = await probeTurn({ urls: `turn:${turn.host}:${turn.port}`, username: turn.username, credential: "wrong" });
  assert.equal(result.outcome, "auth", JSON.stringify(result));
  assert.ok(result.outcome === "auth" && [401, 441].includes(result.code));
});

test("turn probe - nobody listening: unreachable within the timeout (UDP), refused at once (TCP)", async () => {
  const turn = await startCoturn();
  await turn.stop();
  const started = Date.now();
  const udp = await probeTurn({ urls: `turn:${turn.host}:${turn.port}`, username: "u", credential: "p" }, 1500);
  assert.equal(udp.outcome, "unreachable", JSON.stringify(udp));
  assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  const tcp = await probeTurn({ urls: `turn:${turn.host}:${turn.port}?transport=tcp`, username: "u", credential: "p" }, 1500);
  assert.equal(tcp.outcome, "unreachable", JSON.stringify(tcp));
  assert.match(tcp.outcome === "unreachable" ? tcp.detail : "", /ECONNREFUSED/);
});
