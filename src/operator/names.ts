/**
 * Names and labels of the objects the operator creates. Stream keys come from strangers and are
 * case-sensitive (`subjectToken` in bus/subjects.ts), while pod names must be lower-case DNS-1123
 * labels and label values a narrower alphabet: every name derived from a stream key therefore
 * carries a hash of the exact key, so "Alice" and "alice" never share a pod.
 */
import { createHash } from "node:crypto";
import { GROUP } from "./types.ts";

export const LABEL_RECORDING = `${GROUP}/recording`;
export const LABEL_COMPONENT = "app.kubernetes.io/component";
export const LABEL_STREAM = `${GROUP}/stream`;
export const LABEL_ATTEMPT = `${GROUP}/attempt`;
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "room-recorder-operator";
/** Exact stream key and id (labels cannot hold them). */
export const ANNOTATION_STREAM_KEY = `${GROUP}/stream-key`;
export const ANNOTATION_STREAM_ID = `${GROUP}/stream-id`;
/** The publisher peer the worker was started for: a Succeeded pod for the same peer means "left". */
export const ANNOTATION_PUBLISHER = `${GROUP}/publisher`;
/**
 * Consecutive failed attempts of the same publisher before this pod: the backoff grows across
 * attempts although the operator deletes older attempts' pods (workers.ts).
 */
export const ANNOTATION_PRIOR_FAILURES = `${GROUP}/prior-failures`;
export const ANNOTATION_SPEC_HASH = `${GROUP}/spec-hash`;
export const FINALIZER = `${GROUP}/finalize-recordings`;

export const Component = { signaler: "signaler", worker: "worker", identity: "identity" } as const;
export type Component = (typeof Component)[keyof typeof Component];

const MAX_DNS_LABEL = 63;

export function shortHash(s: string, hexChars = 8): string {
  return createHash("sha256").update(s, "utf8").digest("hex").slice(0, hexChars);
}

/** Lower-case, [a-z0-9-], no leading/trailing '-', at most `max` characters (may be empty). */
function dnsPart(s: string, max: number): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");
}

/**
 * `<recording>-<suffix>` as a DNS-1123 label: the recording name is shortened (and a hash of it
 * added) only when the whole would exceed 63 characters, so short names stay readable.
 */
export function childName(recording: string, suffix: string): string {
  const whole = `${recording}-${suffix}`;
  if (whole.length <= MAX_DNS_LABEL) return whole;
  const room = MAX_DNS_LABEL - suffix.length - 1 - 9;
  return `${dnsPart(recording, room)}-${shortHash(recording)}-${suffix}`;
}

/** The DNS-safe, collision-free token of a stream key: readable prefix + hash of the exact key. */
export function streamToken(key: string): string {
  const readable = dnsPart(key, 16);
  return readable ? `${readable}-${shortHash(key)}` : shortHash(key);
}

export const names = {
  signalerPod: (recording: string) => childName(recording, "signaler"),
  serviceAccount: (recording: string) => childName(recording, "recorder"),
  workerPod: (recording: string, key: string, attempt: number) => childName(recording, `w-${streamToken(key)}-${attempt}`),
} as const;

/** Label value of a stream key (labels allow at most 63 of [A-Za-z0-9_.-]). */
export const streamLabel = streamToken;

export function baseLabels(recording: string, component: Component): Record<string, string> {
  return {
    "app.kubernetes.io/name": "room-recorder",
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_RECORDING]: labelSafe(recording),
  };
}

/** Recording names are DNS subdomains (up to 253); labels take 63. */
export function labelSafe(name: string): string {
  return name.length <= MAX_DNS_LABEL ? name : `${name.slice(0, MAX_DNS_LABEL - 9).replace(/[.-]+$/, "")}-${shortHash(name)}`;
}
