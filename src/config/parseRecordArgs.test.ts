import { test } from "node:test";
import assert from "node:assert/strict";
import { buildIceSettings } from "./ice.ts";
import { parseRecordArgs, RECORD_USAGE } from "./parseRecordArgs.ts";
import { UsageError } from "./errors.ts";

test("record args - defaults", () => {
  const c = parseRecordArgs(["--room", "myroom"], {});
  assert.deepEqual(c.room, { room: "myroom", password: "someEncryptionKey123", salt: "vdo.ninja", server: "wss://wss.vdo.ninja:443", dialect: "official" });
  assert.deepEqual(c.output, { outDir: "./recordings", segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 });
  assert.deepEqual(c.filters, { include: [], exclude: [] });
  assert.deepEqual(c.ice, { turn: [], relayOnly: false, autoTurn: true });
  assert.equal(c.screenShare, false);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.room));
});

test("record args - every flag", () => {
  const c = parseRecordArgs(
    ["--room", "r", "--password", "s3cret", "--salt", "example.com", "--server", "ws://127.0.0.1:1", "--dialect", "fanout", "--out", "/tmp/x",
      "--include", "a,b", "--include", "c*", "--exclude", "d", "--segment", "60", "--segment-size", "1.5", "--max-duration", "3600",
      "--stun", "stun:s:3478", "--turn", "turn:u:p@h:3478", "--turn", "turns:u:p@h", "--relay-only", "--no-auto-turn", "--prefer-codec", "VP9", "--screen-share",
      "--duration", "5", "--log-level", "debug"],
    {},
  );
  assert.equal(c.room.password, "s3cret");
  assert.equal(c.room.dialect, "fanout");
  assert.deepEqual(c.filters, { include: ["a", "b", "c*"], exclude: ["d"] });
  assert.deepEqual(c.output, { outDir: "/tmp/x", segmentSeconds: 60, segmentBytes: 1572864, maxDurationSeconds: 3600 });
  assert.deepEqual(c.ice, { stun: ["stun:s:3478"], turn: ["turn:u:p@h:3478", "turns:u:p@h"], relayOnly: true, autoTurn: false });
  assert.equal(c.preferCodec, "vp9");
  assert.equal(c.durationSeconds, 5);
  assert.equal(c.logLevel, "debug");
});

test("record args - password from env, 'false' disables, --stun false means none", () => {
  assert.equal(parseRecordArgs(["--room", "r"], { RR_PASSWORD: "envpw" }).room.password, "envpw");
  assert.equal(parseRecordArgs(["--room", "r", "--password", "false"], {}).room.password, false);
  assert.equal(parseRecordArgs(["--room", "r", "--stun", "false"], {}).ice.stun, false);
});

test("record args - invalid input is a UsageError", () => {
  for (const argv of [
    [], ["--room", " "], ["--room", "r", "--dialect", "x"], ["--room", "r", "--server", "http://x"], ["--room", "r", "--segment", "-1"],
    ["--room", "r", "--duration", "0"], ["--room", "r", "--prefer-codec", "h265"], ["--room", "r", "--log-level", "loud"], ["--room", "r", "extra"],
    ["--room", "r", "--no-auto-turn=yes"], ["--room", "r", "--metrics-port", "0"], ["--room", "r", "--metrics-port", "70000"], ["--room", "r", "--metrics-port", "9x"], ["--room", "r", "--nats", "http://x"],
  ]) {
    assert.throws(() => parseRecordArgs(argv, {}), UsageError, argv.join(" "));
  }
  assert.throws(() => parseRecordArgs(["--room", "r", "--password", "a"], { RR_PASSWORD: "b" }), /mutually exclusive/);
});

test("record args - bus scope is local/<room token>; no NATS and no metrics by default", () => {
  const c = parseRecordArgs(["--room", "My Room!"], {});
  assert.deepEqual(c.scope, { scope: "local", recording: "My_Room_" });
  assert.equal(c.nats, undefined);
  assert.equal(c.metricsPort, undefined);
});

test("record args - --nats with secrets from the environment; inboxes under the recording's subjects", () => {
  const c = parseRecordArgs(["--room", "r", "--nats", "nats://127.0.0.1:4222", "--nats-user", "rec", "--metrics-port", "9464"], { NATS_PASSWORD: "pw" });
  assert.deepEqual(c.nats?.servers, ["nats://127.0.0.1:4222"]);
  assert.equal(c.nats?.user, "rec");
  assert.equal(c.nats?.password, "pw");
  assert.equal(c.nats?.inboxPrefix, "rr.local.r.inbox");
  assert.equal(c.metricsPort, 9464);
  assert.equal(parseRecordArgs(["--room", "r"], { NATS_URL: "nats://n:4222", RR_METRICS_PORT: "9100" }).nats?.servers[0], "nats://n:4222");
  assert.equal(parseRecordArgs(["--room", "r"], { RR_METRICS_PORT: "9100" }).metricsPort, 9100);
  assert.throws(() => parseRecordArgs(["--room", "r", "--nats", "nats://n:4222", "--nats-user", "u"], {}), /user and password go together/);
});

test("record args - --no-auto-turn turns auto TURN off, and buildIceSettings then uses no TURN for VDO.Ninja's server", async () => {
  assert.equal(parseRecordArgs(["--room", "r"], {}).ice.autoTurn, true);
  const c = parseRecordArgs(["--room", "r", "--no-auto-turn", "--stun", "stun:s:3478"], {});
  assert.equal(c.ice.autoTurn, false);
  // No fetch happens: with auto TURN on, a failing fetch would fall back to VDO.Ninja's static
  // TURN list, so "no TURN server at all" shows the flag reached buildIceSettings.
  const ice = await buildIceSettings({ ...c.ice, server: c.room.server });
  assert.deepEqual(ice.iceServers.map((s) => s.urls), ["stun:s:3478"]);
  assert.equal(RECORD_USAGE.includes("--no-auto-turn"), true);
});

test("record args - --status-port on loopback; another host only with RR_STATUS_TOKEN", () => {
  assert.equal(parseRecordArgs(["--room", "r"], {}).status, undefined);
  assert.deepEqual(parseRecordArgs(["--room", "r", "--status-port", "8080"], {}).status, { port: 8080, host: "127.0.0.1" });
  const token = "0123456789abcdef0123";
  assert.deepEqual(parseRecordArgs(["--room", "r", "--status-port", "8080", "--status-host", "0.0.0.0"], { RR_STATUS_TOKEN: token }).status, { port: 8080, host: "0.0.0.0", token });
  assert.throws(() => parseRecordArgs(["--room", "r", "--status-port", "8080", "--status-host", "0.0.0.0"], {}), /RR_STATUS_TOKEN must be set/);
  assert.throws(() => parseRecordArgs(["--room", "r", "--status-port", "8080"], { RR_STATUS_TOKEN: "short" }), /at least 16/);
  assert.throws(() => parseRecordArgs(["--room", "r", "--status-port", "0"], {}), /not a TCP port/);
  assert.throws(() => parseRecordArgs(["--room", "r", "--status-host", "::1"], {}), /needs --status-port/);
});
