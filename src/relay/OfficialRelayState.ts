/**
 * The official-dialect router (spec §7.3, `vdoninja_advanced.js` semantics): the connection id
 * is the server-assigned UUID; directed frames are relayed by `UUID` with the sender's UUID
 * written over it; `seed`/`play`/`joinroom`/`migrate` keep the room and stream tables. Nobody
 * is told when a socket leaves (spec §2.3): `disconnect` only forgets it.
 */
import { parseClientRequest, type ClientRequest, type Json } from "../protocol/index.ts";
import type { Outgoing, RelayState } from "./types.ts";

export const ALERT_STREAM_ID_CHANGE = "Stream ID cannot change on an existing connection.";
export const ALERT_STREAM_ID_IN_USE = "Stream ID is already in use.";

type Of<K extends ClientRequest["kind"]> = Extract<ClientRequest, { kind: K }>;

export class OfficialRelayState implements RelayState {
  readonly #clients = new Set<string>();
  /** streamID → owner UUID, and back. */
  readonly #streamOwner = new Map<string, string>();
  readonly #streamOf = new Map<string, string>();
  /** UUID → room, room → members in join order. */
  readonly #roomOf = new Map<string, string>();
  readonly #members = new Map<string, string[]>();
  readonly #directors = new Map<string, string>();
  /** `play` requests waiting for a seed: streamID → viewers, and viewer → streamIDs (for cleanup). */
  readonly #waiting = new Map<string, string[]>();
  readonly #waitingFor = new Map<string, Set<string>>();

  connect(uuid: string): void {
    this.#clients.add(uuid);
  }

