import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePodDefaults } from "../podDefaults.ts";
import { recording } from "../testing/fixtures.ts";
import { DEFAULT_ICE, workerIce, type IceDefaults } from "./ice.ts";

const chart: IceDefaults = { useVdoNinjaDefaults: true, stun: ["stun:stun.example:3478"], turn: { urls: ["turn:turn.example:3478", "turn:turn.example:3478?transport=tcp"], credentialsSecret: "turn-creds" }, relayOnly: false };

test("worker ICE - defaults: no flags, so the worker applies record's (VDO.Ninja's STUN and TURN list with its server)", () => {
  assert.deepEqual(workerIce(recording(), DEFAULT_ICE), { args: [], env: [] });
});

test("worker ICE - the chart's TURN and STUN, TURN credentials as env from its Secret, never in args", () => {
  const { args, env } = workerIce(recording(), chart);
  assert.deepEqual(args, ["--ice-server", "turn:turn.example:3478,turn:turn.example:3478?transport=tcp", "--ice-server", "stun:stun.example:3478"]);
  assert.deepEqual(env.map((e) => [e.name, e.valueFrom?.secretKeyRef?.name, e.valueFrom?.secretKeyRef?.key]), [
    ["ICE_0_USERNAME", "turn-creds", "username"],
    ["ICE_0_CREDENTIAL", "turn-creds", "credential"],
  ]);
});

test("worker ICE - spec.ice overrides: its servers replace the chart's, its relayOnly wins either way", () => {
  const rec = recording({ ice: { relayOnly: false, servers: [{ urls: ["turn:own.example:3478"], credentialsSecretRef: { name: "own" } }] } });
  const { args, env } = workerIce(rec, { ...chart, relayOnly: true });
  assert.deepEqual(args, ["--ice-server", "turn:own.example:3478"]);
  assert.equal(env[0]?.valueFrom?.secretKeyRef?.name, "own");
  assert.ok(workerIce(recording({ ice: { relayOnly: true } }), chart).args.includes("--relay-only"));
  assert.ok(workerIce(recording(), { ...chart, relayOnly: true }).args.includes("--relay-only"));
});

test("worker ICE - VDO.Ninja's defaults off: no auto TURN, and no STUN unless some is given", () => {
  assert.deepEqual(workerIce(recording(), { ...DEFAULT_ICE, useVdoNinjaDefaults: false }).args, ["--no-auto-turn", "--stun", "false"]);
  assert.deepEqual(workerIce(recording(), { ...chart, useVdoNinjaDefaults: false }).args.slice(-1), ["--no-auto-turn"]);
});

test("pod defaults document - ice parsed, empty values unset, bad ones named", () => {
  assert.deepEqual(parsePodDefaults("{}").ice, DEFAULT_ICE);
  assert.deepEqual(parsePodDefaults(JSON.stringify({ ice: { useVdoNinjaDefaults: true, stun: [], turn: { urls: [], credentialsSecret: "" }, relayOnly: false } })).ice, DEFAULT_ICE);
  assert.deepEqual(parsePodDefaults(JSON.stringify({ ice: chart })).ice, chart);
  assert.throws(() => parsePodDefaults(JSON.stringify({ ice: { turn: { urls: ["turn:t.example:3478"] } } })), /ice.turn.credentialsSecret/);
  assert.throws(() => parsePodDefaults(JSON.stringify({ ice: { turn: { urls: ["turn:u:p@t.example:3478"], credentialsSecret: "s" } } })), /without credentials/);
  assert.throws(() => parsePodDefaults(JSON.stringify({ ice: { relayOnly: true, useVdoNinjaDefaults: false } })), /ice.relayOnly/);
  assert.throws(() => parsePodDefaults(JSON.stringify({ ice: { stunn: [] } })), /ice.stunn/);
});
