/**
 * Client → server commands (spec §2.2), as a handshake server reads them. Ids are trimmed as the
 * reference server does (`vdoninja_advanced.js` readId); an empty id makes the command a no-op.
 */
import { attempt, expectObject, Invalid, LIMITS, type Parsed } from "./fields.ts";

export type ClientRequest =
  | { readonly kind: "joinroom"; readonly roomid: string; readonly claim: boolean; readonly streamID?: string }
  | { readonly kind: "seed"; readonly streamID: string }
  | { readonly kind: "play"; readonly streamID: string }
  | { readonly kind: "migrate"; readonly target: string; readonly roomid: string }
  | { readonly kind: "ping" }
  | { readonly kind: "unknown"; readonly request: string };

/** A trimmed id, "" when absent or not a string (the reference server ignores such commands). */
function readId(v: unknown, what: string): string {
  if (typeof v !== "string") return "";
  const id = v.trim();
  if (id.length > LIMITS.idChars) throw new Invalid(`${what} is longer than ${LIMITS.idChars} chars`);
  return id;
}

export function parseClientRequest(value: unknown): Parsed<ClientRequest> {
  return attempt((): ClientRequest => {
    const m = expectObject(value, "message");
    if (typeof m.request !== "string") throw new Invalid("request is not a string");
    switch (m.request) {
      case "joinroom": {
        const streamID = readId(m.streamID, "streamID");
        return { kind: "joinroom", roomid: readId(m.roomid, "roomid"), claim: Boolean(m.claim), ...(streamID ? { streamID } : {}) };
      }
      case "seed":
        return { kind: "seed", streamID: readId(m.streamID, "streamID") };
      case "play":
        return { kind: "play", streamID: readId(m.streamID, "streamID") };
      case "migrate":
        return { kind: "migrate", target: readId(m.target, "target"), roomid: readId(m.roomid, "roomid") };
      case "ping":
        return { kind: "ping" };
      default:
        return { kind: "unknown", request: m.request.slice(0, 64) };
    }
  });
}
