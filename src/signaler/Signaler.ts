import type { Bus, BusMessage, Subscription } from "../bus/Bus.ts";
import { LEAVING_REASONS, parseFromWorker, SignalingState, type FromWorker, type RosterEvent, type StreamInfo, type ToWorker } from "../bus/messages.ts";
import { subjects, type SubjectScope } from "../bus/subjects.ts";
import { compileStreamFilters } from "../config/streamFilters.ts";
import type { RoomSettings, StreamFilters } from "../config/types.ts";
import type { Logger } from "../observability/logger.ts";
import { joinRoomMessage, playMessage } from "../protocol/builders.ts";
import { fromWire, newFanoutId, toWire, type DialectContext } from "../protocol/dialect.ts";
import { parseJsonFrame, type Json } from "../protocol/fields.ts";
import { roomId } from "../protocol/hash.ts";
import { normalizePassword } from "../protocol/sanitize.ts";
import { parseSocketMessage, type ServerMessage } from "../protocol/serverMessages.ts";
import type { PeerMessage } from "../protocol/peerMessages.ts";
import { HeldOffers, HoldOutcome } from "./HeldOffers.ts";
import { ReconnectingSocket } from "./ReconnectingSocket.ts";
import { EMPTY_ROSTER, foldRoster, IgnoreReason, keyOfUuid, type Roster, type RosterConfig, type RosterInput } from "./roster.ts";
import { SignalerMetrics } from "./SignalerMetrics.ts";
import { WorkerLinks } from "./WorkerLinks.ts";

/** How often pending plays are checked for a missing offer. */
const REPLAY_TICK_MS = 1000;

/**
 * The signaler role (design "Three roles"): owns the one WebSocket to the handshake server for
 * one room, keeps the roster, sends `play` when a stream's worker is ready, and routes
 * handshake messages between the server and the workers by peer UUID. It never decrypts,
 * never touches WebRTC or disk, and never publishes (spec §8.1).
 */
