import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { workerPod } from "./workerPod.ts";
import { signalerPod } from "./signalerPod.ts";
import { NATS_CREDS_DIR } from "./natsAccess.ts";
import { ANNOTATION_SPEC_HASH } from "../names.ts";
import { recording, settings, stream } from "../testing/fixtures.ts";
import type { RoomRecordingSpec } from "../types.ts";

const podsOf = (spec: Partial<RoomRecordingSpec>) => {
  const rec = recording(spec);
  return [workerPod(rec, stream("a"), 1, settings), signalerPod(rec, settings)];
};
const natsEnv = (pod: V1Pod) => Object.fromEntries(pod.spec!.containers[0]!.env!.filter((e) => e.name.startsWith("NATS_")).map((e) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]));
const argsOf = (pod: V1Pod) => JSON.stringify(pod.spec!.containers[0]!.args);

test("natsAccess - without a recording Secret, both pods use the operator-wide token Secret", () => {
  for (const pod of podsOf({})) {
    assert.deepEqual(natsEnv(pod), { NATS_URL: "nats://nats:4222", NATS_TOKEN: { name: "nats-auth", key: "token" } });
  }
  const noAuth = workerPod(recording(), stream("a"), 1, { ...settings, image: "i", natsUrl: "nats://n:4222", natsSecret: undefined });
  assert.deepEqual(natsEnv(noAuth), { NATS_URL: "nats://n:4222" });
});

test("natsAccess - a UserPassword Secret replaces the operator-wide token: user and password from the Secret, nothing in args", () => {
  for (const pod of podsOf({ nats: { credentialsSecretRef: { name: "studio-nats", type: "UserPassword" } } })) {
    assert.deepEqual(natsEnv(pod), {
      NATS_URL: "nats://nats:4222",
      NATS_USER: { name: "studio-nats", key: "user" },
      NATS_PASSWORD: { name: "studio-nats", key: "password" },
    });
    assert.doesNotMatch(argsOf(pod), /studio-nats|nats-auth|user|password/);
  }
  // The API server defaults the type; a spec read before defaulting means the same.
  assert.deepEqual(natsEnv(podsOf({ nats: { credentialsSecretRef: { name: "studio-nats" } } })[0]!).NATS_USER, { name: "studio-nats", key: "user" });
});

test("natsAccess - a Token Secret gives NATS_TOKEN from that Secret", () => {
  for (const pod of podsOf({ nats: { credentialsSecretRef: { name: "studio-token", type: "Token" } } })) {
    assert.deepEqual(natsEnv(pod), { NATS_URL: "nats://nats:4222", NATS_TOKEN: { name: "studio-token", key: "token" } });
  }
});

test("natsAccess - a Creds Secret is mounted read-only and NATS_CREDS names the file", () => {
  for (const pod of podsOf({ nats: { credentialsSecretRef: { name: "studio-creds", type: "Creds" } } })) {
    const c = pod.spec!.containers[0]!;
    assert.deepEqual(natsEnv(pod), { NATS_URL: "nats://nats:4222", NATS_CREDS: `${NATS_CREDS_DIR}/nats.creds` });
    const volume = pod.spec!.volumes!.find((v) => v.secret?.secretName === "studio-creds");
    assert.ok(volume, "the Secret is a volume");
    assert.deepEqual(volume.secret!.items, [{ key: "creds", path: "nats.creds" }]);
    assert.deepEqual(c.volumeMounts!.find((m) => m.name === volume.name), { name: volume.name, mountPath: NATS_CREDS_DIR, readOnly: true });
    assert.equal(c.securityContext!.readOnlyRootFilesystem, true);
  }
});

test("natsAccess - another credentials Secret changes the spec hash, so the signaler pod is replaced", () => {
  const hash = (spec: Partial<RoomRecordingSpec>) => signalerPod(recording(spec), settings).metadata!.annotations![ANNOTATION_SPEC_HASH];
  const creds = (name: string) => hash({ nats: { credentialsSecretRef: { name, type: "Creds" } } });
  assert.notEqual(creds("a"), creds("b"), "only the volume differs, and that counts");
  assert.notEqual(hash({}), creds("a"));
  assert.equal(creds("a"), creds("a"));
});
