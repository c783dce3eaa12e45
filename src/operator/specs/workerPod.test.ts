import { test } from "node:test";
import assert from "node:assert/strict";
import { workerPod } from "./workerPod.ts";
import { signalerPod } from "./signalerPod.ts";
import { recording, settings, stream } from "../testing/fixtures.ts";

test("workerPod - hardened: non-root, read-only root, no capabilities, seccomp, no API token", () => {
  const pod = workerPod(recording(), stream("a"), 1, settings);
  const c = pod.spec!.containers[0]!;
  assert.equal(pod.spec!.automountServiceAccountToken, false);
  assert.equal(pod.spec!.securityContext!.runAsNonRoot, true);
  assert.equal(pod.spec!.securityContext!.seccompProfile!.type, "RuntimeDefault");
  assert.equal(c.securityContext!.readOnlyRootFilesystem, true);
  assert.deepEqual(c.securityContext!.capabilities!.drop, ["ALL"]);
  assert.equal(c.securityContext!.allowPrivilegeEscalation, false);
  assert.equal(pod.spec!.restartPolicy, "Never");
});

test("workerPod - the password comes from the Secret reference and never appears in args", () => {
  const rec = recording({ passwordSecretRef: { name: "room-secret", key: "pw" } });
  for (const pod of [workerPod(rec, stream("a"), 1, settings), signalerPod(rec, settings)]) {
    const c = pod.spec!.containers[0]!;
    assert.deepEqual(c.env!.find((e) => e.name === "ROOM_PASSWORD")?.valueFrom?.secretKeyRef, { name: "room-secret", key: "pw" });
    assert.ok(!JSON.stringify(c.args).includes("pw"));
    assert.deepEqual(c.env!.find((e) => e.name === "NATS_TOKEN")?.valueFrom?.secretKeyRef, { name: "nats-auth", key: "token" });
  }
});

test("workerPod - resources, output, ICE and storage come from the spec", () => {
  const rec = recording({
    workerResources: { requests: { cpu: "250m", memory: 256 }, limits: { memory: "512Mi" } },
    output: { segmentSeconds: 60, maxDurationSeconds: 3600, pathTemplate: "rooms/{name}" },
    ice: { relayOnly: true, servers: [{ urls: ["turn:turn.example:3478"], credentialsSecretRef: { name: "turn" } }] },
    storage: { persistentVolumeClaim: { claimName: "recordings" } },
  });
  const pod = workerPod(rec, stream("cam 1"), 2, settings);
  const c = pod.spec!.containers[0]!;
  assert.deepEqual(c.resources, { requests: { cpu: "250m", memory: "256" }, limits: { memory: "512Mi" } });
  const args = c.args!;
  const flag = (f: string) => args[args.indexOf(f) + 1];
  assert.equal(flag("--out"), "/recordings/rooms/studio");
  assert.equal(flag("--segment"), "60");
  assert.equal(flag("--max-duration"), "3600");
  assert.equal(flag("--stream-id"), "cam 1");
  assert.equal(flag("--ice-server"), "turn:turn.example:3478");
  assert.ok(args.includes("--relay-only"));
  assert.ok(c.env!.some((e) => e.name === "ICE_0_CREDENTIAL" && e.valueFrom?.secretKeyRef?.name === "turn"));
  assert.deepEqual(pod.spec!.volumes!.find((v) => v.name === "recordings")?.persistentVolumeClaim, { claimName: "recordings" });
  assert.equal(pod.metadata!.annotations!["room-recorder.dev/prior-failures"], "0");
  assert.equal(pod.metadata!.ownerReferences![0]!.uid, "uid-1");
  assert.match(pod.metadata!.name!, /^studio-w-cam-1-[0-9a-f]{8}-2$/);
});

test("signaler and worker pods - a container port named metrics, and the process serves on it (RR_METRICS_PORT)", () => {
  for (const pod of [workerPod(recording(), stream("a"), 1, settings), signalerPod(recording(), settings)]) {
    const c = pod.spec!.containers[0]!;
    const port = c.ports?.find((p) => p.name === "metrics");
    assert.equal(port?.containerPort, 9464, c.name);
    assert.equal(c.env!.find((e) => e.name === "RR_METRICS_PORT")?.value, String(port.containerPort));
  }
});
