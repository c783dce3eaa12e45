import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_SIGNALER_RESOURCES, DEFAULT_WORKER_RESOURCES, defaultPodDefaults, parsePodDefaults } from "./podDefaults.ts";
import { UsageError } from "../config/errors.ts";

test("pod defaults - an empty document is the operator's defaults; empty values mean unset (what the chart renders for empty values)", () => {
  assert.deepEqual(parsePodDefaults("{}"), defaultPodDefaults());
  const empty = { imagePullPolicy: "", imagePullSecrets: [], nodeSelector: {}, tolerations: [], affinity: {}, natsCaSecret: "", defaultStorage: {} };
  assert.deepEqual(parsePodDefaults(JSON.stringify(empty)), defaultPodDefaults());
  // Resources are the exception: {} asks for none.
  assert.deepEqual(parsePodDefaults(JSON.stringify({ workerResources: {} })).workerResources, {});
  assert.deepEqual(defaultPodDefaults().workerResources, DEFAULT_WORKER_RESOURCES);
  assert.deepEqual(defaultPodDefaults().signalerResources, DEFAULT_SIGNALER_RESOURCES);
});

test("pod defaults - every field is read; quantities become strings", () => {
  const doc = {
    imagePullPolicy: "Always",
    imagePullSecrets: [{ name: "regcred" }],
    workerResources: { requests: { cpu: "100m", memory: 134217728 }, limits: { memory: "256Mi" } },
    signalerResources: { requests: { cpu: "10m" } },
    nodeSelector: { pool: "media" },
    tolerations: [{ key: "media", operator: "Exists" }],
    affinity: { nodeAffinity: {} },
    natsCaSecret: "nats-ca",
    defaultStorage: { persistentVolumeClaim: { claimName: "recordings" } },
    ice: { useVdoNinjaDefaults: false, stun: ["stun:stun.example:3478"], relayOnly: false, turn: { urls: ["turn:turn.example:3478"], credentialsSecret: "turn" } },
  };
  assert.deepEqual(parsePodDefaults(JSON.stringify(doc)), {
    ...doc,
    workerResources: { requests: { cpu: "100m", memory: "134217728" }, limits: { memory: "256Mi" } },
  });
});

test("pod defaults - refuses what cannot be meant, naming the field", () => {
  const refused: [unknown, RegExp][] = [
    ["not json", /not JSON/],
    [[], /must be a JSON object/],
    [{ imagePullPolicy: "Sometimes" }, /'imagePullPolicy' must be Always, IfNotPresent or Never/],
    [{ imagePullSecrets: ["regcred"] }, /'imagePullSecrets' must be a list of objects/],
    [{ imagePullSecrets: [{}] }, /'imagePullSecrets' entries need a name/],
    [{ workerResources: { request: {} } }, /'workerResources.request' is not requests or limits/],
    [{ workerResources: { requests: { cpu: true } } }, /'workerResources.requests.cpu' must be a quantity/],
    [{ nodeSelector: { pool: 1 } }, /'nodeSelector' values must be strings/],
    [{ defaultStorage: { persistentVolumeClaim: { claimName: "a" }, volume: { emptyDir: {} } } }, /'defaultStorage' needs exactly one/],
    [{ defaultStorage: { persistentVolumeClaim: {} } }, /'defaultStorage.persistentVolumeClaim' needs a claimName/],
    [{ storageClaim: "x" }, /'storageClaim' is not a known field/],
  ];
  for (const [doc, message] of refused) {
    assert.throws(() => parsePodDefaults(typeof doc === "string" ? doc : JSON.stringify(doc), "pod-defaults.json"), (err: Error) => err instanceof UsageError && message.test(err.message) && err.message.startsWith("pod-defaults.json"), String(message));
  }
});
