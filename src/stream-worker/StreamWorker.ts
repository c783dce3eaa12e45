import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Bus, BusMessage, Subscription } from "../bus/Bus.ts";
import { claimStream, type StreamClaim } from "../bus/claim.ts";
import { EndReason, parseToWorker, WorkerState, type FromWorker, type IceFailure } from "../bus/messages.ts";
import { subjects } from "../bus/subjects.ts";
import type { WorkerConfig } from "../config/types.ts";
import type { RecorderEvent } from "../media/types.ts";
import type { Logger } from "../observability/logger.ts";
import {
  decodePeerPayload, deriveKey, normalizePassword, parsePeerMessage, pongMessage,
  type DecodedPeerMessage, type Json, type PayloadKey, type SessionDescription,
} from "../protocol/index.ts";
import { addTotals, buildHeartbeat, HEARTBEAT_INTERVAL_MS, ZERO_TOTALS } from "./heartbeat.ts";
import { afterLoss, DEFAULT_LOSS_POLICY, type LossPolicy } from "./lossPolicy.ts";
import { PeerSession } from "./PeerSession.ts";
import { PendingIce } from "./PendingIce.ts";
import type { CreateRecorder } from "./recorderPort.ts";
import { decideIce, decideOffer, type ConnectionId, type SessionId } from "./session.ts";
import { WorkerMetrics, type RecorderTotals } from "./WorkerMetrics.ts";

export interface StreamWorkerDeps {
  readonly createRecorder: CreateRecorder;
  /** @default a fresh WorkerMetrics */
  readonly metrics?: WorkerMetrics;
  /** How long to wait for another worker to say it owns the stream. @default claim.ts DEFAULT_CLAIM_WINDOW_MS */
  readonly claimWindowMs?: number;
  /** When a lost connection is asked for again. @default lossPolicy.ts DEFAULT_LOSS_POLICY */
  readonly lossPolicy?: LossPolicy;
}

type Via = "bus" | "dc";

/**
 * A lost connection counts as lost only if no new offer from the publisher replaced it within
 * this window: a publisher that rebuilds its connection (new session, spec §2.6) closes the old
 * one first, and its old data channel may close here before the new offer has crossed the bus.
 */
const REBUILD_GRACE_MS = 3000;

/**
 * One stream's worker (design "Data flow"): subscribes to its `to-worker` subject, says
 * `ready`, answers the publisher's offers with a werift peer connection (PeerSession), records
 * through the recorder, reports heartbeats, and ends once with a reason. It never touches the
 * WebSocket and never learns whether the bus is IPC or NATS.
 */
export class StreamWorker {
  /** Unique per process: lets the signaler tell a restarted worker from the old one. */
  readonly instance = randomBytes(6).toString("hex");
  readonly metrics: WorkerMetrics;
  readonly #bus: Bus;
  readonly #config: WorkerConfig;
  readonly #log: Logger;
  readonly #createRecorder: CreateRecorder;
  readonly #lossPolicy: LossPolicy;
  readonly #key: PayloadKey | undefined;
  readonly #sub: Subscription;
  readonly #pendingIce = new PendingIce();
  #heartbeat: NodeJS.Timeout | undefined;
  /** Held from winning the claim until the end: we answer newcomers that we own the stream. */
  #claim: StreamClaim | undefined;
  readonly #done: Promise<EndReason>;
  #resolveDone!: (r: EndReason) => void;
  #session: PeerSession | undefined;
  #phase: WorkerState = WorkerState.starting;
  #label: string | undefined;
  /** Signaling is handled one message at a time: an offer may need a new recorder first. */
  #signaling: Promise<void> = Promise.resolve();
  #finished: RecorderTotals = ZERO_TOTALS;
  #lastBeat = { at: Date.now(), bytes: 0 };
  /** NACK/PLI counts of retired sessions. */
  #finishedFeedback = { nacks: 0, plis: 0 };
  #ending = false;
  /** Requests for the stream made in the current streak of losses (lossPolicy.ts). */
  #lossAttempts = 0;
  /** Requests for the stream made in this worker's life: `rearm` in our `ready`. */
  #rearm = 0;
  /** The pending request for the stream again, or the wait for its offer. */
  #askTimer: NodeJS.Timeout | undefined;
  /** The publisher of the last connection: still ours to report when it is gone. */
  #lastPeer: string | undefined;
  /** Why the last connection attempt found no ICE pair; reported until one connects. */
  #iceFailure: IceFailure | undefined;

