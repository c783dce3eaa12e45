/**
 * Size limits and field readers shared by the message parsers. Readers throw `Invalid`, which
 * only the parse entry points catch and turn into `{ ok: false, error }`: nothing escapes.
 */

export type Parsed<T> = { readonly ok: true; readonly msg: T } | { readonly ok: false; readonly error: string };

/** Limits on stranger input. Generous for real clients (spec §1.4 caps browser frames at 35,000 chars). */
export const LIMITS = {
  /** One WebSocket frame / data-channel message. */
  frameBytes: 512 * 1024,
  sdpChars: 100_000,
  /** Hex of AES-CBC over JSON of a 100 KB SDP (JSON escaping of CRLF adds a little). */
  encryptedHexChars: 2 * 110_000,
  candidates: 100,
  candidateChars: 2048,
  /** UUIDs, sessions, stream ids, room ids. */
  idChars: 128,
  /** alert/warn/error texts, labels. */
  textChars: 2000,
  labelChars: 200,
  listMembers: 1000,
  screenIndexes: 32,
} as const;

export class Invalid extends Error {
  override name = "Invalid";
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function expectObject(v: unknown, what: string): Json {
  if (!isObject(v)) throw new Invalid(`${what} is not an object`);
  return v;
}

// Control characters in an id would end up in log lines, subjects and file names.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A non-empty id string without control characters, at most `LIMITS.idChars`. */
export function expectId(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Invalid(`${what} is not a string`);
  if (v.length === 0) throw new Invalid(`${what} is empty`);
  if (v.length > LIMITS.idChars) throw new Invalid(`${what} is longer than ${LIMITS.idChars} chars`);
  if (CONTROL.test(v)) throw new Invalid(`${what} contains control characters`);
  return v;
}

export function optionalId(v: unknown, what: string): string | undefined {
  return v === undefined ? undefined : expectId(v, what);
}

export function expectText(v: unknown, what: string, max: number): string {
  if (typeof v !== "string") throw new Invalid(`${what} is not a string`);
  if (v.length > max) throw new Invalid(`${what} is longer than ${max} chars`);
  return v;
}

export function optionalText(v: unknown, what: string, max: number): string | undefined {
  return v === undefined ? undefined : expectText(v, what, max);
}

export function optionalBoolean(v: unknown, what: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new Invalid(`${what} is not a boolean`);
  return v;
}

export function optionalFiniteNumber(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Invalid(`${what} is not a finite number`);
  return v;
}

/** Runs a parser body, turning `Invalid` into a result. Other exceptions are bugs and propagate. */
export function attempt<T>(body: () => T): Parsed<T> {
  try {
    return { ok: true, msg: body() };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    throw err;
  }
}

/** One text frame → a JSON object, size-checked before parsing. */
export function parseJsonFrame(text: string, maxBytes: number = LIMITS.frameBytes): Parsed<Json> {
  if (Buffer.byteLength(text, "utf8") > maxBytes) return { ok: false, error: `frame larger than ${maxBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: "frame is not JSON" };
  }
  return isObject(value) ? { ok: true, msg: value } : { ok: false, error: "frame is not a JSON object" };
}
