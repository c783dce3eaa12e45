/**
 * Why no ICE candidate pair succeeded, as one of three causes an operator can act on (issue 12;
 * the causes are part of the heartbeat, bus/messages.ts), and how to read candidate lines.
 * Pure: the worker gathers the facts (what werift gathered, a TURN probe) and this decides.
 *
 * werift swallows its TURN allocation errors (lib/ice/src/ice.js logs "query TURN server" under
 * DEBUG only), so "TURN is configured but no relay candidate came" is the only sign it gives;
 * the cause behind it is read from our own probe of the server (turnProbe.ts).
 */
import { IceFailureCause, type CandidateType, type IceFailure } from "../bus/messages.ts";
import type { TurnProbeResult } from "./turnProbe.ts";

export interface IceFacts {
  /** A TURN server was given to werift. */
  readonly turnConfigured: boolean;
  /** werift gathered at least one relay candidate. */
  readonly relayGathered: boolean;
  /** Local candidate types gathered, for the detail line. */
  readonly gathered: readonly CandidateType[];
  /** Remote candidates received from the publisher. */
  readonly remoteCandidates: number;
  /** The probe of the TURN server werift used; only needed when no relay candidate came. */
  readonly probe?: TurnProbeResult;
}

export function classifyIceFailure(f: IceFacts): IceFailure {
  const seen = `gathered ${summarize(f.gathered)}; ${f.remoteCandidates} remote candidate(s)`;
  if (f.turnConfigured && !f.relayGathered) {
    const probe = f.probe;
    if (probe?.outcome === "auth") return { cause: IceFailureCause.turnAuth, detail: `TURN server refused the credentials (${probe.code} ${probe.reason}); ${seen}` };
    const why = probe === undefined ? "not probed" : probe.outcome === "unreachable" ? probe.detail : probe.outcome === "ok" ? "it answers now, so it was unreachable while gathering" : `it answered ${probe.code} ${probe.reason}`;
    return { cause: IceFailureCause.turnUnreachable, detail: `no relay candidate from the TURN server (${why}); ${seen}` };
  }
  return { cause: IceFailureCause.timeout, detail: `no candidate pair succeeded; ${seen}` };
}

/** The `typ` of an SDP candidate line (`candidate:… typ relay raddr …`). */
export function candidateType(candidate: string): CandidateType | undefined {
  const m = / typ (host|srflx|prflx|relay)(?: |$)/.exec(candidate);
  return m ? (m[1] as CandidateType) : undefined;
}

/** `ip:port` and transport of an SDP candidate line: `foundation component transport priority ip port typ …`. */
export function candidateEndpoint(candidate: string): { readonly address: string; readonly protocol: string } | undefined {
  const parts = candidate.replace(/^candidate:/, "").split(" ");
  if (parts.length < 6) return undefined;
  return { address: `${parts[4]}:${parts[5]}`, protocol: parts[2]!.toLowerCase() };
}

function summarize(types: readonly CandidateType[]): string {
  if (types.length === 0) return "no candidate";
  const counts = new Map<CandidateType, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => `${n} ${t}`).join(", ");
}