  constructor(bus: Bus, config: WorkerConfig, log: Logger, deps: StreamWorkerDeps) {
    this.#bus = bus;
    this.#config = config;
    this.#log = log.child({ component: "stream-worker", recording: config.scope.recording, stream: config.stream.key });
    this.#createRecorder = deps.createRecorder;
    this.#lossPolicy = deps.lossPolicy ?? DEFAULT_LOSS_POLICY;
    this.metrics = deps.metrics ?? new WorkerMetrics();
    // The config holds the password as the user gave it; hashing and keys use the browser's
    // encoded form (spec §3.1), as the signaler does.
    const password = normalizePassword(config.password);
    this.#key = password === false ? undefined : deriveKey(password, config.salt);
    this.#label = config.stream.label;
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#sub = bus.subscribe(subjects.toWorker(config.scope, config.stream.key), (m) => this.#onBus(m));
    void this.#claimThenReady(deps.claimWindowMs);
  }

  /**
   * Subscribed first, then claim the stream (docs/nats.md "Claims"), and only then say `ready`,
   * so the signaler never plays a stream to a worker that is about to give up.
   */
  async #claimThenReady(windowMs: number | undefined): Promise<void> {
    const key = this.#config.stream.key;
    let result;
    try {
      result = await claimStream(this.#bus, {
        scope: this.#config.scope, key, me: { instance: this.instance, since: Date.now() }, log: this.#log,
        ...(windowMs !== undefined ? { windowMs } : {}),
      });
    } catch (err) {
      this.#log.error({ err }, "cannot claim the stream");
      return void this.#end(EndReason.error, "claim failed");
    }
    if (!result.won) {
      this.#log.warn({ owner: result.owner.instance, ownerSince: result.owner.since }, "another worker already records this stream: ending as a duplicate");
      return void this.#end(EndReason.duplicate, `stream owned by worker ${result.owner.instance}`);
    }
    if (this.#ending) return result.claim.release();
    this.#claim = result.claim;
    this.#phase = WorkerState.waiting;
    this.#sayReady();
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_INTERVAL_MS);
    this.#log.info({ instance: this.instance }, "worker ready: waiting for an offer");
  }

  /** True once this worker owns the stream (and said `ready`). */
  get claimed(): boolean {
    return this.#claim !== undefined && !this.#claim.released;
  }

  /** Resolves with the end reason once the file is finalized and `ended` is published. Never rejects. */
  done(): Promise<EndReason> {
    return this.#done;
  }

  /** Idempotent: ends with `reason` unless already ending. */
  close(reason: EndReason = EndReason.stopped): Promise<EndReason> {
    void this.#end(reason, "closed by owner");
    return this.#done;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #sayReady(): void {
    this.#publish({ type: "ready", key: this.#config.stream.key, instance: this.instance, ...(this.#rearm > 0 ? { rearm: this.#rearm } : {}) });
  }

  #publish(msg: FromWorker): void {
    this.#bus.publish(subjects.fromWorker(this.#config.scope, this.#config.stream.key), msg);
  }

  #onBus(m: BusMessage): void {
    const msg = parseToWorker(m.data);
    if (!msg) {
      this.#log.warn({ subject: m.subject }, "malformed to-worker message dropped");
      return;
    }
    // Until the claim is won the stream may be another worker's: its signaling is not ours.
    if (!this.#claim && msg.type !== "stop") {
      this.#log.debug({ type: msg.type }, "to-worker message before the claim was won: dropped");
      return;
    }
    switch (msg.type) {
      case "hello":
        if (this.#session?.connected) this.#publish({ type: "connected", key: this.#config.stream.key, instance: this.instance, uuid: this.#session.id.uuid });
        else if (!this.#ending) this.#sayReady();
        return;
      case "stop":
        void this.#end(msg.reason, "stop from the bus");
        return;
      case "peer": {
        const parsed = parsePeerMessage(msg.payload, { requireUUID: false });
        const decoded = parsed.ok ? decodePeerPayload(parsed.msg, this.#key) : parsed;
        if (!decoded.ok) {
          this.#log.warn({ peer: msg.uuid, error: decoded.error }, "malformed peer message dropped");
          return;
        }
        this.#serially(() => this.#dispatch(msg.uuid, decoded.msg, "bus"));
      }
    }
  }

  #serially(job: () => Promise<void> | void): void {
    this.#signaling = this.#signaling.then(job).catch((err: unknown) => this.#log.error({ err }, "signaling step failed"));
  }

  /** One handler for socket and data-channel messages (spec §4.3: the same shapes on both). */
  async #dispatch(uuid: string, msg: DecodedPeerMessage, via: Via): Promise<void> {
    if (this.#ending) return;
    const current = this.#session?.id;
    // On the DC a message without `session` belongs to that connection (SDK form, spec §2.4).
    const session: SessionId | undefined = via === "dc" && msg.session === undefined ? current?.session : msg.session;
    const log = this.#log.child({ peer: uuid });
    switch (msg.kind) {
      case "description":
        if (session === undefined) return log.warn("offer without session dropped");
        return this.#offer({ uuid, session }, msg.description, msg.screen);
      case "candidates": {
        if (msg.direction === "remote") return log.debug("ICE addressed to a publisher dropped");
        const verdict = decideIce(current, uuid, session);
        if (verdict === "apply") await this.#session?.addCandidates(msg.candidates);
        else if (verdict === "queue") this.#pendingIce.push(uuid, session, msg.candidates);
        else log.debug({ session }, "ICE of another session dropped");
        return;
      }
      case "bye":
      case "hangup":
      case "cleanup":
        if (current && current.uuid !== uuid) return log.debug({ kind: msg.kind }, "bye from a peer we are not connected to");
        void this.#end(EndReason.bye, `${msg.kind} via ${via}`);
        return;
      case "ping":
        if (via === "dc") this.#session?.sendOnDataChannel(pongMessage(msg.value));
        else this.#publish({ type: "peer", uuid, payload: { UUID: uuid, ...pongMessage(msg.value) } });
        return;
      case "pong":
        this.#session?.pong(msg.value);
        return;
      case "info":
        if (msg.label !== undefined && msg.label !== this.#label) {
          this.#label = msg.label;
          // The label arrives on the data channel, after the offer created the recorder with the
          // label known then (none on a first connection): without this the sidecars, and so the
          // status of a stream that left (read from its newest sidecar), would never carry it.
          this.#session?.recorder.setLabel(msg.label);
          log.info({ publisher: { label: msg.label } }, "publisher info");
        }
        return;
      default:
        log.debug({ kind: msg.kind }, "peer message ignored");
    }
  }

  async #offer(id: ConnectionId, description: SessionDescription, screen: readonly number[] | undefined): Promise<void> {
    const decision = decideOffer(this.#session?.id, id);
    if (decision === "rebuild") {
      this.#log.info({ peer: id.uuid, session: id.session, old: this.#session?.id }, "publisher rebuilt its connection: new peer connection, new file");
      await this.#retireSession();
    }
    if (decision !== "renegotiate") {
      const started = await this.#startSession(id);
      if (!started) return;
    }
    const s = this.#session;
    if (!s || this.#ending) return;
    if (!s.connected) this.#phase = WorkerState.connecting;
    await s.applyOffer(description, screen);
    const early = this.#pendingIce.take(id.uuid, id.session);
    if (early.length > 0) await s.addCandidates(early);
  }

  async #startSession(id: ConnectionId): Promise<boolean> {
    const log = this.#log.child({ peer: id.uuid });
    let recorder;
    try {
      recorder = await this.#createRecorder({
        dir: join(this.#config.output.outDir, this.#config.roomDir, this.#config.stream.key),
        sidecar: { room: this.#config.roomDir, streamId: this.#config.stream.streamId, peerUuid: id.uuid, ...(this.#label !== undefined ? { label: this.#label } : {}) },
        segmentSeconds: this.#config.output.segmentSeconds,
        segmentBytes: this.#config.output.segmentBytes,
        maxDurationSeconds: this.#config.output.maxDurationSeconds,
        requestKeyframe: (trackId) => this.#session?.requestKeyframe(trackId),
        onEvent: (e) => this.#onRecorderEvent(e),
      });
    } catch (err) {
      log.error({ err }, "cannot create the recorder");
      void this.#end(EndReason.error, "recorder creation failed");
      return false;
    }
    if (this.#ending) {
      await recorder.close();
      return false;
    }
    // The publisher offered (after our request, or on her own): no request pending any more.
    clearTimeout(this.#askTimer);
    this.#lastPeer = id.uuid;
    let connectedAt: number | undefined;
    const session: PeerSession = new PeerSession({
      id,
      config: this.#config,
      key: this.#key,
      recorder,
      metrics: this.metrics,
      log,
      sendViaBus: (payload: Json) => this.#publish({ type: "peer", uuid: id.uuid, payload }),
      onDataChannelMessage: (msg) => this.#serially(() => this.#dispatch(id.uuid, msg, "dc")),
      onConnected: () => {
        connectedAt = Date.now();
        this.#phase = WorkerState.recording;
        this.#publish({ type: "connected", key: this.#config.stream.key, instance: this.instance, uuid: id.uuid });
        this.#iceFailure = undefined;
        log.info({ icePair: session.ice.selectedPair() }, "peer connection connected");
      },
      onLost: (why) => {
        const lostAt = Date.now();
        log.info({ why }, "publisher lost");
        setTimeout(() => this.#serially(() => {
          if (this.#session === session) return this.#connectionLost(why, connectedAt === undefined ? undefined : lostAt - connectedAt);
        }), REBUILD_GRACE_MS);
      },
      onRecorderEvent: (e) => this.#onRecorderEvent(e),
    });
    this.#session = session;
    return true;
  }

  #onRecorderEvent(e: RecorderEvent): void {
    this.#session?.recorderEvent(e);
    if (e.type === "max-duration") void this.#end(EndReason.maxDuration, "max duration reached");
    else if (e.type === "disk-error") this.#log.error({ error: e.error }, "recorder disk error");
    else this.#log.info({ event: e }, "recorder event");
  }

  /**
   * The connection is lost and no rebuild replaced it, or our request for the stream brought no
   * offer. Unless the publisher said `bye` (that ends the worker at once), she may still be in
   * the room: ask for the stream again within the budget (lossPolicy.ts). When it is spent, a
   * streak that ended with no offer is a departure (`peer-lost`); one that ended with an offer
   * whose ICE never connected is not: she is still there, and the worker ends `ice-failed` so
   * that its supervisor retries with backoff (exitPolicy.ts EXIT_ICE_FAILED).
   */
  async #connectionLost(why: string, connectedForMs: number | undefined): Promise<void> {
    if (this.#ending) return;
    const failure = await this.#session?.ice.failure();
    if (this.#ending) return;
    if (failure) {
      this.#iceFailure = failure;
      this.metrics.iceFailed(failure.cause);
      this.#log.warn({ cause: failure.cause, detail: failure.detail }, `ICE failed: ${failure.cause}`);
    }
    const decision = afterLoss(this.#lossPolicy, { attempts: this.#lossAttempts, ...(connectedForMs !== undefined ? { connectedForMs } : {}) });
    if (decision.action === "end") {
      const reason = failure ? EndReason.iceFailed : EndReason.peerLost;
      this.#log.info({ why, attempts: decision.attempts }, `connection lost; asked for the stream again ${decision.attempts} times without a lasting connection: ending as ${reason}`);
      return this.#end(reason, failure ? `${failure.cause}: ${failure.detail}` : why);
    }
    this.#lossAttempts = decision.attempt;
    this.#phase = WorkerState.reconnecting;
    this.metrics.askedAgain();
    this.#log.info({ why, attempt: decision.attempt, of: decision.of, delayMs: decision.delayMs }, `connection lost; asking for the stream again (attempt ${decision.attempt} of ${decision.of})`);
    // Its file is final now; the next connection opens a new one, as a rebuild does.
    await this.#retireSession();
    clearTimeout(this.#askTimer);
    // Serialized with signaling: an offer the publisher made on her own meanwhile wins, and is
    // not replaced by the one our `play` would trigger.
    this.#askTimer = setTimeout(() => this.#serially(() => this.#askAgain()), decision.delayMs);
  }

  /** Tell the signaler we want a new `play`, and give the publisher `offerWaitMs` to offer. */
  #askAgain(): void {
    if (this.#ending || this.#session) return;
    this.#rearm += 1;
    this.#sayReady();
    this.#askTimer = setTimeout(() => this.#serially(() => {
      if (!this.#session) return this.#connectionLost("no offer after asking for the stream again", undefined);
    }), this.#lossPolicy.offerWaitMs);
  }

  /** Close the current connection and finalize its file; the worker goes on. */
  async #retireSession(): Promise<void> {
    const old = this.#session;
    this.#session = undefined;
    if (!old) return;
    await old.close();
    await old.recorder.close().catch((err: unknown) => this.#log.error({ err }, "recorder close failed"));
    this.#finished = addTotals(this.#finished, old.recorder.stats());
    this.#finishedFeedback = { nacks: this.#finishedFeedback.nacks + old.feedback.nacks, plis: this.#finishedFeedback.plis + old.feedback.plis };
  }

  async #end(reason: EndReason, detail: string): Promise<void> {
    if (this.#ending) return;
    this.#ending = true;
    this.#phase = WorkerState.ending;
    clearTimeout(this.#askTimer);
    const session = this.#session;
    this.#log.info({ reason, detail }, "worker ending");
    // We leave on our own (stop, max duration, …): say bye first (spec §8.5). Not after an ICE
    // failure: a new worker will ask her for the stream again.
    if (reason !== EndReason.bye && reason !== EndReason.peerLost && reason !== EndReason.iceFailed) session?.sayBye();
    clearInterval(this.#heartbeat);
    this.#sub.unsubscribe();
    try {
      if (session) await session.recorder.close();
    } catch (err) {
      this.#log.error({ err }, "recorder close failed");
    }
    this.metrics.ended(reason);
    // A worker that never owned the stream never said `ready`: its end is nobody's news
    // on the stream's subjects (listeners there need not filter by instance).
    if (this.#claim) {
      this.#beat();
      const uuid = session?.id.uuid ?? this.#lastPeer;
      this.#publish({ type: "ended", key: this.#config.stream.key, instance: this.instance, reason, ...(uuid !== undefined ? { uuid } : {}) });
      this.#claim.release();
    }
    await this.#bus.flush().catch((err: unknown) => this.#log.warn({ err }, "bus flush failed"));
    await session?.close();
    this.#resolveDone(reason);
  }

  #beat(): void {
    const now = Date.now();
    const stats = this.#session?.recorder.stats();
    const totals = addTotals(this.#finished, stats);
    this.metrics.recorder(totals);
    const hb = buildHeartbeat({
      key: this.#config.stream.key,
      instance: this.instance,
      phase: this.#phase,
      ...(this.#session ? { uuid: this.#session.id.uuid } : {}),
      ...(this.#label !== undefined ? { label: this.#label } : {}),
      ...(stats ? { stats } : {}),
      totals,
      bytesDelta: Math.max(0, totals.bytesWritten - this.#lastBeat.bytes),
      intervalMs: now - this.#lastBeat.at,
      nacks: this.#finishedFeedback.nacks + (this.#session?.feedback.nacks ?? 0),
      plis: this.#finishedFeedback.plis + (this.#session?.feedback.plis ?? 0),
      ...(this.#session?.connected ? { icePair: this.#session.ice.selectedPair() } : {}),
      ...(this.#iceFailure ? { iceFailure: this.#iceFailure } : {}),
      now,
    });
    this.#lastBeat = { at: now, bytes: totals.bytesWritten };
    this.#bus.publish(subjects.status(this.#config.scope, this.#config.stream.key), hb);
  }
}
