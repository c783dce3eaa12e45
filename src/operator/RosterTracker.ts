/**
 * The operator's view of each recording's room, learned over the bus (design.md "How the roles
 * meet"): the roster from the signaler (snapshot on request, then joined/left/signaling events)
 * and the workers' heartbeats. Everything received is parsed at this edge; anything malformed is
 * logged and dropped. `onChange` tells the controller which recording to reconcile.
 */
import type { Bus, Subscription } from "../bus/Bus.ts";
import { parseHeartbeat, parseRosterEvent, type RosterEvent, type SignalingState, type StreamInfo } from "../bus/messages.ts";
import { subjects, type SubjectScope } from "../bus/subjects.ts";
import type { Logger } from "../observability/logger.ts";
import type { Roster } from "./reconcile.ts";
import type { HeartbeatSeen } from "./status.ts";

/** Ask the signaler for a snapshot this often until it answers, and as a periodic resync. */
export const ROSTER_RETRY_MS = 3_000;
export const ROSTER_RESYNC_MS = 30_000;
/** Heartbeats only move bytes and times: reconcile for them at most this often per recording. */
export const HEARTBEAT_RECONCILE_MS = 5_000;
/** Heartbeats of streams that left are dropped at the next resync after this long. */
export const HEARTBEAT_KEEP_MS = 120_000;
/** A hostile or buggy room cannot grow our memory without bound. */
export const MAX_STREAMS_PER_RECORDING = 1_000;

export type ChangeKind = "roster" | "heartbeat";

interface Tracked {
  readonly scope: SubjectScope;
  readonly subs: Subscription[];
  streams: Map<string, StreamInfo>;
  signaling?: SignalingState;
  readonly heartbeats: Map<string, HeartbeatSeen>;
  timer?: NodeJS.Timeout;
  lastHeartbeatNotice: number;
}

export class RosterTracker {
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #onChange: (key: string, kind: ChangeKind) => void;
  readonly #tracked = new Map<string, Tracked>();

  constructor(bus: Bus, log: Logger, onChange: (key: string, kind: ChangeKind) => void) {
    this.#bus = bus;
    this.#log = log.child({ component: "roster-tracker" });
    this.#onChange = onChange;
  }

  /** Start following a recording (idempotent). `key` is `namespace/name`. */
  track(key: string, scope: SubjectScope): void {
    if (this.#tracked.has(key)) return;
    const t: Tracked = { scope, subs: [], streams: new Map(), heartbeats: new Map(), lastHeartbeatNotice: 0 };
    this.#tracked.set(key, t);
    t.subs.push(this.#bus.subscribe(subjects.roster(scope), (m) => this.#onRoster(key, t, parseRosterEvent(m.data), m.subject)));
    t.subs.push(this.#bus.subscribe(subjects.allStatus(scope), (m) => this.#onHeartbeat(key, t, m.data, m.subject)));
    void this.#requestSnapshot(key, t);
  }

  untrack(key: string): void {
    const t = this.#tracked.get(key);
    if (!t) return;
    this.#tracked.delete(key);
    clearTimeout(t.timer);
    for (const s of t.subs) s.unsubscribe();
  }

  roster(key: string): Roster | undefined {
    const t = this.#tracked.get(key);
    return t?.signaling === undefined ? undefined : { signaling: t.signaling, streams: [...t.streams.values()] };
  }

  heartbeats(key: string): ReadonlyMap<string, HeartbeatSeen> {
    return this.#tracked.get(key)?.heartbeats ?? new Map();
  }

  close(): void {
    for (const key of [...this.#tracked.keys()]) this.untrack(key);
  }

  async #requestSnapshot(key: string, t: Tracked): Promise<void> {
    let answered = false;
    try {
      const reply = await this.#bus.request(subjects.rosterGet(t.scope), {}, { timeoutMs: 2_000 });
      const ev = parseRosterEvent(reply);
      if (ev?.type === "snapshot") {
        answered = true;
        this.#onRoster(key, t, ev, "roster.get reply");
      } else this.#log.warn({ recording: key }, "dropped a malformed roster snapshot reply");
    } catch {
      // No signaler yet (its pod may be starting): ask again soon.
    }
    if (this.#tracked.get(key) !== t) return;
    t.timer = setTimeout(() => void this.#requestSnapshot(key, t), answered ? ROSTER_RESYNC_MS : ROSTER_RETRY_MS);
    t.timer.unref();
  }

  #onRoster(key: string, t: Tracked, ev: RosterEvent | undefined, subject: string): void {
    if (!ev) {
      this.#log.warn({ recording: key, subject }, "dropped a malformed roster event");
      return;
    }
    switch (ev.type) {
      case "snapshot":
        t.streams = new Map(ev.streams.slice(0, MAX_STREAMS_PER_RECORDING).map((s) => [s.key, s]));
        for (const [k, hb] of t.heartbeats) if (!t.streams.has(k) && Date.now() - hb.receivedAt > HEARTBEAT_KEEP_MS) t.heartbeats.delete(k);
        t.signaling = ev.signaling;
        break;
      case "joined":
        if (t.streams.size >= MAX_STREAMS_PER_RECORDING && !t.streams.has(ev.stream.key)) {
          this.#log.warn({ recording: key, limit: MAX_STREAMS_PER_RECORDING }, "roster full: ignoring a joined stream");
          return;
        }
        t.streams.set(ev.stream.key, ev.stream);
        break;
      case "left":
        // Only the publisher that joined can leave: a late "left" of an old peer keeps a rejoin.
        // Its last heartbeat stays a while: it names the file FileFinalized reports.
        if (t.streams.get(ev.key)?.uuid === ev.uuid) t.streams.delete(ev.key);
        break;
      case "signaling":
        t.signaling = ev.state;
        break;
    }
    this.#onChange(key, "roster");
  }

  #onHeartbeat(key: string, t: Tracked, data: unknown, subject: string): void {
    const hb = parseHeartbeat(data);
    if (!hb || subject !== subjects.status(t.scope, hb.key)) {
      this.#log.warn({ recording: key, subject }, "dropped a malformed heartbeat");
      return;
    }
    if (!t.heartbeats.has(hb.key) && t.heartbeats.size >= MAX_STREAMS_PER_RECORDING) return;
    const previous = t.heartbeats.get(hb.key)?.heartbeat;
    const now = Date.now();
    t.heartbeats.set(hb.key, { heartbeat: hb, receivedAt: now });
    // A state change (recording, stalled…) is an edge worth reconciling at once; bytes are not.
    if (previous?.state !== hb.state || now - t.lastHeartbeatNotice >= HEARTBEAT_RECONCILE_MS) {
      t.lastHeartbeatNotice = now;
      this.#onChange(key, "heartbeat");
    }
  }
}
