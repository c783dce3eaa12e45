import type { Bus, Subscription } from "../bus/Bus.ts";
import { EndReason, parseHeartbeat, parseRosterEvent, type Heartbeat, type RosterEvent, type StreamInfo } from "../bus/messages.ts";
import { subjects, type SubjectScope } from "../bus/subjects.ts";
import type { WorkerConfig } from "../config/types.ts";
import type { Logger } from "../observability/logger.ts";
import { finishedId, wantedWorkers } from "./desired.ts";
import { classifyExit, DEFAULT_RESTART_POLICY, ExitVerdict, restartDelay, type RestartPolicy } from "./exitPolicy.ts";
import { SupervisorMetrics, SupervisorState } from "./SupervisorMetrics.ts";
import { transportBus, WorkerProcess, type WorkerCommand, type WorkerExit, type WorkerTransport } from "./WorkerProcess.ts";

export interface StreamStatus {
  readonly key: string;
  readonly streamId: string;
  readonly label?: string;
  /** The worker's own state from its last heartbeat, or the supervisor's view. */
  readonly state: string;
  readonly pid?: number;
  readonly restarts: number;
  /** Epoch ms its running worker started. */
  readonly since?: number;
  readonly heartbeat?: Heartbeat;
}

export interface LocalSupervisorOptions {
  /** The bus of the signaler and of the workers (the in-process hub, or NATS). */
  readonly transport: WorkerTransport;
  readonly scope: SubjectScope;
  readonly log: Logger;
  /** Decides on base stream ids (`--include/--exclude`). */
  readonly accept: (baseStreamId: string) => boolean;
  readonly workerConfig: (stream: StreamInfo) => WorkerConfig;
  readonly command?: WorkerCommand;
  /** Node flags for every worker (WorkerProcessOptions.execArgv). */
  readonly execArgv?: readonly string[];
  readonly restart?: RestartPolicy;
  /** How long `stop()` waits for workers to finalize before SIGKILL. @default 10000 */
  readonly stopGraceMs?: number;
}

interface Entry {
  /** The stream as the roster has it now (a re-seed moves it to a new publisher UUID). */
  stream: StreamInfo;
  proc?: WorkerProcess;
  /** The publisher UUID the running process was started for. */
  startedFor?: string;
  startedAt: number;
  restarts: number;
  attempt: number;
  timer?: NodeJS.Timeout;
  /** Supervisor state when no process runs. */
  state?: typeof SupervisorState.restarting | typeof SupervisorState.iceFailed | typeof SupervisorState.badConfig;
}

/**
 * The local supervisor (design "Deployments: Local"): one worker child process per wanted
 * stream, restarted with backoff when it crashes, never for a publisher connection that ended
 * cleanly; folds heartbeats into the status the CLI shows.
 */
export class LocalSupervisor {
  readonly metrics = new SupervisorMetrics(() => this.status());
  readonly #o: LocalSupervisorOptions;
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #roster = new Map<string, StreamInfo>();
  readonly #finished = new Set<string>();
  readonly #entries = new Map<string, Entry>();
  readonly #heartbeats = new Map<string, Heartbeat>();
  readonly #subs: Subscription[] = [];
  #stopping: Promise<void> | undefined;

  constructor(opts: LocalSupervisorOptions) {
    this.#o = opts;
    this.#bus = transportBus(opts.transport);
    this.#log = opts.log.child({ component: "supervisor" });
  }