export class Signaler {
  readonly metrics: SignalerMetrics;
  readonly #bus: Bus;
  readonly #scope: SubjectScope;
  readonly #log: Logger;
  readonly #dialect: RoomSettings["dialect"];
  readonly #server: string;
  readonly #rosterCfg: RosterConfig;
  readonly #roomId: string;
  readonly #ctx: DialectContext;
  readonly #socket: ReconnectingSocket;
  readonly #links = new WorkerLinks();
  /** Offers (and their ICE) that arrived before their stream had a worker (fan-out, spec §2.7). */
  readonly #held = new HeldOffers<Json>();
  readonly #subs: Subscription[] = [];
  /** Wire ids already reported as unrecordable, so each is logged once. */
  readonly #ignored = new Set<string>();
  #roster: Roster = EMPTY_ROSTER;
  #foreign = 0;
  #joined = false;
  #connections = 0;
  #tick: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(bus: Bus, settings: RoomSettings, scope: SubjectScope, filters: StreamFilters | undefined, log: Logger, opts: { metrics?: SignalerMetrics } = {}) {
    this.#bus = bus;
    this.#scope = scope;
    this.#dialect = settings.dialect;
    this.#server = settings.server;
    this.#log = log.child({ component: "signaler", room: settings.room });
    this.metrics = opts.metrics ?? new SignalerMetrics();
    const password = normalizePassword(settings.password);
    this.#rosterCfg = { password, salt: settings.salt, ...(filters ? { accept: compileStreamFilters(filters) } : {}) };
    this.#roomId = roomId(settings.room, password, settings.salt);
    this.#ctx = { selfId: newFanoutId(), roomId: this.#roomId };
    this.#socket = new ReconnectingSocket({
      url: settings.server,
      log: this.#log,
      events: { open: () => this.#onOpen(), frame: (text, binary) => this.#onFrame(text, binary), down: (why) => this.#onDown(why) },
    });
  }

  /** Live streams, as published in snapshots. */
  get streams(): readonly StreamInfo[] {
    return [...this.#roster.streams.values()];
  }

  /** Distinct stream ids seen that carry another password's hash suffix (a wrong `--password`). */
  get foreignStreams(): number {
    return this.#foreign;
  }

  get signaling(): SignalingState {
    return this.#joined ? SignalingState.connected : SignalingState.disconnected;
  }

  start(): void {
    if (this.#closed || this.#subs.length > 0) return;
    this.#subs.push(
      this.#bus.subscribe(subjects.allFromWorker(this.#scope), (m) => this.#onWorker(m)),
      this.#bus.subscribe(subjects.rosterGet(this.#scope), (m) => this.#onRosterGet(m)),
    );
    this.#tick = setInterval(() => this.#replayDue(), REPLAY_TICK_MS);
    this.#socket.start();
    this.#log.info({ server: redactUrl(this.#server), dialect: this.#dialect }, "signaler starting");
  }

  /** Idempotent. Closes the socket (workers keep their peer connections) and stops listening. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    for (const s of this.#subs.splice(0)) s.unsubscribe();
    this.#socket.close();
    this.#setJoined(false);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ── socket side ──────────────────────────────────────────────────────────────────────────

  #onOpen(): void {
    this.#connections += 1;
    if (this.#connections > 1) this.metrics.reconnected();
    this.#log.info({ connections: this.#connections }, "signaling socket open: joining the room");
    // Spec §8.1–§8.2: hashed roomid, no streamID, no claim; never `seed`.
    this.#send(joinRoomMessage(this.#roomId), "joinroom");
    // The fan-out dialect has no listing (spec §2.7): joined as soon as the join is sent.
    if (this.#dialect === "fanout") this.#onJoined();
  }

  #onDown(why: string): void {
    this.#log.warn({ why }, "signaling socket lost");
    // The official server gives us a new UUID on the next socket, so the publisher would drop
    // answers to offers made to the old one. In the fan-out dialect our id stays (spec §2.7).
    if (this.#dialect === "official") this.#held.clear();
    this.#setJoined(false);
  }

  #onJoined(): void {
    this.#socket.healthy();
    this.#setJoined(true);
    this.#publishRoster({ type: "snapshot", streams: this.streams, signaling: this.signaling });
    for (const key of new Set([...this.#roster.streams.keys(), ...this.#links.keys()])) this.#toWorker(key, { type: "hello" });
    for (const key of this.#links.newSocket()) this.#maybePlay(key);
  }

  #setJoined(joined: boolean): void {
    if (this.#joined === joined) return;
    this.#joined = joined;
    this.metrics.socket(joined);
    this.#publishRoster({ type: "signaling", state: this.signaling, reconnects: Math.max(0, this.#connections - 1) });
  }

  #onFrame(text: string | undefined, binary: boolean): void {
    if (text === undefined || binary) return this.#drop("binary", "binary frame from the server dropped");
    const frame = parseJsonFrame(text);
    if (!frame.ok) return this.#drop(frame.error.startsWith("frame larger") ? "oversize" : "malformed", "frame from the server dropped", frame.error);
    const json = fromWire(this.#dialect, frame.msg, this.#ctx);
    if (!json) return this.metrics.dropped("not-for-us");
    const parsed = parseSocketMessage(json);
    if (!parsed.ok) return this.#drop("malformed", "frame from the server dropped", parsed.error);
    if (parsed.msg.from === "server") {
      this.metrics.received(parsed.msg.msg.kind);
      this.#onServer(parsed.msg.msg);
    } else {
      this.metrics.received(`peer-${parsed.msg.msg.kind}`);
      this.#onPeer(parsed.msg.msg, json, text.length);
    }
  }

  #drop(reason: Parameters<SignalerMetrics["dropped"]>[0], msg: string, error?: string): void {
    this.metrics.dropped(reason);
    this.#log.warn({ reason, error }, msg);
  }

  #onServer(msg: ServerMessage): void {
    switch (msg.kind) {
      case "listing":
      case "transferred": {
        const members = msg.list.flatMap((m) => (m.streamID !== undefined ? [{ uuid: m.UUID, wireId: m.streamID }] : []));
        this.#log.info({ members: msg.list.length, streams: members.length }, `room ${msg.kind}`);
        this.#fold({ kind: "listing", members, keep: (key) => this.#links.isConnected(key) });
        if (!this.#joined || msg.kind === "transferred") this.#onJoined();
        return;
      }
      case "someonejoined":
      case "joinroom":
      case "videoaddedtoroom":
      case "seed":
        if (msg.streamID !== undefined) this.#fold({ kind: "announce", member: { uuid: msg.UUID, wireId: msg.streamID } });
        return;
      case "alert":
      case "warn":
      case "error":
        this.#log.warn({ kind: msg.kind, message: msg.message, code: msg.code }, "handshake server says");
        return;
      case "cleanup":
        // No public server sends it; treated like `bye` from that peer (spec §2.3).
        if (msg.UUID !== undefined) this.#routeToWorker(msg.UUID, { UUID: msg.UUID, cleanup: true });
        return;
      default:
        // offerSDP (we never publish, spec §8.1), play broadcasts, roomclaimed, unknown.
        this.#log.debug({ kind: msg.kind }, "server message ignored");
    }
  }

  /** `chars`: the frame's length, for the bounds of held offers. */
  #onPeer(msg: PeerMessage, raw: Json, chars: number): void {
    const uuid = msg.UUID;
    if (uuid === undefined) return;
    if (keyOfUuid(this.#roster, uuid) === undefined && msg.streamID !== undefined) {
      // An offer from a UUID we do not know: the stream moved to a new socket (spec §2.6), or
      // a fan-out publisher offering on our joinroom (spec §2.7). Either way the offer names
      // the stream: announce it (without superseding a connected worker, which takes the offer).
      this.#fold({ kind: "announce", member: { uuid, wireId: msg.streamID } }, false);
    }
    const key = keyOfUuid(this.#roster, uuid);
    if (key !== undefined && this.#links.phaseOf(key) === undefined && this.#hold(uuid, key, msg, raw, chars)) return;
    this.#routeToWorker(uuid, raw);
  }

  /**
   * No worker for `key` yet: keep an offer, and what follows it from the same peer, for the
   * worker's `ready` (HeldOffers says why). False when there is nothing to hold for this peer.
   */
  #hold(uuid: string, key: string, msg: PeerMessage, raw: Json, chars: number): boolean {
    const now = Date.now();
    const outcome = msg.kind === "description" ? this.#held.offer(uuid, key, raw, chars, now) : this.#held.follow(uuid, raw, chars, now);
    if (outcome === undefined) return false;
    const log = this.#log.child({ stream: key, peer: uuid });
    if (outcome === HoldOutcome.held) {
      if (msg.kind === "description") log.info("offer before the stream's worker is ready: held for it");
      return true;
    }
    this.metrics.dropped(outcome === HoldOutcome.full ? "held-full" : "held-peer-full");
    log.warn({ kind: msg.kind, outcome, heldPeers: this.#held.peers }, "message for a stream without a worker dropped: holding limit reached");
    return true;
  }

  #routeToWorker(uuid: string, payload: Json): void {
    const key = keyOfUuid(this.#roster, uuid);
    if (key === undefined) {
      this.metrics.dropped("unroutable");
      return this.#log.debug({ peer: uuid }, "message from a peer not in the roster dropped");
    }
    this.#links.offered(key);
    this.#toWorker(key, { type: "peer", uuid, payload });
  }

  #send(msg: Json, type: string): boolean {
    const sent = this.#socket.send(JSON.stringify(toWire(this.#dialect, msg, this.#ctx)));
    if (sent) this.metrics.sent(type);
    else this.#log.debug({ type }, "socket not open: message not sent");
    return sent;
  }

  // ── roster ───────────────────────────────────────────────────────────────────────────────

  /**
   * `supersede`: a stream re-seeded from a new UUID ends its connected worker (`stop
   * superseded`); an offer from a new UUID (moved, spec §2.6) goes to that worker instead.
   */
  #fold(input: RosterInput, supersede = true): void {
    const { roster, changes } = foldRoster(this.#roster, input, this.#rosterCfg);
    this.#roster = roster;
    this.metrics.rosterSize(roster.streams.size);
    for (const change of changes) {
      if (change.type === "ignored") {
        this.#reportIgnored(change.wireId, change.reason);
        continue;
      }
      this.#publishRoster(change.type === "joined" ? { type: "joined", stream: change.stream } : change);
      if (change.type === "left") {
        this.#log.info({ stream: change.key, peer: change.uuid, reason: change.reason }, "stream left");
        continue;
      }
      const { stream, replaced } = change;
      this.#log.info({ stream: stream.key, peer: stream.uuid, replaced: replaced?.uuid }, "stream joined");
      if (replaced && supersede && this.#links.isConnected(stream.key)) {
        this.#toWorker(stream.key, { type: "stop", reason: "superseded" });
      } else {
        this.#maybePlay(stream.key);
      }
    }
  }

  #reportIgnored(wireId: string, reason: IgnoreReason): void {
    if (this.#ignored.has(wireId) || this.#ignored.size > 1000) return;
    this.#ignored.add(wireId);
    if (reason === IgnoreReason.foreignHash) {
      this.#foreign += 1;
      this.#log.warn({ wireId }, "a stream in the room was published with another password or salt: it cannot be recorded (check --password/--salt)");
    } else {
      this.#log.info({ wireId }, "stream filtered out");
    }
  }

  #onRosterGet(m: BusMessage): void {
    if (m.reply === undefined) return;
    this.#bus.respond(m, { type: "snapshot", streams: this.streams, signaling: this.signaling } satisfies RosterEvent);
  }

  #publishRoster(ev: RosterEvent): void {
    this.#publish(subjects.roster(this.#scope), ev);
  }

  // ── workers ──────────────────────────────────────────────────────────────────────────────

  #onWorker(m: BusMessage): void {
    const msg = parseFromWorker(m.data);
    if (!msg) return this.#log.warn({ subject: m.subject }, "malformed message from a worker dropped");
    if (msg.type === "peer") {
      // Put on the socket as is, addressed to the publisher (the worker already encrypted it).
      this.#send({ ...msg.payload, UUID: msg.uuid }, "peer");
      return;
    }
    if (m.subject !== subjects.fromWorker(this.#scope, msg.key)) return this.#log.warn({ subject: m.subject, key: msg.key }, "worker message for another stream's subject dropped");
    this.#onWorkerState(msg);
  }

  #onWorkerState(msg: Exclude<FromWorker, { type: "peer" }>): void {
    const log = this.#log.child({ stream: msg.key, instance: msg.instance });
    switch (msg.type) {
      case "ready": {
        const fresh = this.#links.ready(msg.key, msg.instance, msg.rearm);
        if (fresh && msg.rearm !== undefined) log.info({ rearm: msg.rearm }, "worker lost its connection and asks for the stream again");
        if (fresh && !this.#handOverHeld(msg.key)) this.#maybePlay(msg.key);
        return;
      }
      case "connected":
        this.#links.connected(msg.key, msg.instance);
        log.info({ peer: msg.uuid }, "worker connected");
        return;
      case "ended":
        if (!this.#links.ended(msg.key, msg.instance)) return;
        log.info({ reason: msg.reason, peer: msg.uuid }, "worker ended");
        if (LEAVING_REASONS.has(msg.reason)) {
          this.#fold({ kind: "departed", key: msg.key, reason: msg.reason, ...(msg.uuid !== undefined ? { uuid: msg.uuid } : {}) });
        }
        return;
    }
  }

  /** Gives a ready worker the offer its publisher already made, in place of a `play`. */
  #handOverHeld(key: string): boolean {
    const stream = this.#roster.streams.get(key);
    const held = stream ? this.#held.take(stream.uuid, key, Date.now()) : [];
    if (!stream || held.length === 0) return false;
    this.#log.info({ stream: key, peer: stream.uuid, messages: held.length }, "handing the publisher's held offer to its worker");
    for (const payload of held) this.#routeToWorker(stream.uuid, payload);
    return true;
  }

  #maybePlay(key: string): void {
    const stream = this.#roster.streams.get(key);
    if (!stream || !this.#joined || !this.#links.playable(key)) return;
    if (this.#send(playMessage(stream.wireId), "play")) {
      this.#links.played(key, Date.now());
      this.#log.info({ stream: key, wireId: stream.wireId }, "play");
    }
  }

  #replayDue(): void {
    const expired = this.#held.prune(Date.now());
    if (expired > 0) this.#log.info({ messages: expired, heldPeers: this.#held.peers }, "held offers expired before their worker was ready");
    if (!this.#joined) return;
    for (const key of this.#links.due(Date.now())) {
      const stream = this.#roster.streams.get(key);
      if (!stream) continue;
      this.#log.info({ stream: key }, "no offer after play: playing again");
      if (this.#send(playMessage(stream.wireId), "play")) this.#links.played(key, Date.now());
    }
  }

  #toWorker(key: string, msg: ToWorker): void {
    this.#publish(subjects.toWorker(this.#scope, key), msg);
  }

  /** Publishing races shutdown (the bus may close first): that is not worth a crash. */
  #publish(subject: string, msg: RosterEvent | ToWorker): void {
    try {
      this.#bus.publish(subject, msg);
    } catch (err) {
      this.#log.debug({ err, subject }, "bus publish failed");
    }
  }
}

/** The server URL without userinfo, for logs. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "(invalid url)";
  }
}
