import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSignalerArgs } from "./signalerArgs.ts";
import { UsageError } from "../config/errors.ts";
import { DEFAULT_SERVER } from "../config/types.ts";
import { DEFAULT_PASSWORD, DEFAULT_SALT } from "../protocol/defaults.ts";

const NATS = ["--nats", "nats://127.0.0.1:4222"];

test("parseSignalerArgs - the operator's flags (src/operator/specs/args.ts) and defaults", () => {
  const c = parseSignalerArgs([...NATS, "--scope", "ns", "--recording", "rec", "--room", "My Room"], {});
  assert.deepEqual(c.scope, { scope: "ns", recording: "rec" });
  assert.deepEqual(c.room, { room: "My Room", password: DEFAULT_PASSWORD, salt: DEFAULT_SALT, server: DEFAULT_SERVER, dialect: "official" });
  assert.deepEqual(c.nats.servers, ["nats://127.0.0.1:4222"]);
  assert.equal(c.nats.inboxPrefix, "rr.ns.rec.inbox");
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.room));
});

test("parseSignalerArgs - environment fills what flags leave out; the recording defaults to the room", () => {
  const c = parseSignalerArgs([], { NATS_URL: "nats://n:1", RR_ROOM: "r1", POD_NAMESPACE: "team", ROOM_PASSWORD: "pw", RR_SERVER: "ws://127.0.0.1:9" });
  assert.deepEqual(c.scope, { scope: "team", recording: "r1" });
  assert.equal(c.room.password, "pw");
  assert.equal(c.room.server, "ws://127.0.0.1:9");
});

test("parseSignalerArgs - room password: none, file, 'false', and contradictions", () => {
  assert.equal(parseSignalerArgs([...NATS, "--room", "r", "--no-password"], {}).room.password, false);
  assert.equal(parseSignalerArgs([...NATS, "--room", "r"], { RR_PASSWORD: "false" }).room.password, false);
  const dir = mkdtempSync(join(tmpdir(), "rr-sigargs-"));
  writeFileSync(join(dir, "pw"), "from-file\n");
  assert.equal(parseSignalerArgs([...NATS, "--room", "r", "--password-file", join(dir, "pw")], {}).room.password, "from-file");
  assert.throws(() => parseSignalerArgs([...NATS, "--room", "r", "--no-password"], { RR_PASSWORD: "x" }), /mutually exclusive/);
});

test("parseSignalerArgs - usage errors: no room, no NATS, bad dialect, bad server, stray arguments, unknown flags", () => {
  assert.throws(() => parseSignalerArgs(NATS, {}), UsageError);
  assert.throws(() => parseSignalerArgs(["--room", "r"], {}), /--nats/);
  assert.throws(() => parseSignalerArgs([...NATS, "--room", "r", "--dialect", "x"], {}), UsageError);
  assert.throws(() => parseSignalerArgs([...NATS, "--room", "r", "--server", "http://x"], {}), UsageError);
  assert.throws(() => parseSignalerArgs([...NATS, "--room", "r", "extra"], {}), UsageError);
  assert.throws(() => parseSignalerArgs([...NATS, "--room", "r", "--password", "inline"], {}), { code: "ERR_PARSE_ARGS_UNKNOWN_OPTION" });
});

test("parseSignalerArgs - --metrics-port / RR_METRICS_PORT; empty is off; a non-port is a UsageError", () => {
  assert.equal(parseSignalerArgs([...NATS, "--room", "r"], {}).metricsPort, undefined);
  assert.equal(parseSignalerArgs([...NATS, "--room", "r", "--metrics-port", "9464"], {}).metricsPort, 9464);
  assert.equal(parseSignalerArgs([...NATS, "--room", "r"], { RR_METRICS_PORT: "9100" }).metricsPort, 9100);
  assert.equal(parseSignalerArgs([...NATS, "--room", "r"], { RR_METRICS_PORT: "" }).metricsPort, undefined);
  for (const bad of ["0", "65536", "80a", "-1"]) assert.throws(() => parseSignalerArgs([...NATS, "--room", "r", `--metrics-port=${bad}`], {}), UsageError, bad);
});
