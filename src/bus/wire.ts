import { BusPayloadTooLargeError } from "./errors.ts";

/**
 * What every transport shares: payloads travel as JSON text (so each receiver gets its own
 * copy and a value that cannot cross NATS cannot cross IPC either), capped like NATS'
 * default `max_payload`, on subjects validated before they reach the router.
 */

/** Same as nats-server's default `max_payload`. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Longer subjects than ours (prefix + 77-char key + suffix) are never legitimate. */
export const MAX_SUBJECT_LENGTH = 512;

const TOKEN = /^[^\s.*>]+$/;

/** A concrete subject (no wildcards): what `publish` and reply subjects accept. */
export function isPublishSubject(s: unknown): s is string {
  return typeof s === "string" && s.length <= MAX_SUBJECT_LENGTH && s.split(".").every((t) => TOKEN.test(t));
}

/** A subscription pattern: tokens, `*` for one token, a final `>` for the rest. */
export function isSubscribePattern(s: unknown): s is string {
  if (typeof s !== "string" || s.length > MAX_SUBJECT_LENGTH) return false;
  const tokens = s.split(".");
  return tokens.every((t, i) => t === "*" || (t === ">" && i === tokens.length - 1) || TOKEN.test(t));
}

export function assertPublishSubject(s: string): void {
  if (!isPublishSubject(s)) throw new TypeError(`invalid subject ${JSON.stringify(String(s).slice(0, 80))}`);
}

export function assertSubscribePattern(s: string): void {
  if (!isSubscribePattern(s)) throw new TypeError(`invalid subscription subject ${JSON.stringify(String(s).slice(0, 80))}`);
}

/** JSON-encode and check the cap; throws TypeError for values JSON cannot carry. */
export function encodePayload(subject: string, data: unknown): string {
  const text = JSON.stringify(data);
  if (text === undefined) throw new TypeError(`payload on ${subject} is not JSON-serializable`);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_PAYLOAD_BYTES) throw new BusPayloadTooLargeError(subject, bytes, MAX_PAYLOAD_BYTES);
  return text;
}

let inboxCounter = 0;
const INBOX_PREFIX = `_INBOX.${Math.random().toString(36).slice(2, 12)}${process.pid}`;

/** A fresh reply subject, unique in this process and very likely across processes. */
export function newInbox(): string {
  inboxCounter += 1;
  return `${INBOX_PREFIX}.${inboxCounter}`;
}
