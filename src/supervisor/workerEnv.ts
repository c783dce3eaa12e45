/**
 * The environment of a locally spawned `room-recorder worker` (pure). Everything the worker
 * needs goes here, nothing in argv: any local user can read argv in `ps`, while
 * /proc/<pid>/environ is readable only by the owner. The worker reads it back with
 * `parseWorkerArgs` (src/stream-worker/workerArgs.ts): RR_WORKER_CONFIG + RR_PASSWORD, and
 * over NATS the variables of `parseNatsSettings` (docs/nats.md, "Configuration").
 */
import type { NatsSettings } from "../bus/natsSettings.ts";
import type { WorkerConfig } from "../config/types.ts";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Variables of the parent that must not reach a worker: its own role settings would override
 * or contradict what we set (two NATS password sources are a usage error, one RR_METRICS_PORT
 * shared by every worker would be a port clash).
 */
const NOT_INHERITED = /^(RR_|NATS_)|^ROOM_PASSWORD$/;

export function workerEnv(parent: Env, config: WorkerConfig, nats?: NatsSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined && !NOT_INHERITED.test(k)) env[k] = v;
  const { password, ...withoutPassword } = config;
  env.RR_WORKER_CONFIG = JSON.stringify(withoutPassword);
  env.RR_PASSWORD = password === false ? "false" : password;
  if (nats) Object.assign(env, natsEnv(nats));
  return env;
}

/**
 * NatsSettings → the variables `parseNatsSettings` reads. `inboxPrefix` and `name` are not
 * passed: the worker derives them from its own scope, which is the same.
 */
function natsEnv(s: NatsSettings): Record<string, string> {
  const env: Record<string, string> = { NATS_URL: s.servers.join(",") };
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined) env[name] = value;
  };
  set("NATS_USER", s.user);
  set("NATS_PASSWORD", s.password);
  set("NATS_TOKEN", s.token);
  set("NATS_NKEY", s.nkeyFile);
  set("NATS_CREDS", s.credsFile);
  set("NATS_CA", s.tls?.caFile);
  set("NATS_CERT", s.tls?.certFile);
  set("NATS_KEY", s.tls?.keyFile);
  return env;
}
