/**
 * Messages a recorder sends, shaped exactly as the browser sends them (spec §2.2, §2.4, §4),
 * so the same code works against wss.vdo.ninja. The publisher-side builders serve the test
 * publishers. Payloads are encrypted whenever a key is given (spec §3.5 recorder rule).
 */
import { encryptField, type PayloadKey } from "./crypto.ts";
import type { Json } from "./fields.ts";
import type { IceCandidate, IceDirection, SessionDescription } from "./peerMessages.ts";

/** Never `streamID` (that would publish, spec §6.7 F3) and never `claim` (spec §8.1). */
export function joinRoomMessage(roomid: string): Json {
  return { request: "joinroom", roomid };
}

/** `wireStreamId` is the socket form: base[0:44] + hash6 when a password is active. */
export function playMessage(wireStreamId: string): Json {
  return { request: "play", streamID: wireStreamId };
}

/** Publishers only (test publishers): announce a stream. */
export function seedMessage(wireStreamId: string): Json {
  return { request: "seed", streamID: wireStreamId };
}

function sealed(field: string, value: unknown, key: PayloadKey | undefined): Json {
  if (key === undefined) return { [field]: value };
  const { data, vector } = encryptField(value, key);
  return { [field]: data, vector };
}

export interface SdpMessageArgs {
  /** Target peer; omitted on the data channel. */
  readonly uuid?: string;
  /** Echo of the offer's session; `null` is echoed as null (Raspberry.Ninja). */
  readonly session: string | null;
  readonly description: SessionDescription;
  /** Publishers put their stream id on offers; a viewer's answer does not need it. */
  readonly streamID?: string;
  readonly key: PayloadKey | undefined;
}

/** An answer (viewer) or offer (publisher): `{UUID, session, description[, vector]}`. */
export function sdpMessage(a: SdpMessageArgs): Json {
  return {
    ...(a.uuid !== undefined ? { UUID: a.uuid } : {}),
    ...(a.streamID !== undefined ? { streamID: a.streamID } : {}),
    session: a.session,
    ...sealed("description", a.description, a.key),
  };
}

export interface IceMessageArgs {
  readonly uuid?: string;
  readonly session: string | null;
  readonly candidates: readonly IceCandidate[];
  /** A recorder always sends `remote` (viewer → publisher, spec §2.4). */
  readonly direction?: IceDirection;
  readonly key: PayloadKey | undefined;
}

/** One ICE bundle: `{UUID, type, session, candidates[, vector]}`. */
export function iceMessage(a: IceMessageArgs): Json {
  return {
    ...(a.uuid !== undefined ? { UUID: a.uuid } : {}),
    type: a.direction ?? "remote",
    session: a.session,
    ...sealed("candidates", a.candidates, a.key),
  };
}

export interface SettingsArgs {
  /** Shown to operators as who is watching (spec §8.3). */
  readonly label: string;
  readonly version?: string;
  readonly screenVideo: boolean;
  readonly screenAudio: boolean;
}

/**
 * The viewer's media request, sent on `sendChannel` open (spec §4.2): without it a browser
 * publisher never adds tracks. `allowchunked` must be false or video arrives as data.
 */
export function settingsMessage(a: SettingsArgs): Json {
  return {
    audio: true, video: true, broadcast: false,
    allowscreenaudio: a.screenAudio, allowscreenvideo: a.screenVideo,
    allowchunked: false, allowwebp: false, allowmeshcast: false, allowwhipout: false,
    allowmidi: false, allowdrawing: false, iframe: false, widget: false, downloads: false,
    guest: false, scene: false, director: false, limitaudio: false, forceios: false,
    info: { label: a.label, ...(a.version !== undefined ? { version: a.version } : {}) },
  };
}

export function pingMessage(value: unknown): Json {
  return { ping: value };
}

/** Reply to `{"ping":x}` with the same value (spec §4.4). */
export function pongMessage(value: unknown): Json {
  return { pong: value };
}

/** Sent on the DC before closing a connection (spec §8.5). */
export function byeMessage(): Json {
  return { bye: true };
}

/** Ask the publisher for a keyframe (spec §4.5), at file start and after loss. */
export function keyframeRequestMessage(): Json {
  return { keyframe: true };
}
