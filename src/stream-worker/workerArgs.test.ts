import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../config/errors.ts";
import { DEFAULT_PASSWORD } from "../protocol/defaults.ts";
import { execFileSync } from "node:child_process";
import { DEFAULT_STUN_URLS } from "../config/ice.ts";
import type { Logger } from "../observability/logger.ts";
import { parseWorkerArgs, parseWorkerConfigJson, resolveWorkerIce } from "./workerArgs.ts";

const base = ["--room", "myroom", "--stream-id", "cam 1", "--scope", "ns", "--recording", "rec"];

test("worker args - cluster flags become a frozen WorkerConfig with a safe stream key", () => {
  const { worker } = parseWorkerArgs([...base, "--out", "/rec", "--segment", "60", "--prefer-codec", "h264", "--screen-share"], {});
  assert.deepEqual(worker.scope, { scope: "ns", recording: "rec" });
  assert.equal(worker.stream.streamId, "cam 1");
  assert.match(worker.stream.key, /^[A-Za-z0-9_~-]+$/);
  assert.equal(worker.output.segmentSeconds, 60);
  assert.equal(worker.preferCodec, "h264");
  assert.equal(worker.screenShare, true);
  assert.equal(worker.password, DEFAULT_PASSWORD);
  assert.ok(Object.isFrozen(worker.output));
});

test("worker args - password from env, never from a flag value; 'false' disables it", () => {
  assert.equal(parseWorkerArgs(base, { ROOM_PASSWORD: "s3cr3t pass" }).worker.password, "s3cr3t pass");
  assert.equal(parseWorkerArgs(base, { RR_PASSWORD: "false" }).worker.password, false);
  assert.equal(parseWorkerArgs([...base, "--no-password"], {}).worker.password, false);
  assert.throws(() => parseWorkerArgs([...base, "--password", "x"], {}));
  assert.throws(() => parseWorkerArgs([...base, "--no-password"], { RR_PASSWORD: "x" }), UsageError);
});

test("worker args - ICE servers: TURN credentials from env for --ice-server, relay-only needs TURN", () => {
  const { worker } = parseWorkerArgs([...base, "--ice-server", "turn:t.example:3478", "--stun", "stun:s.example:3478"], {
    ICE_0_USERNAME: "u", ICE_0_CREDENTIAL: "c",
  });
  assert.deepEqual(worker.ice.iceServers, [{ urls: "turn:t.example:3478", username: "u", credential: "c" }, { urls: "stun:s.example:3478" }]);
  assert.throws(() => parseWorkerArgs([...base, "--ice-server", "turn:t.example:3478"], {}), UsageError);
  // VDO.Ninja's server (the default) brings its TURN list; another server needs a TURN given.
  assert.doesNotThrow(() => parseWorkerArgs([...base, "--relay-only"], {}));
  assert.throws(() => parseWorkerArgs([...base, "--server", "wss://relay.example", "--relay-only"], {}), /relay-only needs a TURN/);
  assert.throws(() => parseWorkerArgs([...base, "--relay-only", "--no-auto-turn"], {}), /relay-only needs a TURN/);
});

const quiet = { info() {}, warn() {}, debug() {} } as unknown as Logger;

test("worker args - cluster ICE defaults as for record: VDO.Ninja's STUN and TURN list with its server, none with another, --stun false / --no-auto-turn", async () => {
  const defaults = await resolveWorkerIce(parseWorkerArgs([...base, "--no-auto-turn"], {}), quiet);
  assert.deepEqual(defaults.ice.iceServers.map((s) => s.urls), DEFAULT_STUN_URLS, "default server: VDO.Ninja's STUN");
  const own = await resolveWorkerIce(parseWorkerArgs([...base, "--server", "wss://relay.example", "--ice-server", "turn:t.example:3478", "--stun", "stun:s.example:3478"], { ICE_0_USERNAME: "u", ICE_0_CREDENTIAL: "c" }), quiet);
  assert.deepEqual(own.ice.iceServers, [{ urls: "turn:t.example:3478", username: "u", credential: "c" }, { urls: "stun:s.example:3478" }]);
  const given = await resolveWorkerIce(parseWorkerArgs([...base, "--ice-server", "turn:t.example:3478"], { ICE_0_USERNAME: "u", ICE_0_CREDENTIAL: "c" }), quiet);
  assert.equal(given.ice.iceServers[0]?.urls, "turn:t.example:3478", "a TURN given turns auto TURN off");
  assert.ok(given.ice.iceServers.slice(1).every((s) => s.urls.startsWith("stun:")));
  const none = await resolveWorkerIce(parseWorkerArgs([...base, "--stun", "false", "--no-auto-turn"], {}), quiet);
  assert.deepEqual(none.ice.iceServers, []);
});

