/**
 * The operator-facing hint when nothing can be recorded, pure. A wrong password cannot be
 * seen directly: the room id is a hash of room + password + salt (spec §3.4), so a wrong
 * password joins a different, empty room. What we can see: a room that stays empty, and
 * stream ids hashed with another password (same room id only if the salt matched by chance,
 * or a publisher without a password in a room with one).
 */
export interface RoomFacts {
  readonly joined: boolean;
  readonly streams: number;
  /** Stream ids that carry another password's hash suffix. */
  readonly foreign: number;
  readonly secondsJoined: number;
}

/** After this long in an empty room, say why it may be empty. */
export const EMPTY_ROOM_NOTICE_SECONDS = 30;

export function roomNotice(f: RoomFacts): string | undefined {
  if (f.foreign > 0 && f.streams === 0) {
    return `no stream could be decrypted with this password: ${f.foreign} stream(s) in the room use another password or salt (check --password/--salt)`;
  }
  if (f.joined && f.streams === 0 && f.secondsJoined >= EMPTY_ROOM_NOTICE_SECONDS) {
    return "no publisher in this room yet; a wrong --password or --salt joins a different, empty room";
  }
  return undefined;
}
