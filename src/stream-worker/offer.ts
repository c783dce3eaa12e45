import type { TrackKind, TrackRole } from "../media/types.ts";

/**
 * What an offer asks for, read from its SDP (pure). A browser's first offer is data-channel-only
 * (spec §2.5); SDK and Raspberry.Ninja publishers put media in the first offer. Screen-share
 * senders are listed by index in the offer's `screen` array (spec §4.7).
 */
export interface MediaSection {
  readonly kind: TrackKind;
  readonly mid: string | undefined;
  /** Index among the audio/video sections, in SDP order: the publisher's sender index. */
  readonly senderIndex: number;
  /** Port 0: rejected or bundle-only (notes/werift.md §1: werift treats both as rejected). */
  readonly portZero: boolean;
}

export interface OfferShape {
  readonly media: readonly MediaSection[];
  readonly dataChannel: boolean;
}

export const MAX_SDP_LENGTH = 64 * 1024;

export function describeOffer(sdp: string): OfferShape {
  const media: MediaSection[] = [];
  let dataChannel = false;
  let current: { kind: TrackKind; mid: string | undefined; portZero: boolean } | undefined;
  const close = () => {
    if (current) media.push({ ...current, senderIndex: media.length });
    current = undefined;
  };
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^m=(\w+) (\d+)/.exec(line);
    if (m) {
      close();
      if (m[1] === "audio" || m[1] === "video") current = { kind: m[1], mid: undefined, portZero: m[2] === "0" };
      else if (m[1] === "application") dataChannel = true;
      continue;
    }
    const mid = /^a=mid:(\S+)/.exec(line);
    if (mid && current) current.mid = mid[1];
  }
  close();
  return { media, dataChannel };
}

export function hasMedia(shape: OfferShape): boolean {
  return shape.media.some((s) => !s.portZero);
}

/** `screen` is stranger input: anything but an array of small integers means "no screen share". */
export function parseScreenIndexes(value: unknown): ReadonlySet<number> {
  if (!Array.isArray(value)) return new Set();
  return new Set(value.filter((v): v is number => Number.isInteger(v) && v >= 0 && v < 64));
}

/**
 * Role of the track on `mid`: `screen` when its sender index is in the offer's `screen` list,
 * or when it is a second video (or audio) section with no list (a second camera is rare; a
 * screen share is the common reason for an extra track).
 */
export function roleOf(shape: OfferShape, mid: string | undefined, screen: ReadonlySet<number>): TrackRole {
  const section = shape.media.find((s) => s.mid !== undefined && s.mid === mid);
  if (!section) return "camera";
  if (screen.size > 0) return screen.has(section.senderIndex) ? "screen" : "camera";
  const firstOfKind = shape.media.find((s) => s.kind === section.kind);
  return firstOfKind === section ? "camera" : "screen";
}