test("worker args - port range and extra host addresses reach the ICE settings; bad ones are usage errors", async () => {
  const c = await resolveWorkerIce(parseWorkerArgs([...base, "--stun", "false", "--no-auto-turn", "--ice-port-range", "40000-40099", "--ice-host-address", "203.0.113.9"], {}), quiet);
  assert.deepEqual(c.ice.portRange, [40000, 40099]);
  assert.deepEqual(c.ice.additionalHostAddresses, ["203.0.113.9"]);
  for (const bad of ["40000", "40099-40000", "80-90", "40000-70000"]) assert.throws(() => parseWorkerArgs([...base, "--ice-port-range", bad], {}), UsageError, bad);
  assert.throws(() => parseWorkerArgs([...base, "--ice-host-address", "node.example"], {}), UsageError);
});

test("worker args - missing or bad values are usage errors", () => {
  assert.throws(() => parseWorkerArgs(["--stream-id", "x"], {}), /--room is required/);
  assert.throws(() => parseWorkerArgs([...base, "--prefer-codec", "mpeg2"], {}), UsageError);
  assert.throws(() => parseWorkerArgs([...base, "--segment=-1"], {}), UsageError);
});

const json = {
  scope: { scope: "local", recording: "myroom" },
  stream: { key: "cam1", streamId: "cam1" },
  roomDir: "myroom",
  salt: "vdo.ninja",
  ice: { iceServers: [], relayOnly: false },
  output: { outDir: "/tmp/x", segmentSeconds: 0, segmentBytes: 0, maxDurationSeconds: 0 },
  screenShare: false,
  inactivityMs: 5000,
};

test("worker args - RR_WORKER_CONFIG with RR_PASSWORD (absent or 'false' = none)", () => {
  const env = { RR_WORKER_CONFIG: JSON.stringify(json) };
  assert.equal(parseWorkerArgs([], env).worker.password, false);
  assert.equal(parseWorkerArgs([], { ...env, RR_PASSWORD: "false" }).worker.password, false);
  assert.equal(parseWorkerArgs([], { ...env, RR_PASSWORD: "pw" }).worker.password, "pw");
  assert.equal(parseWorkerArgs([], env).worker.inactivityMs, 5000);
});

test("worker args - hostile RR_WORKER_CONFIG values are refused", () => {
  assert.throws(() => parseWorkerConfigJson("{", false), /not JSON/);
  assert.throws(() => parseWorkerConfigJson(JSON.stringify({ ...json, stream: { key: "../../etc", streamId: "x" } }), false), /safe token/);
  assert.throws(() => parseWorkerConfigJson(JSON.stringify({ ...json, roomDir: "a/b" }), false), /roomDir/);
  assert.throws(() => parseWorkerConfigJson(JSON.stringify({ ...json, output: { outDir: 1 } }), false), /output/);
});

test("worker args - metrics port: off by default, flag over env, empty is off, junk refused", () => {
  assert.equal(parseWorkerArgs(base, {}).metricsPort, undefined);
  assert.equal(parseWorkerArgs(base, { RR_METRICS_PORT: "" }).metricsPort, undefined);
  assert.equal(parseWorkerArgs(base, { RR_METRICS_PORT: "9102" }).metricsPort, 9102);
  assert.equal(parseWorkerArgs([...base, "--metrics-port", "9200"], { RR_METRICS_PORT: "9102" }).metricsPort, 9200);
  for (const bad of ["0", "65536", "80x", "-1", "1.5"]) assert.throws(() => parseWorkerArgs([...base, `--metrics-port=${bad}`], {}), UsageError, bad);
});

test("worker args - parsing --metrics-port loads no HTTP server (node:http is ~4 MiB a local worker never uses)", () => {
  const script = `await import(${JSON.stringify(new URL("./workerArgs.ts", import.meta.url).href)});
    process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (_?http|https)\\b/.test(m))));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as string[];
  assert.deepEqual(loaded, []);
});
