import assert from "node:assert/strict";
import { test } from "node:test";
import { parseNatsSettings } from "../config/natsOptions.ts";
import type { WorkerConfig } from "../config/types.ts";
import { parseWorkerArgs } from "../stream-worker/workerArgs.ts";
import { workerEnv } from "./workerEnv.ts";

const config: WorkerConfig = {
  scope: { scope: "local", recording: "myroom" },
  stream: { key: "cam1", streamId: "cam1", label: "Cam One" },
  roomDir: "myroom",
  password: "s3cr3t pass",
  salt: "vdo.ninja",
  ice: { iceServers: [{ urls: "turn:turn.example:3478", username: "u", credential: "c" }], relayOnly: false },
  output: { outDir: "/rec", segmentSeconds: 60, segmentBytes: 1024, maxDurationSeconds: 0 },
  screenShare: false,
  inactivityMs: 10_000,
};

test("workerEnv - the worker's own parser reads back the config and the password; the password is not in RR_WORKER_CONFIG", () => {
  const env = workerEnv({ PATH: "/bin" }, config);
  assert.equal(env.PATH, "/bin");
  assert.doesNotMatch(env.RR_WORKER_CONFIG!, /s3cr3t/);
  const parsed = parseWorkerArgs([], env);
  assert.deepEqual(parsed.worker, config);
  assert.equal(parsed.nats, undefined, "no NATS settings: the worker uses IPC");
});

test("workerEnv - no password travels as 'false'", () => {
  assert.equal(parseWorkerArgs([], workerEnv({}, { ...config, password: false })).worker.password, false);
});

test("workerEnv - NATS settings survive the round trip (user/password, TLS, several servers)", () => {
  const nats = parseNatsSettings({ nats: ["nats://a:4222,nats://b:4222"] }, { NATS_USER: "rec", NATS_PASSWORD: "pw", NATS_CA: "/ca.pem", NATS_CERT: "/c.pem", NATS_KEY: "/k.pem" }, config.scope)!;
  const parsed = parseWorkerArgs([], workerEnv({}, config, nats));
  assert.deepEqual(parsed.nats, nats);
  assert.deepEqual(parsed.worker, config);
});

test("workerEnv - token, nkey and creds files each survive the round trip", () => {
  for (const env of [{ NATS_TOKEN: "tok" }, { NATS_NKEY: "/seed.nk" }, { NATS_CREDS: "/x.creds" }]) {
    const nats = parseNatsSettings({ nats: ["nats://a:4222"] }, env, config.scope)!;
    assert.deepEqual(parseWorkerArgs([], workerEnv({}, config, nats)).nats, nats);
  }
});

test("workerEnv - the parent's role settings do not leak into a worker (no contradictory NATS secrets, no shared metrics port); node flags do", () => {
  const parent = { HOME: "/root", NODE_OPTIONS: "--max-old-space-size=128", RR_METRICS_PORT: "9100", RR_PASSWORD: "parent's", ROOM_PASSWORD: "x", NATS_PASSWORD_FILE: "/run/pw", NATS_URL: "nats://other:4222", LOG_LEVEL: "debug" };
  const env = workerEnv(parent, config);
  assert.deepEqual(Object.keys(env).sort(), ["HOME", "LOG_LEVEL", "NODE_OPTIONS", "RR_PASSWORD", "RR_WORKER_CONFIG"]);
  const parsed = parseWorkerArgs([], env);
  assert.equal(parsed.worker.password, "s3cr3t pass");
  assert.equal(parsed.metricsPort, undefined);
  assert.equal(parsed.nats, undefined);
});
