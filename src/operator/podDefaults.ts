/**
 * Operator-wide defaults for the signaler and worker pods: the chart's pod values (pull secrets
 * and policy, resources, scheduling, the NATS CA, default storage), rendered as one JSON document
 * into a ConfigMap and read once at start (`--pod-defaults FILE`, docs/deployment.md "Values").
 * A document rather than flags: tolerations and affinity are Kubernetes objects, and one file
 * keeps every pod-shaping value in one place on both sides (the chart's ConfigMap, and
 * OperatorSettings.pods here).
 */
import type { V1Affinity, V1LocalObjectReference, V1Toleration } from "@kubernetes/client-node";
import type { ResourceRequirements, StorageSpec } from "./types.ts";
import { UsageError } from "../config/errors.ts";
import { DEFAULT_ICE, parseIceDefaults, type IceDefaults } from "./specs/ice.ts";

export interface PodDefaults {
  /** Pull policy of both containers. @default unset: Kubernetes' own (IfNotPresent, Always for :latest) */
  readonly imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Pull secrets, by name in each recording's namespace. @default [] */
  readonly imagePullSecrets: readonly V1LocalObjectReference[];
  /** Worker resources unless spec.workerResources is set; `{}` for none. @default DEFAULT_WORKER_RESOURCES */
  readonly workerResources: ResourceRequirements;
  /** @default DEFAULT_SIGNALER_RESOURCES */
  readonly signalerResources: ResourceRequirements;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly V1Toleration[];
  readonly affinity?: V1Affinity;
  /** Secret with `ca.crt` (in each recording's namespace) that verifies the NATS server. */
  readonly natsCaSecret?: string;
  /** Storage of recordings without spec.storage, same shape. Unset: such a recording starts nothing (StorageNotConfigured). */
  readonly defaultStorage?: StorageSpec;
  /** ICE servers of the workers unless spec.ice says otherwise (specs/ice.ts). @default DEFAULT_ICE: VDO.Ninja's, as `record` */
  readonly ice: IceDefaults;
}

/**
 * Measured, docs/performance.md: a worker is ~40 ms/s of CPU and 88-98 MiB RSS per stream (its
 * V8 old space is capped at 128 MiB, stream-worker/nodeFlags.ts). The request is what it uses,
 * so the scheduler packs by real cost and a ResourceQuota can admit it (Burstable, not
 * BestEffort: not evicted first); the memory limit sits above the V8 cap, so a leak ends in
 * V8's heap limit (exit, new segment) before the cgroup's OOM kill. No CPU limit: throttling a
 * real-time receiver loses packets.
 */
export const DEFAULT_WORKER_RESOURCES: ResourceRequirements = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } };
/** The signaler holds the room's WebSocket and roster, no media. */
export const DEFAULT_SIGNALER_RESOURCES: ResourceRequirements = { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "256Mi" } };

export function defaultPodDefaults(): PodDefaults {
  return { imagePullSecrets: [], workerResources: DEFAULT_WORKER_RESOURCES, signalerResources: DEFAULT_SIGNALER_RESOURCES, ice: DEFAULT_ICE };
}

const PULL_POLICIES = new Set(["Always", "IfNotPresent", "Never"]);
const KEYS = new Set(["imagePullPolicy", "imagePullSecrets", "workerResources", "signalerResources", "nodeSelector", "tolerations", "affinity", "natsCaSecret", "defaultStorage", "ice"]);

/**
 * Parse and check the document (JSON text). Empty strings, lists and objects mean "not set"
 * (what the chart renders for empty values), except resources, where `{}` means none.
 * Throws UsageError naming the field.
 */
export function parsePodDefaults(text: string, source = "pod defaults"): PodDefaults {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source}: not JSON: ${(err as Error).message}`);
  }
  const fail = (field: string, what: string): never => {
    throw new UsageError(`${source}: '${field}' ${what}`);
  };
  if (!isObject(doc)) return fail("(document)", "must be a JSON object");
  for (const key of Object.keys(doc)) if (!KEYS.has(key)) fail(key, "is not a known field");
  const str = (key: string): string | undefined => {
    const v = doc[key];
    if (v === undefined || v === null || v === "") return undefined;
    return typeof v === "string" ? v : fail(key, "must be a string");
  };
  const obj = <T>(key: string): T | undefined => {
    const v = doc[key];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) return fail(key, "must be an object");
    return Object.keys(v).length ? (v as T) : undefined;
  };
  const list = <T>(key: string): T[] => {
    const v = doc[key];
    if (v === undefined || v === null) return [];
    return Array.isArray(v) && v.every(isObject) ? (v as T[]) : fail(key, "must be a list of objects");
  };

  const pullPolicy = str("imagePullPolicy");
  if (pullPolicy !== undefined && !PULL_POLICIES.has(pullPolicy)) fail("imagePullPolicy", "must be Always, IfNotPresent or Never");
  const pullSecrets = list<V1LocalObjectReference>("imagePullSecrets");
  if (pullSecrets.some((s) => typeof s.name !== "string" || s.name === "")) fail("imagePullSecrets", "entries need a name");
  const nodeSelector = obj<Record<string, string>>("nodeSelector");
  if (nodeSelector && !Object.values(nodeSelector).every((v) => typeof v === "string")) fail("nodeSelector", "values must be strings");
  const tolerations = list<V1Toleration>("tolerations");
  const affinity = obj<V1Affinity>("affinity");
  const natsCaSecret = str("natsCaSecret");
  const defaultStorage = obj<StorageSpec>("defaultStorage");
  if (defaultStorage && Boolean(defaultStorage.persistentVolumeClaim) === Boolean(defaultStorage.volume)) fail("defaultStorage", "needs exactly one of persistentVolumeClaim or volume");
  if (defaultStorage?.persistentVolumeClaim && !defaultStorage.persistentVolumeClaim.claimName) fail("defaultStorage.persistentVolumeClaim", "needs a claimName");

  return Object.freeze({
    ...(pullPolicy ? { imagePullPolicy: pullPolicy as PodDefaults["imagePullPolicy"] } : {}),
    imagePullSecrets: pullSecrets.map((s) => ({ name: s.name })),
    workerResources: resources(doc.workerResources, "workerResources", fail) ?? DEFAULT_WORKER_RESOURCES,
    signalerResources: resources(doc.signalerResources, "signalerResources", fail) ?? DEFAULT_SIGNALER_RESOURCES,
    ...(nodeSelector ? { nodeSelector } : {}),
    ...(tolerations.length ? { tolerations } : {}),
    ...(affinity ? { affinity } : {}),
    ...(natsCaSecret ? { natsCaSecret } : {}),
    ...(defaultStorage ? { defaultStorage } : {}),
    ice: parseIceDefaults(doc.ice, fail),
  });
}

/**
 * Requests and limits as quantity strings (a JSON number is a plain quantity, as in the CRD).
 * Absent: the operator's default; `{}`: none at all, as asked.
 */
function resources(v: unknown, field: string, fail: (field: string, what: string) => never): ResourceRequirements | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return fail(field, "must be an object");
  const out: Record<string, Record<string, string>> = {};
  for (const [part, quantities] of Object.entries(v)) {
    if (part !== "requests" && part !== "limits") fail(`${field}.${part}`, "is not requests or limits");
    if (!isObject(quantities)) return fail(`${field}.${part}`, "must be an object");
    out[part] = Object.fromEntries(
      Object.entries(quantities).map(([name, q]) => [name, typeof q === "number" || typeof q === "string" ? String(q) : fail(`${field}.${part}.${name}`, "must be a quantity")]),
    );
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