  disconnect(uuid: string): void {
    if (!this.#clients.delete(uuid)) return;
    const streamID = this.#streamOf.get(uuid);
    if (streamID !== undefined) {
      this.#streamOf.delete(uuid);
      if (this.#streamOwner.get(streamID) === uuid) this.#streamOwner.delete(streamID);
    }
    const room = this.#roomOf.get(uuid);
    if (room !== undefined) {
      this.#roomOf.delete(uuid);
      if (this.#directors.get(room) === uuid) this.#directors.delete(room);
      this.#leaveMembers(room, uuid);
    }
    for (const id of this.#waitingFor.get(uuid) ?? []) this.#unqueue(id, uuid);
    this.#waitingFor.delete(uuid);
  }

  receive(uuid: string, _text: string, msg: Json): Outgoing[] {
    if (!this.#clients.has(uuid)) return [];
    // Falsy `request` (absent, "", 0) means a directed message, as in the reference server.
    if (!msg.request) return this.#relay(uuid, msg);
    const parsed = parseClientRequest(msg);
    if (!parsed.ok) return [];
    const req = parsed.msg;
    switch (req.kind) {
      case "play": return this.#play(uuid, req);
      case "seed": return this.#seed(uuid, req);
      case "joinroom": return this.#joinRoom(uuid, req);
      case "migrate": return this.#migrate(uuid, req);
      // `ping` and unknown requests are accepted and ignored (spec §7.4).
      default: return [];
    }
  }

  /** Stream ownership, for tests and metrics. */
  get streamCount(): number {
    return this.#streamOwner.size;
  }

  #relay(sender: string, msg: Json): Outgoing[] {
    const target = msg.UUID;
    if (typeof target !== "string" || !this.#clients.has(target)) return [];
    const { from: _forged, ...rest } = msg;
    return [send(target, { ...rest, UUID: sender })];
  }

  #play(viewer: string, { streamID }: Of<"play">): Outgoing[] {
    if (!streamID) return [];
    const seeder = this.#streamOwner.get(streamID);
    if (seeder === undefined) return this.#queue(viewer, streamID);
    if (seeder === viewer) return [];
    const seederRoom = this.#roomOf.get(seeder);
    // A publisher in a room only serves viewers of that room (spec §2.2 play).
    if (seederRoom !== undefined && this.#roomOf.get(viewer) !== seederRoom) return this.#queue(viewer, streamID);
    return [send(seeder, { request: "offerSDP", UUID: viewer })];
  }

  #seed(seeder: string, { streamID }: Of<"seed">): Outgoing[] {
    if (!streamID) return [];
    const current = this.#streamOf.get(seeder);
    if (current !== undefined && current !== streamID) return [alert(seeder, ALERT_STREAM_ID_CHANGE)];
    const owner = this.#streamOwner.get(streamID);
    // Dead owners are already forgotten by `disconnect`, so any other owner is live.
    if (owner !== undefined && owner !== seeder) return [alert(seeder, ALERT_STREAM_ID_IN_USE)];
    this.#streamOwner.set(streamID, seeder);
    this.#streamOf.set(seeder, streamID);
    const room = this.#roomOf.get(seeder);
    if (room !== undefined) return this.#toRoom(room, { request: "videoaddedtoroom", UUID: seeder, streamID }, seeder);
    const viewers = this.#waiting.get(streamID) ?? [];
    this.#waiting.delete(streamID);
    for (const viewer of viewers) this.#waitingFor.get(viewer)?.delete(streamID);
    return viewers.map((viewer) => send(seeder, { request: "offerSDP", UUID: viewer }));
  }

  #joinRoom(joiner: string, { roomid, claim }: Of<"joinroom">): Outgoing[] {
    // Room keys are lowercased like the reference server (irrelevant for hashed ids, Appendix A).
    const room = roomid.toLowerCase();
    if (!room || this.#roomOf.has(joiner)) return [];
    this.#roomOf.set(joiner, room);
    const listing: Json = { request: "listing", list: this.#listOf(room) };
    let isDirector = false;
    const director = this.#directors.get(room);
    if (claim) {
      if (director === undefined) {
        this.#directors.set(room, joiner);
        listing.claim = true;
        isDirector = true;
      } else {
        listing.claim = director === joiner;
        if (director !== joiner) listing.director = director;
      }
    } else if (director !== undefined) {
      listing.director = director;
    }
    const notice: Json = { request: "someonejoined", UUID: joiner };
    if (isDirector) notice.director = true;
    const streamID = this.#streamOf.get(joiner);
    if (streamID !== undefined) notice.streamID = streamID;
    const out = [send(joiner, listing), ...this.#toRoom(room, notice, joiner)];
    this.#joinMembers(room, joiner);
    return out;
  }

  /** A director moves a member of its room to another room (spec §2.2 migrate). */
  #migrate(director: string, { target, roomid }: Of<"migrate">): Outgoing[] {
    const destination = roomid.toLowerCase();
    if (!target || !destination || target === director) return [];
    const room = this.#roomOf.get(director);
    if (room === undefined || this.#directors.get(room) !== director) return [];
    if (this.#roomOf.get(target) !== room) return [];
    this.#leaveMembers(room, target);
    this.#roomOf.set(target, destination);
    const transferred: Json = { request: "transferred", list: this.#listOf(destination) };
    const destDirector = this.#directors.get(destination);
    if (destDirector !== undefined) transferred.director = destDirector;
    const notice: Json = { request: "someonejoined", UUID: target };
    const streamID = this.#streamOf.get(target);
    if (streamID !== undefined) notice.streamID = streamID;
    const out = [send(target, transferred), ...this.#toRoom(destination, notice, target)];
    this.#joinMembers(destination, target);
    return out;
  }

  #listOf(room: string): Json[] {
    return (this.#members.get(room) ?? []).map((uuid) => {
      const streamID = this.#streamOf.get(uuid);
      return streamID === undefined ? { UUID: uuid } : { UUID: uuid, streamID };
    });
  }

  #toRoom(room: string, msg: Json, skip: string): Outgoing[] {
    const data = JSON.stringify(msg);
    return (this.#members.get(room) ?? []).filter((m) => m !== skip).map((to) => ({ to, data }));
  }

  #joinMembers(room: string, uuid: string): void {
    const members = this.#members.get(room);
    if (members) members.push(uuid);
    else this.#members.set(room, [uuid]);
  }

  #leaveMembers(room: string, uuid: string): void {
    const members = this.#members.get(room);
    if (!members) return;
    const rest = members.filter((m) => m !== uuid);
    if (rest.length === 0) this.#members.delete(room);
    else this.#members.set(room, rest);
  }

  #queue(viewer: string, streamID: string): Outgoing[] {
    const viewers = this.#waiting.get(streamID) ?? [];
    if (!viewers.includes(viewer)) viewers.push(viewer);
    this.#waiting.set(streamID, viewers);
    const ids = this.#waitingFor.get(viewer) ?? new Set<string>();
    ids.add(streamID);
    this.#waitingFor.set(viewer, ids);
    return [];
  }

  #unqueue(streamID: string, viewer: string): void {
    const rest = (this.#waiting.get(streamID) ?? []).filter((v) => v !== viewer);
    if (rest.length === 0) this.#waiting.delete(streamID);
    else this.#waiting.set(streamID, rest);
  }
}

function send(to: string, msg: Json): Outgoing {
  return { to, data: JSON.stringify(msg) };
}

function alert(to: string, message: string): Outgoing {
  return send(to, { request: "alert", message });
}
