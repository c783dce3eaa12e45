/**
 * The room roster as a pure fold (style.md §5): what the handshake server told us about
 * publishers, and what workers told us about departures, in → the live streams and the
 * changes to announce on the bus, out. Keyed by stream key (`streamKey(baseId)`), because a
 * stream keeps its key across publisher reconnects while its UUID changes (spec §1.4).
 */
import { streamKey } from "../bus/subjects.ts";
import type { StreamInfo } from "../bus/messages.ts";
import { baseStreamId, streamHashSuffix } from "../protocol/hash.ts";

export interface RosterConfig {
  readonly password: string | false;
  readonly salt: string;
  /** Decides on the base stream id; excluded streams are never announced. @default all */
  readonly accept?: (baseStreamId: string) => boolean;
}

export interface Roster {
  /** Live streams by key. */
  readonly streams: ReadonlyMap<string, StreamInfo>;
}

export const EMPTY_ROSTER: Roster = { streams: new Map() };

export interface Announcement {
  readonly uuid: string;
  /** As on the socket: hash-suffixed when a password is active. */
  readonly wireId: string;
}

export type RosterInput =
  /**
   * `listing` (or `transferred`): the room as the server sees it now. Streams missing from it
   * leave, except those `keep` vouches for (a worker still connected peer-to-peer: the
   * publisher's socket may be gone while its media still flows, spec §1.4).
   */
  | { readonly kind: "listing"; readonly members: readonly Announcement[]; readonly keep: (key: string) => boolean }
  /**
   * `videoaddedtoroom`, `someonejoined` with a streamID, fan-out `joinroom`/`seed` broadcasts,
   * or an offer with a streamID from a UUID we did not know (the stream moved, spec §2.6).
   */
  | { readonly kind: "announce"; readonly member: Announcement }
  /** A worker ended for a leaving reason (the server never announces departures, spec §2.3). */
  | { readonly kind: "departed"; readonly key: string; readonly uuid?: string; readonly reason: string };

export type RosterChange =
  /** `replaced` is the entry this one took over from (same stream, another UUID). */
  | { readonly type: "joined"; readonly stream: StreamInfo; readonly replaced?: StreamInfo }
  | { readonly type: "left"; readonly key: string; readonly uuid: string; readonly reason: string }
  /** Not recordable by us: hashed with another password/salt (spec §3.4), or filtered out. */
  | { readonly type: "ignored"; readonly wireId: string; readonly reason: IgnoreReason };

export const IgnoreReason = {
  /** The id does not end in our hash suffix: a publisher with another password or salt. */
  foreignHash: "foreign-hash",
  filtered: "filtered",
} as const;
export type IgnoreReason = (typeof IgnoreReason)[keyof typeof IgnoreReason];

/** Left reason for a stream absent from a fresh listing. */
export const ABSENT_FROM_LISTING = "absent-from-listing";

export interface FoldResult {
  readonly roster: Roster;
  readonly changes: readonly RosterChange[];
}

/** How an announced wire id maps to a stream, or why it is not one of ours. */
export function describeStream(member: Announcement, cfg: RosterConfig): StreamInfo | IgnoreReason {
  const suffix = streamHashSuffix(cfg.password, cfg.salt);
  if (suffix !== "" && (member.wireId.length <= suffix.length || !member.wireId.endsWith(suffix))) return IgnoreReason.foreignHash;
  const base = baseStreamId(member.wireId, cfg.password, cfg.salt);
  if (cfg.accept && !cfg.accept(base)) return IgnoreReason.filtered;
  return { key: streamKey(base), streamId: base, wireId: member.wireId, uuid: member.uuid };
}

export function keyOfUuid(roster: Roster, uuid: string): string | undefined {
  for (const s of roster.streams.values()) if (s.uuid === uuid) return s.key;
  return undefined;
}

export function foldRoster(roster: Roster, input: RosterInput, cfg: RosterConfig): FoldResult {
  switch (input.kind) {
    case "announce":
      return announce(roster, [input.member], cfg);
    case "listing": {
      const { roster: next, changes } = announce(roster, input.members, cfg);
      const listed = new Set(input.members.map((m) => m.uuid));
      const streams = new Map(next.streams);
      const left: RosterChange[] = [];
      for (const s of next.streams.values()) {
        if (listed.has(s.uuid) || input.keep(s.key)) continue;
        streams.delete(s.key);
        left.push({ type: "left", key: s.key, uuid: s.uuid, reason: ABSENT_FROM_LISTING });
      }
      return { roster: { streams }, changes: [...changes, ...left] };
    }
    case "departed": {
      const current = roster.streams.get(input.key);
      // A departure of an older UUID says nothing about the stream's current publisher.
      if (!current || (input.uuid !== undefined && input.uuid !== current.uuid)) return { roster, changes: [] };
      const streams = new Map(roster.streams);
      streams.delete(input.key);
      return { roster: { streams }, changes: [{ type: "left", key: input.key, uuid: current.uuid, reason: input.reason }] };
    }
  }
}

function announce(roster: Roster, members: readonly Announcement[], cfg: RosterConfig): FoldResult {
  let streams: Map<string, StreamInfo> | undefined;
  const changes: RosterChange[] = [];
  for (const member of members) {
    const info = describeStream(member, cfg);
    if (typeof info === "string") {
      changes.push({ type: "ignored", wireId: member.wireId, reason: info });
      continue;
    }
    const current = (streams ?? roster.streams).get(info.key);
    if (current?.uuid === info.uuid) continue;
    streams ??= new Map(roster.streams);
    const stream = current?.label !== undefined ? { ...info, label: current.label } : info;
    streams.set(info.key, stream);
    changes.push(current ? { type: "joined", stream, replaced: current } : { type: "joined", stream });
  }
  return { roster: streams ? { streams } : roster, changes };
}
