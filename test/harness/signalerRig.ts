/**
 * A signaler under test: real relay (in-process, for `dropAll()`), a MemoryBus, a Signaler for
 * room "myroom" with the default password, and the roster events it published.
 */
import { pino } from "pino";
import { MemoryBus } from "../../src/bus/MemoryBus.ts";
import { parseRosterEvent, type RosterEvent } from "../../src/bus/messages.ts";
import { subjects, type SubjectScope } from "../../src/bus/subjects.ts";
import type { RoomSettings } from "../../src/config/types.ts";
import { DEFAULT_PASSWORD, type Dialect } from "../../src/protocol/defaults.ts";
import { Signaler } from "../../src/signaler/Signaler.ts";
import { startRelay, type Relay } from "./relay.ts";

export interface SignalerRig {
  readonly relay: Relay;
  readonly bus: MemoryBus;
  readonly scope: SubjectScope;
  readonly signaler: Signaler;
  readonly events: RosterEvent[];
  readonly settings: RoomSettings;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const quiet = () => pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export async function startSignalerRig(opts: { dialect?: Dialect; relay?: Relay; password?: string | false; url?: string } = {}): Promise<SignalerRig> {
  const dialect = opts.dialect ?? "official";
  const relay = opts.relay ?? (await startRelay({ port: 0, dialect, log: quiet() }));
  const bus = new MemoryBus({ log: quiet() });
  const scope = { scope: "local", recording: "myroom" };
  const events: RosterEvent[] = [];
  bus.subscribe(subjects.roster(scope), (m) => {
    const ev = parseRosterEvent(m.data);
    if (ev) events.push(ev);
  });
  const settings: RoomSettings = { room: "myroom", password: opts.password ?? DEFAULT_PASSWORD, salt: "vdo.ninja", server: opts.url ?? relay.url, dialect };
  const signaler = new Signaler(bus, settings, scope, undefined, quiet());
  signaler.start();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await signaler.close();
      await bus.close();
      if (!opts.relay) await relay.close();
    })());
  return { relay, bus, scope, signaler, events, settings, stop, [Symbol.asyncDispose]: stop };
}

export function joinedKeys(events: readonly RosterEvent[]): string[] {
  return events.flatMap((e) => (e.type === "joined" ? [e.stream.key] : []));
}
