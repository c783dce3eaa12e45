/**
 * The RoomRecording CRD against a real kube-apiserver: invalid resources are rejected with a
 * message that says what to fix, defaults are filled in, `kubectl explain` teaches the schema and
 * `kubectl get rrec` shows the printer columns.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { controlPlaneMissing, startControlPlane, type ControlPlane } from "./harness/k8s.ts";
import { waitFor } from "./harness/wait.ts";

const CRD = resolve(import.meta.dirname, "../deploy/crds/roomrecordings.room-recorder.dev.yaml");
const skip = controlPlaneMissing();
let cp: ControlPlane;

before(async () => {
  if (skip) return;
  cp = await startControlPlane();
  await cp.kubectl(["apply", "--server-side", "-f", CRD]);
  await waitFor(async () => (await cp.kubectl(["get", "crd", "roomrecordings.room-recorder.dev", "-o", "jsonpath={.status.conditions[?(@.type=='Established')].status}"])) === "True", 60_000, "CRD established");
});
after(async () => cp?.stop());

const rrec = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: "room-recorder.dev/v1alpha1", kind: "RoomRecording", metadata: { name, namespace: "default" }, spec });
const applyFails = (doc: string) => assert.rejects(cp.kubectl(["apply", "-f", "-"], doc));

test("crd - a minimal RoomRecording is accepted and defaulted", { skip }, async () => {
  await cp.kubectl(["apply", "-f", "-"], rrec("minimal", { room: "MyRoom" }));
  const spec = JSON.parse(await cp.kubectl(["get", "rrec", "minimal", "-o", "jsonpath={.spec}"]));
  assert.equal(spec.server, "wss://wss.vdo.ninja:443");
  assert.equal(spec.salt, "vdo.ninja");
  assert.equal(spec.paused, false);
  const table = await cp.kubectl(["get", "rrec", "minimal"]);
  assert.match(table.split("\n")[0]!, /NAME\s+ROOM\s+RECORDING\s+STREAMS\s+READY\s+REASON\s+AGE/);
  assert.match(table, /minimal\s+MyRoom/);
  assert.match(await cp.kubectl(["get", "room-recorder"]), /minimal\s+MyRoom/, "the category lists it");
});

test("crd - rejects what the schema and CEL rules forbid, saying what to fix", { skip }, async () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["no-room", { server: "wss://relay.example" }, /spec\.room: Required value/],
    ["bad-url", { room: "r", server: "https://relay.example" }, /server must be a ws:\/\/ or wss:\/\/ URL/],
    ["not-url", { room: "r", server: "wss//nohost" }, /server must be a ws:\/\/ or wss:\/\/ URL/],
    ["neg-segment", { room: "r", output: { segmentSeconds: -5 } }, /spec\.output\.segmentSeconds: Invalid value: -5: spec\.output\.segmentSeconds in body should be greater than or equal to 0/],
    ["unknown", { room: "r", bogus: true }, /unknown field "spec\.bogus"/],
    ["two-storages", { room: "r", storage: { persistentVolumeClaim: { claimName: "a" }, volume: { emptyDir: {} } } }, /exactly one of persistentVolumeClaim or volume/],
    ["relay-no-turn", { room: "r", ice: { relayOnly: true, servers: [{ urls: ["stun:stun.example"] }] } }, /relayOnly needs at least one turn:/],
    ["escape", { room: "r", output: { pathTemplate: "../../etc" } }, /must be relative and must not contain '\.\.'/],
    ["pw-both", { room: "r", passwordSecretRef: { name: "s" }, noPassword: true }, /either passwordSecretRef or noPassword/],
    ["bad-ice", { room: "r", ice: { servers: [{ urls: ["http://x"] }] } }, /ICE server URLs start with stun:/],
    ["nats-type", { room: "r", nats: { credentialsSecretRef: { name: "s", type: "Password" } } }, /spec\.nats\.credentialsSecretRef\.type: Unsupported value: "Password": supported values: "UserPassword", "Token", "Creds"/],
    ["nats-noname", { room: "r", nats: { credentialsSecretRef: { type: "Token" } } }, /spec\.nats\.credentialsSecretRef\.name: Required value/],
  ];
  for (const [name, spec, message] of cases) {
    await assert.rejects(cp.kubectl(["apply", "-f", "-"], rrec(name, spec)), message, name);
  }
  await applyFails(JSON.stringify({ apiVersion: "room-recorder.dev/v1alpha1", kind: "RoomRecording", metadata: { name: "nospec" } }));
});

test("crd - per-recording NATS credentials: the type defaults to UserPassword", { skip }, async () => {
  await cp.kubectl(["apply", "-f", "-"], rrec("own-nats", { room: "r", nats: { credentialsSecretRef: { name: "own-nats" } } }));
  assert.equal(await cp.kubectl(["get", "rrec", "own-nats", "-o", "jsonpath={.spec.nats.credentialsSecretRef.type}"]), "UserPassword");
  assert.match(await cp.kubectl(["explain", "rrec.spec.nats.credentialsSecretRef"]), /rr\.<namespace>\.<name>\.>/);
});

test("crd - spec.ice: relayOnly alone is accepted (the chart's TURN relays); servers alone leave relayOnly unset, so the chart's applies", { skip }, async () => {
  await cp.kubectl(["apply", "-f", "-"], rrec("relay-chart-turn", { room: "r", ice: { relayOnly: true } }));
  await cp.kubectl(["apply", "-f", "-"], rrec("own-stun", { room: "r", ice: { servers: [{ urls: ["stun:stun.example"] }] } }));
  assert.equal(await cp.kubectl(["get", "rrec", "own-stun", "-o", "jsonpath={.spec.ice}"]), JSON.stringify({ servers: [{ urls: ["stun:stun.example"] }] }));
});

test("crd - kubectl explain teaches the fields", { skip }, async () => {
  const out = await cp.kubectl(["explain", "rrec.spec.passwordSecretRef"]);
  assert.match(out, /never inline/);
  assert.match(await cp.kubectl(["explain", "roomrecording.spec.output.segmentSeconds"]), /first keyframe/);
});

test("crd - status is a subresource: a spec write cannot set it", { skip }, async () => {
  await cp.kubectl(["apply", "-f", "-"], rrec("sub", { room: "r" }));
  const doc = JSON.parse(rrec("sub", { room: "r" }));
  doc.status = { phase: "Recording" };
  await cp.kubectl(["apply", "-f", "-"], JSON.stringify(doc));
  assert.equal(await cp.kubectl(["get", "rrec", "sub", "-o", "jsonpath={.status.phase}"]), "");
});
