/**
 * The fan-out ("customWSS") dialect (spec §2.7) as a wrapper around the official message shapes:
 * outgoing messages gain `from` (and `roomid` once joined); incoming ones are filtered the way
 * the browser filters them and `from` becomes `UUID`, so the rest of the code sees one dialect.
 */
import { randomInt } from "node:crypto";
import type { Dialect } from "./defaults.ts";
import type { Json } from "./fields.ts";

export interface DialectContext {
  /** Our self-chosen id (fan-out only; see `newFanoutId`). */
  readonly selfId: string;
  /** The wire room id once joined. */
  readonly roomId?: string;
}

/** The browser's alphabet for self-chosen ids: no 0/1/O/I/l/o look-alikes (spec §2.7). */
export const FANOUT_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
const FANOUT_ID_CHARS = 20;

export function newFanoutId(): string {
  let id = "";
  for (let i = 0; i < FANOUT_ID_CHARS; i++) id += FANOUT_ID_ALPHABET[randomInt(FANOUT_ID_ALPHABET.length)];
  return id;
}

export function toWire(dialect: Dialect, msg: Json, ctx: DialectContext): Json {
  if (dialect === "official") return msg;
  return { ...msg, from: ctx.selfId, ...(ctx.roomId !== undefined ? { roomid: ctx.roomId } : {}) };
}

/**
 * Receiver filters of spec §2.7, in order: drop our own echo, drop messages for another target,
 * drop other rooms; then `from` → `UUID` (sender) and `roomid` removed. Undefined = not for us.
 * Peers' `joinroom`/`seed`/`play` broadcasts stay requests; `parseServerMessage` reads them.
 * The official dialect passes everything through (the server already routed it).
 */
export function fromWire(dialect: Dialect, msg: Json, ctx: DialectContext): Json | undefined {
  if (dialect === "official") return msg;
  if (msg.from === ctx.selfId) return undefined;
  if (msg.UUID !== undefined && msg.UUID !== ctx.selfId) return undefined;
  if (msg.roomid !== undefined && ctx.roomId !== undefined && msg.roomid !== ctx.roomId) return undefined;
  const { from, roomid: _room, UUID: _target, ...rest } = msg;
  if (from !== undefined) return { ...rest, UUID: from };
  // The filtered fan-out server's own replies (spec §7.2): `{"error":"uuid already in use"}`.
  if (typeof msg.error === "string" && msg.request === undefined) return { request: "error", message: msg.error };
  return rest;
}
