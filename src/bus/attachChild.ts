import type { Logger } from "../observability/logger.ts";
import type { MemoryBus } from "./MemoryBus.ts";
import type { ParentFrame } from "./ipcFrames.ts";
import { parseChildFrame } from "./ipcFrames.ts";
import { subjectMatches } from "./subjects.ts";

/** The part of a `ChildProcess` spawned with an IPC channel that the relay uses. */
export interface IpcChild {
  readonly pid?: number | undefined;
  readonly connected: boolean;
  send(message: unknown, callback?: (err: Error | null) => void): boolean;
  on(event: "message", fn: (msg: unknown) => void): unknown;
  on(event: "exit" | "disconnect", fn: () => void): unknown;
  off(event: "message", fn: (msg: unknown) => void): unknown;
  off(event: "exit" | "disconnect", fn: () => void): unknown;
}

export interface AttachOptions {
  readonly log: Logger;
  /**
   * Subjects the child may publish to or subscribe to (patterns), e.g. its recording's
   * `subjects.everything(scope)`. Inboxes (`_INBOX.>`) are always allowed. @default all
   */
  readonly permit?: readonly string[];
  /** A child holding more subscriptions than this is misbehaving. @default 1000 */
  readonly maxSubscriptions?: number;
}

export interface ChildAttachment {
  /** Drop the child's subscriptions and stop listening to it. Idempotent. */
  detach(): void;
}

const INBOXES = "_INBOX.>";

/**
 * Parent side of the local bus: relays a child's frames into the hub and the hub's matching
 * messages back to the child. Frames that fail validation (shape, subject, size, permission)
 * are logged and dropped; the child's subscriptions vanish when it exits.
 */
export function attachChild(hub: MemoryBus, child: IpcChild, opts: AttachOptions): ChildAttachment {
  const log = opts.log;
  const maxSubs = opts.maxSubscriptions ?? 1000;
  const permit = opts.permit && [...opts.permit, INBOXES];
  const subs = new Map<number, () => void>();
  let detached = false;

  // A subscription pattern is allowed when every subject it can match is allowed: a
  // pattern-in-pattern check that is exact for our subjects, where wildcards stand in
  // whole tokens.
  const permitted = (subject: string): boolean => !permit || permit.some((p) => subjectMatches(p, subject));

  const relay = (sid: number) => (subject: string, data: string, reply: string | undefined): void => {
    if (!child.connected) return;
    const frame: ParentFrame = reply === undefined ? { bus: "msg", sid, subject, data } : { bus: "msg", sid, subject, data, reply };
    try {
      child.send(frame, (err) => {
        if (err) log.debug({ err, pid: child.pid, subject }, "bus: IPC send to child failed");
      });
    } catch (err) {
      log.debug({ err, pid: child.pid, subject }, "bus: IPC channel to child closed");
    }
  };

  const onMessage = (raw: unknown): void => {
    const { frame, reason } = parseChildFrame(raw);
    if (!frame) {
      log.warn({ pid: child.pid, reason }, "bus: dropped a malformed IPC frame from a child");
      return;
    }
    switch (frame.bus) {
      case "sub":
        if (!permitted(frame.subject)) return void log.warn({ pid: child.pid, subject: frame.subject }, "bus: child may not subscribe to this subject");
        if (subs.has(frame.sid)) return void log.warn({ pid: child.pid, sid: frame.sid }, "bus: child reused a subscription id");
        if (subs.size >= maxSubs) return void log.warn({ pid: child.pid, max: maxSubs }, "bus: child holds too many subscriptions");
        subs.set(frame.sid, hub.subscribeEncoded(frame.subject, relay(frame.sid)));
        return;
      case "unsub":
        subs.get(frame.sid)?.();
        subs.delete(frame.sid);
        return;
      case "pub":
        if (!permitted(frame.subject)) return void log.warn({ pid: child.pid, subject: frame.subject }, "bus: child may not publish to this subject");
        if (!isJson(frame.data)) return void log.warn({ pid: child.pid, subject: frame.subject }, "bus: dropped a child's payload that is not JSON");
        hub.publishEncoded(frame.subject, frame.data, frame.reply);
        return;
    }
  };

  const detach = (): void => {
    if (detached) return;
    detached = true;
    for (const stop of subs.values()) stop();
    subs.clear();
    child.off("message", onMessage);
    child.off("exit", detach);
    child.off("disconnect", detach);
  };

  child.on("message", onMessage);
  child.on("exit", detach);
  child.on("disconnect", detach);
  return { detach };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
