import { MAX_PAYLOAD_BYTES, isPublishSubject, isSubscribePattern } from "./wire.ts";

/**
 * Frames on a worker child's IPC channel (Node `child_process` 'json' serialization). Payloads
 * stay JSON text inside the frame, so the parent routes them without re-encoding and their
 * size is checked before anything else reads them. `bus` tags our frames: anything else on
 * the channel is not ours.
 */
export type ChildFrame =
  | { readonly bus: "sub"; readonly sid: number; readonly subject: string }
  | { readonly bus: "unsub"; readonly sid: number }
  | { readonly bus: "pub"; readonly subject: string; readonly data: string; readonly reply?: string };

export type ParentFrame = { readonly bus: "msg"; readonly sid: number; readonly subject: string; readonly data: string; readonly reply?: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isSid = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isData = (v: unknown): v is string => typeof v === "string" && Buffer.byteLength(v) <= MAX_PAYLOAD_BYTES;

/** Why a frame was refused, for the log line; `undefined` reason means accepted. */
export type Parsed<T> = { frame: T; reason?: undefined } | { frame?: undefined; reason: string };

export function parseChildFrame(v: unknown): Parsed<ChildFrame> {
  if (!isObj(v)) return { reason: "not an object" };
  switch (v.bus) {
    case "sub":
      if (!isSid(v.sid)) return { reason: "bad sid" };
      if (!isSubscribePattern(v.subject)) return { reason: "bad subscription subject" };
      return { frame: { bus: "sub", sid: v.sid, subject: v.subject } };
    case "unsub":
      return isSid(v.sid) ? { frame: { bus: "unsub", sid: v.sid } } : { reason: "bad sid" };
    case "pub":
      if (!isPublishSubject(v.subject)) return { reason: "bad subject" };
      if (v.reply !== undefined && !isPublishSubject(v.reply)) return { reason: "bad reply subject" };
      if (!isData(v.data)) return { reason: "payload missing or over the size cap" };
      return { frame: { bus: "pub", subject: v.subject, data: v.data, ...(v.reply !== undefined ? { reply: v.reply } : {}) } };
    default:
      return { reason: "unknown frame type" };
  }
}

export function parseParentFrame(v: unknown): Parsed<ParentFrame> {
  if (!isObj(v) || v.bus !== "msg") return { reason: "unknown frame type" };
  if (!isSid(v.sid)) return { reason: "bad sid" };
  if (!isPublishSubject(v.subject)) return { reason: "bad subject" };
  if (v.reply !== undefined && !isPublishSubject(v.reply)) return { reason: "bad reply subject" };
  if (!isData(v.data)) return { reason: "payload missing or over the size cap" };
  return { frame: { bus: "msg", sid: v.sid, subject: v.subject, data: v.data, ...(v.reply !== undefined ? { reply: v.reply } : {}) } };
}
