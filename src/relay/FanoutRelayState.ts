/**
 * The filtered fan-out router (spec §7.2, `vdoninja.js` semantics) for fan-out ("customWSS")
 * clients: the sender's self-chosen `from` names the socket, and the original frame text is
 * forwarded to every other socket that passes the target/room/play filters. No listing.
 */
import type { Json } from "../protocol/index.ts";
import type { Outgoing, RelayState } from "./types.ts";

export const ERROR_MISSING_FROM = "missing from field";
export const ERROR_UUID_IN_USE = "uuid already in use";
export const ERROR_SID_CHANGE = "can't change sid";
export const ERROR_SID_IN_USE = "sid already in use";

interface Conn {
  /** Bound by the first message's `from`. */
  uuid?: string;
  /** The room this socket joined (its `joinroom`'s roomid, as a string). */
  room?: string;
  /** The stream id it seeded or joined with. */
  sid?: string;
}

export class FanoutRelayState implements RelayState {
  readonly #conns = new Map<string, Conn>();

  connect(conn: string): void {
    this.#conns.set(conn, {});
  }

  disconnect(conn: string): void {
    this.#conns.delete(conn);
  }

  receive(connId: string, text: string, msg: Json): Outgoing[] {
    const conn = this.#conns.get(connId);
    if (!conn) return [];
    if (typeof msg.from !== "string" || msg.from === "") return [error(connId, ERROR_MISSING_FROM)];
    if (conn.uuid === undefined) {
      if (this.#someoneElse(connId, (c) => c.uuid === msg.from)) return [error(connId, ERROR_UUID_IN_USE)];
      conn.uuid = msg.from;
    }
    let sid: string | undefined;
    if (msg.request === "seed" && isId(msg.streamID)) sid = msg.streamID;
    if (msg.request === "joinroom") {
      // The room is bound even if the sid check below fails, as in the reference server.
      conn.room = String(msg.roomid);
      if (isId(msg.streamID)) sid = msg.streamID;
    }
    if (sid !== undefined) {
      if (conn.sid !== undefined && conn.sid !== sid) return [error(connId, ERROR_SID_CHANGE)];
      if (this.#someoneElse(connId, (c) => c.sid === sid)) return [error(connId, ERROR_SID_IN_USE)];
      conn.sid = sid;
    }
    const out: Outgoing[] = [];
    for (const [otherId, other] of this.#conns) {
      if (otherId !== connId && this.#wants(conn, other, msg)) out.push({ to: otherId, data: text });
    }
    return out;
  }

  /** The delivery filters of spec §7.2 step 4; the room is the sender socket's, not the message's. */
  #wants(sender: Conn, other: Conn, msg: Json): boolean {
    if (msg.UUID && msg.UUID !== other.uuid) return false;
    if (sender.room !== undefined ? other.room !== sender.room : other.room !== undefined) return false;
    if (msg.request === "play" && isId(msg.streamID) && other.sid !== msg.streamID) return false;
    return true;
  }

  #someoneElse(connId: string, test: (c: Conn) => boolean): boolean {
    for (const [id, c] of this.#conns) if (id !== connId && test(c)) return true;
    return false;
  }
}

function isId(v: unknown): v is string {
  return typeof v === "string" && v !== "";
}

function error(to: string, message: string): Outgoing {
  return { to, data: JSON.stringify({ error: message }) };
}
