/**
 * The browser's input sanitizers (spec §3.1). They run on what the operator types, before
 * hashing; ids that arrive from strangers are never "sanitized" into something else.
 */
import { DEFAULT_PASSWORD } from "./defaults.ts";
import { ProtocolInputError } from "./errors.ts";

export const MAX_ROOM_CHARS = 30;
/** The SDK keeps 64 (VDO.Ninja 70); the wire form cuts to 44 anyway (spec §3.4). */
export const MAX_STREAM_ID_CHARS = 64;

const NON_WORD_RUNS = /\W+/g;

function sanitizeName(input: string, max: number, what: string): string {
  const out = input.trim().replace(NON_WORD_RUNS, "_").slice(0, max);
  if (out === "") throw new ProtocolInputError(`${what} is empty`);
  return out;
}

/** Trim, each run of non-word chars → `_`, 30 chars; case preserved (spec §3.1). */
export function sanitizeRoom(room: string): string {
  return sanitizeName(room, MAX_ROOM_CHARS, "room");
}

/** Like the browser, except that an empty id is an error: a recorder never invents ids. */
export function sanitizeStreamId(streamId: string): string {
  return sanitizeName(streamId, MAX_STREAM_ID_CHARS, "stream id");
}

const DEFAULT_WORDS = new Set(["", "true", "1", "on"]);
const DISABLED_WORDS = new Set(["false", "0", "off"]);

/**
 * Password as hashed and used for keys (spec §3.1–§3.2): undefined, "", "true", "1", "on" →
 * the default; false, "false", "0", "off" → disabled; anything else is trimmed and
 * `encodeURIComponent`-ed as the browser does (`s3cr3t pass` → `s3cr3t%20pass`, notes
 * werift-vdoninja). Our input is the raw password, not a URL value, so it is not decoded first.
 */
export function normalizePassword(input: string | false | undefined): string | false {
  if (input === false) return false;
  const trimmed = (input ?? "").trim();
  const word = trimmed.toLowerCase();
  if (DEFAULT_WORDS.has(word)) return DEFAULT_PASSWORD;
  if (DISABLED_WORDS.has(word)) return false;
  return encodeURIComponent(trimmed);
}