  start(): void {
    const { scope } = this.#o;
    this.#subs.push(
      this.#bus.subscribe(subjects.roster(scope), (m) => {
        const ev = parseRosterEvent(m.data);
        if (ev) this.#onRoster(ev);
        else this.#log.warn({ subject: m.subject }, "malformed roster event dropped");
      }),
      this.#bus.subscribe(subjects.allStatus(scope), (m) => {
        const hb = parseHeartbeat(m.data);
        if (hb && m.subject === subjects.status(scope, hb.key)) this.#heartbeats.set(hb.key, hb);
      }),
    );
    // Whatever the signaler learned before we subscribed.
    this.#bus.request(subjects.rosterGet(scope), {}, { timeoutMs: 5000 }).then(
      (snap) => {
        const ev = parseRosterEvent(snap);
        if (ev) this.#onRoster(ev);
      },
      (err: unknown) => this.#log.debug({ err }, "no roster snapshot yet"),
    );
  }

  /** Streams and their workers, for the status table. */
  status(): StreamStatus[] {
    const keys = new Set([...this.#roster.keys(), ...this.#entries.keys()]);
    return [...keys].sort().map((key) => {
      const entry = this.#entries.get(key);
      const stream = entry?.stream ?? this.#roster.get(key)!;
      const hb = this.#heartbeats.get(key);
      const running = entry?.proc !== undefined;
      const label = hb?.label ?? stream.label;
      return {
        key,
        streamId: stream.streamId,
        ...(label !== undefined ? { label } : {}),
        state: running ? (hb?.state ?? "starting") : (entry?.state ?? (this.#finished.has(finishedId(key, stream.uuid)) ? SupervisorState.finished : SupervisorState.idle)),
        ...(entry?.proc?.pid !== undefined ? { pid: entry.proc.pid } : {}),
        ...(running ? { since: entry.startedAt } : {}),
        restarts: entry?.restarts ?? 0,
        ...(hb && running ? { heartbeat: hb } : {}),
      };
    });
  }

  /** The running worker of `key`, for tests that kill it. */
  workerForTesting(key: string): WorkerProcess | undefined {
    return this.#entries.get(key)?.proc;
  }

  /** Stop every worker (they finalize their files), bounded by `stopGraceMs`. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const s of this.#subs.splice(0)) s.unsubscribe();
      const grace = this.#o.stopGraceMs ?? 10_000;
      const running: Promise<WorkerExit>[] = [];
      for (const entry of this.#entries.values()) {
        clearTimeout(entry.timer);
        if (entry.proc) running.push(entry.proc.stop(EndReason.stopped, grace));
      }
      this.#log.info({ workers: running.length }, "stopping workers");
      await Promise.all(running);
    })();
    return this.#stopping;
  }

  #onRoster(ev: RosterEvent): void {
    switch (ev.type) {
      case "joined":
        this.#roster.set(ev.stream.key, ev.stream);
        break;
      case "left": {
        if (this.#roster.get(ev.key)?.uuid === ev.uuid) this.#roster.delete(ev.key);
        // A worker still waiting for a stream that is gone would wait forever.
        const entry = this.#entries.get(ev.key);
        if (entry?.proc && !this.#roster.has(ev.key) && this.#heartbeats.get(ev.key)?.state !== "recording") {
          void entry.proc.stop(EndReason.stopped, this.#o.stopGraceMs ?? 10_000);
        }
        break;
      }
      case "snapshot":
        for (const s of ev.streams) this.#roster.set(s.key, s);
        break;
      case "signaling":
        return;
    }
    this.#reconcile();
  }

  #reconcile(): void {
    if (this.#stopping) return;
    for (const [key, stream] of wantedWorkers(this.#roster.values(), this.#o.accept, this.#finished)) {
      const entry = this.#entries.get(key);
      if (!entry) {
        this.#start({ stream, startedAt: 0, restarts: 0, attempt: 0 });
      } else if (entry.stream.uuid !== stream.uuid && entry.state !== SupervisorState.badConfig) {
        entry.stream = stream;
      }
    }
  }

  #start(entry: Entry): void {
    const key = entry.stream.key;
    this.#entries.set(key, entry);
    entry.state = undefined;
    entry.startedAt = Date.now();
    entry.startedFor = entry.stream.uuid;
    const { transport, log, command, execArgv } = this.#o;
    const proc = new WorkerProcess({ transport, config: this.#o.workerConfig(entry.stream), log, ...(command ? { command } : {}), ...(execArgv ? { execArgv } : {}) });
    entry.proc = proc;
    this.#heartbeats.delete(key);
    this.#log.info({ stream: key, pid: proc.pid, restarts: entry.restarts }, "worker started");
    void proc.ready().then((ok) => ok && this.#log.info({ stream: key, pid: proc.pid }, "worker ready"));
    void proc.done().then((exit) => this.#onExit(entry, proc, exit));
  }

  #onExit(entry: Entry, proc: WorkerProcess, exit: WorkerExit): void {
    if (entry.proc !== proc) return;
    entry.proc = undefined;
    const key = entry.stream.key;
    const verdict = classifyExit(exit);
    const log = this.#log.child({ stream: key, pid: proc.pid });
    this.metrics.exited(verdict);
    if (this.#stopping) {
      log.info({ code: exit.code, signal: exit.signal, reason: exit.reason }, "worker exited");
      this.#entries.delete(key);
      return;
    }
    switch (verdict) {
      case ExitVerdict.finished:
      case ExitVerdict.duplicate:
        log.info({ verdict, reason: exit.reason, peer: exit.uuid }, "worker finished");
        // Finished is the connection this process was started for, not the roster's current
        // UUID: a stream re-seeded under a new UUID while its old worker ran (superseded) is
        // wanted again, and #reconcile below starts its worker.
        this.#finished.add(finishedId(key, entry.startedFor ?? entry.stream.uuid));
        if (exit.uuid !== undefined) this.#finished.add(finishedId(key, exit.uuid));
        this.#entries.delete(key);
        this.#reconcile();
        return;
      case ExitVerdict.badConfig:
        log.error({ code: exit.code }, "worker rejected its config: not restarting");
        entry.state = SupervisorState.badConfig;
        return;
      // The publisher is still in the room (she offered) but no ICE pair connected: the same
      // backoff as a crash, so a TURN server that comes back is used within 30 s.
      case ExitVerdict.iceFailed:
      case ExitVerdict.crashed: {
        if (Date.now() - entry.startedAt >= (this.#o.restart ?? DEFAULT_RESTART_POLICY).healthyMs) entry.attempt = 0;
        const delay = restartDelay(this.#o.restart ?? DEFAULT_RESTART_POLICY, entry.attempt++);
        entry.restarts += 1;
        this.metrics.restarted();
        const iceFailure = verdict === ExitVerdict.iceFailed ? this.#heartbeats.get(key)?.iceFailure : undefined;
        entry.state = verdict === ExitVerdict.iceFailed ? SupervisorState.iceFailed : SupervisorState.restarting;
        if (verdict === ExitVerdict.iceFailed) log.warn({ cause: iceFailure?.cause, detail: iceFailure?.detail, delayMs: delay, restarts: entry.restarts }, "worker found no ICE path to the publisher: retrying");
        else log.warn({ code: exit.code, signal: exit.signal, delayMs: delay, restarts: entry.restarts }, "worker crashed: restarting");
        entry.timer = setTimeout(() => {
          entry.timer = undefined;
          const wanted = wantedWorkers(this.#roster.values(), this.#o.accept, this.#finished).get(key);
          if (this.#stopping) return;
          if (wanted) this.#start({ ...entry, stream: wanted });
          else this.#entries.delete(key);
        }, delay);
        return;
      }
    }
  }
}
