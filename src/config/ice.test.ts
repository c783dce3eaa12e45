import { test } from "node:test";
import assert from "node:assert/strict";
import { IceConfigError, buildIceSettings, describeIceServer, isLocalServer, parseIceServerUrl, redactIceUrl } from "./ice.ts";

test("parseIceServerUrl - turn with credentials and default port", () => {
  assert.deepEqual(parseIceServerUrl("turn:alice:s3cret@turn.example.org"), {
    urls: "turn:turn.example.org:3478",
    username: "alice",
    credential: "s3cret",
  });
});

test("parseIceServerUrl - turn over TCP keeps ?transport=tcp", () => {
  assert.deepEqual(parseIceServerUrl("turn:u:p@10.0.0.1:443?transport=tcp"), {
    urls: "turn:10.0.0.1:443?transport=tcp",
    username: "u",
    credential: "p",
  });
  assert.equal(parseIceServerUrl("turn:u:p@h:1?transport=udp").urls, "turn:h:1");
});

test("parseIceServerUrl - turns defaults to port 5349 and TLS", () => {
  assert.deepEqual(parseIceServerUrl("turns:u:p@turn.example.org"), { urls: "turns:turn.example.org:5349", username: "u", credential: "p" });
  assert.equal(parseIceServerUrl("turns:u:p@h:443?transport=tcp").urls, "turns:h:443");
  assert.throws(() => parseIceServerUrl("turns:u:p@h:443?transport=udp"), IceConfigError);
});

test("parseIceServerUrl - GStreamer spelling turn:// and stun:// is accepted", () => {
  assert.deepEqual(parseIceServerUrl("turn://steve:setupYourOwnPlease@turn-cae1.vdo.ninja:3478"), {
    urls: "turn:turn-cae1.vdo.ninja:3478",
    username: "steve",
    credential: "setupYourOwnPlease",
  });
  assert.deepEqual(parseIceServerUrl("stun://stun.cloudflare.com:3478"), { urls: "stun:stun.cloudflare.com:3478" });
});

test("parseIceServerUrl - percent-encoded and raw @ in the password", () => {
  const enc = parseIceServerUrl("turn:1700000000%3Aalice:pa%40ss%3Aw@h:3478");
  assert.equal(enc.username, "1700000000:alice");
  assert.equal(enc.credential, "pa@ss:w");
  assert.equal(parseIceServerUrl("turn:u:p@ss@h").credential, "p@ss");
});

test("parseIceServerUrl - IPv6 host", () => {
  assert.equal(parseIceServerUrl("stun:[::1]:3479").urls, "stun:[::1]:3479");
  assert.equal(parseIceServerUrl("turn:u:p@[2001:db8::1]").urls, "turn:[2001:db8::1]:3478");
});

test("parseIceServerUrl - rejects malformed URLs without revealing the password", () => {
  const bad = [
    "http://x",
    "turn:host:3478",
    "turn:user@host",
    "turn::pw@host",
    "turn:u:topsecret@host:99999",
    "turn:u:topsecret@ho st",
    "turn:u:topsecret@host?transport=sctp",
    "turn:u:topsecret@host?foo=1",
    "stun:u:topsecret@host",
    "stun:host?transport=tcp",
    "turn:u:%ZZtopsecret@host",
    "",
    `turn:u:topsecret@${"a".repeat(2000)}`,
  ];
  for (const s of bad) {
    assert.throws(() => parseIceServerUrl(s), (err: unknown) => {
      assert.ok(err instanceof IceConfigError, `${s}: ${String(err)}`);
      assert.doesNotMatch(err.message, /topsecret/);
      return true;
    });
  }
});

test("redactIceUrl / describeIceServer never show the credential", () => {
  assert.equal(redactIceUrl("turn:alice:s3cret@h:3478"), "turn:alice:***@h:3478");
  assert.equal(redactIceUrl("turns://alice:s3@cret@h"), "turns://alice:***@h");
  assert.equal(redactIceUrl("stun:h:3478"), "stun:h:3478");
  assert.equal(describeIceServer(parseIceServerUrl("turn:alice:s3cret@h")), "turn:h:3478 (user alice)");
});

test("isLocalServer - loopback and private addresses", () => {
  for (const s of ["ws://127.0.0.1:8080", "wss://localhost:443", "ws://[::1]:1", "ws://192.168.1.5", "ws://172.20.0.1", "ws://10.1.2.3"]) {
    assert.equal(isLocalServer(s), true, s);
  }
  for (const s of ["wss://wss.vdo.ninja:443", "ws://172.32.0.1", "wss://example.org", "not a url"]) {
    assert.equal(isLocalServer(s), false, s);
  }
});

test("buildIceSettings - local server: no STUN by default, TURN first, relay-only drops STUN", async () => {
  const local = await buildIceSettings({ server: "ws://127.0.0.1:9000" });
  assert.deepEqual(local, { iceServers: [], relayOnly: false });

  const both = await buildIceSettings({ server: "ws://127.0.0.1:9000", stun: ["stun:127.0.0.1:3478"], turn: ["turn:u:p@127.0.0.1:3478"] });
  assert.deepEqual(
    both.iceServers.map((s) => s.urls),
    ["turn:127.0.0.1:3478", "stun:127.0.0.1:3478"],
  );
  const relay = await buildIceSettings({ server: "ws://127.0.0.1:9000", stun: ["stun:127.0.0.1"], turn: ["turn:u:p@127.0.0.1"], relayOnly: true });
  assert.deepEqual(relay.iceServers.map((s) => s.urls), ["turn:127.0.0.1:3478"]);
  assert.equal(relay.relayOnly, true);
  assert.ok(Object.isFrozen(relay) && Object.isFrozen(relay.iceServers));
});

test("buildIceSettings - public server without TURN gets VDO.Ninja STUN; --stun false disables it", async () => {
  const pub = await buildIceSettings({ server: "wss://wss.vdo.ninja:443", autoTurn: false });
  assert.deepEqual(pub.iceServers.map((s) => s.urls), ["stun:stun.l.google.com:19302", "stun:stun.cloudflare.com:3478"]);
  assert.deepEqual((await buildIceSettings({ server: "wss://wss.vdo.ninja:443", autoTurn: false, stun: ["false"] })).iceServers, []);
  assert.deepEqual((await buildIceSettings({ server: "wss://wss.vdo.ninja:443", autoTurn: false, stun: false })).iceServers, []);
});

test("buildIceSettings - configuration errors", async () => {
  await assert.rejects(buildIceSettings({ server: "ws://127.0.0.1:1", relayOnly: true }), IceConfigError);
  await assert.rejects(buildIceSettings({ server: "wss://wss.vdo.ninja", autoTurn: false, relayOnly: true }), IceConfigError);
  await assert.rejects(buildIceSettings({ server: "ws://127.0.0.1:1", turn: ["stun:h"] }), IceConfigError);
  await assert.rejects(buildIceSettings({ server: "ws://127.0.0.1:1", stun: ["turn:u:p@h"] }), IceConfigError);
});

test("buildIceSettings - explicit --turn turns auto TURN off", async () => {
  const s = await buildIceSettings({ server: "wss://wss.vdo.ninja", turn: ["turns:u:p@turn.example.org:443"], stun: false });
  assert.deepEqual(s.iceServers, [{ urls: "turns:turn.example.org:443", username: "u", credential: "p" }]);
});
