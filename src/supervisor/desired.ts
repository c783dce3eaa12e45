/**
 * Desired state, pure (style.md §5): one worker per live stream that passes the filters,
 * except a (stream, publisher UUID) whose worker already ended cleanly. A stream that comes
 * back under a new UUID is wanted again (design "Data flow" step 7).
 */
import type { StreamInfo } from "../bus/messages.ts";

/** The identity of one publisher connection of a stream. */
export function finishedId(key: string, uuid: string): string {
  return `${key}\u0000${uuid}`;
}

export function wantedWorkers(
  roster: Iterable<StreamInfo>,
  accept: (baseStreamId: string) => boolean,
  finished: ReadonlySet<string>,
): Map<string, StreamInfo> {
  const wanted = new Map<string, StreamInfo>();
  for (const stream of roster) {
    if (!accept(stream.streamId)) continue;
    if (finished.has(finishedId(stream.key, stream.uuid))) continue;
    wanted.set(stream.key, stream);
  }
  return wanted;
}
