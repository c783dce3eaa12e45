import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { workerPod } from "./workerPod.ts";
import { SIGNALER_NODE_OPTIONS, signalerPod } from "./signalerPod.ts";
import { NATS_CA_DIR } from "./natsAccess.ts";
import { ANNOTATION_SPEC_HASH } from "../names.ts";
import { DEFAULT_SIGNALER_RESOURCES, DEFAULT_WORKER_RESOURCES } from "../podDefaults.ts";
import { recording, settings, settingsWith, stream } from "../testing/fixtures.ts";
import type { OperatorSettings } from "../settings.ts";
import { WORKER_NODE_FLAGS } from "../../stream-worker/nodeFlags.ts";

const both = (s: OperatorSettings, rec = recording()): V1Pod[] => [workerPod(rec, stream("a"), 1, s), signalerPod(rec, s)];
const TOLERATION = { key: "media", operator: "Equal", value: "true", effect: "NoSchedule" };
const AFFINITY = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] }] } } };

test("pod defaults - pull secrets, pull policy, node selector, tolerations and affinity reach both pods", () => {
  const s = settingsWith({ imagePullSecrets: [{ name: "regcred" }], imagePullPolicy: "Always", nodeSelector: { pool: "media" }, tolerations: [TOLERATION], affinity: AFFINITY });
  for (const pod of both(s)) {
    const spec = pod.spec!;
    assert.deepEqual(spec.imagePullSecrets, [{ name: "regcred" }]);
    assert.equal(spec.containers[0]!.imagePullPolicy, "Always");
    assert.deepEqual(spec.nodeSelector, { pool: "media" });
    assert.deepEqual(spec.tolerations, [TOLERATION]);
    assert.deepEqual(spec.affinity, AFFINITY);
  }
  // Unset stays unset: Kubernetes' own defaults apply.
  for (const pod of both(settings)) {
    for (const field of ["imagePullSecrets", "nodeSelector", "tolerations", "affinity"] as const) assert.equal(pod.spec![field], undefined, field);
    assert.equal(pod.spec!.containers[0]!.imagePullPolicy, undefined);
  }
});

test("pod defaults - a worker has requests by default (not BestEffort), spec.workerResources overrides them; the signaler has its own", () => {
  const [worker, signaler] = both(settings);
  assert.deepEqual(worker!.spec!.containers[0]!.resources, DEFAULT_WORKER_RESOURCES);
  assert.deepEqual(signaler!.spec!.containers[0]!.resources, DEFAULT_SIGNALER_RESOURCES);
  const own = workerPod(recording({ workerResources: { requests: { cpu: "250m", memory: 256 } } }), stream("a"), 1, settings);
  assert.deepEqual(own.spec!.containers[0]!.resources, { requests: { cpu: "250m", memory: "256" } });
  const chart = settingsWith({ workerResources: { requests: { cpu: "100m" } }, signalerResources: { limits: { memory: "1Gi" } } });
  const [w, sig] = both(chart);
  assert.deepEqual(w!.spec!.containers[0]!.resources, { requests: { cpu: "100m" } });
  assert.deepEqual(sig!.spec!.containers[0]!.resources, { limits: { memory: "1Gi" } });
});

test("pod defaults - a NATS CA Secret is mounted read-only in both pods and NATS_CA names the file", () => {
  for (const pod of both(settingsWith({ natsCaSecret: "nats-ca" }))) {
    const c = pod.spec!.containers[0]!;
    assert.equal(c.env!.find((e) => e.name === "NATS_CA")?.value, `${NATS_CA_DIR}/ca.crt`);
    const volume = pod.spec!.volumes!.find((v) => v.secret?.secretName === "nats-ca");
    assert.deepEqual(volume?.secret?.items, [{ key: "ca.crt", path: "ca.crt" }]);
    assert.deepEqual(c.volumeMounts!.find((m) => m.name === volume!.name), { name: volume!.name, mountPath: NATS_CA_DIR, readOnly: true });
  }
  // With per-recording credentials too: both volumes, both env sets.
  const [w] = both(settingsWith({ natsCaSecret: "nats-ca" }), recording({ nats: { credentialsSecretRef: { name: "own", type: "Creds" } } }));
  assert.deepEqual(w!.spec!.volumes!.map((v) => v.name).sort(), ["nats-ca", "nats-creds", "recordings", "tmp"]);
  for (const pod of both(settings)) assert.ok(!pod.spec!.containers[0]!.env!.some((e) => e.name === "NATS_CA"));
});

test("pods - fsGroup is applied only when the volume's root does not match (a growing recording volume is not re-chowned at each start)", () => {
  for (const pod of both(settings)) assert.equal(pod.spec!.securityContext!.fsGroupChangePolicy, "OnRootMismatch");
});

test("signaler pod - its own NODE_OPTIONS, not the worker image's one-stream heap flags", () => {
  const [worker, signaler] = both(settings);
  const nodeOptions = signaler!.spec!.containers[0]!.env!.find((e) => e.name === "NODE_OPTIONS")?.value;
  assert.equal(nodeOptions, SIGNALER_NODE_OPTIONS);
  for (const flag of WORKER_NODE_FLAGS) assert.ok(!nodeOptions!.includes(flag.split("=")[0]!), flag);
  assert.ok(!worker!.spec!.containers[0]!.env!.some((e) => e.name === "NODE_OPTIONS"), "a worker keeps the image's (sized for one stream)");
});

test("pods - the spec hash covers the whole pod spec, so new pull secrets or scheduling replace the signaler", () => {
  const hash = (s: OperatorSettings) => signalerPod(recording(), s).metadata!.annotations![ANNOTATION_SPEC_HASH];
  assert.equal(hash(settings), hash(settingsWith({})));
  assert.notEqual(hash(settings), hash(settingsWith({ imagePullSecrets: [{ name: "regcred" }] })));
  assert.notEqual(hash(settings), hash(settingsWith({ nodeSelector: { pool: "media" } })));
  assert.notEqual(hash(settings), hash(settingsWith({ natsCaSecret: "nats-ca" })));
});
