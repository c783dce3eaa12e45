/**
 * What one peer connection's ICE did, for the worker's reports (issue 12): the candidate types
 * werift gathered, whether a pair ever connected, which pair carries the media, and, when none
 * did, why (iceFailure.ts). The pair is read from werift's ICE transport, so tests and operators
 * see the path the media takes (host, srflx/prflx through a NAT, relay through TURN) instead of
 * inferring it from success.
 */
import type { RTCPeerConnection } from "werift";
import type { IceServerConfig } from "../config/types.ts";
import type { CandidateType, IceFailure, SelectedPair } from "../bus/messages.ts";
import { candidateEndpoint, candidateType, classifyIceFailure } from "./iceFailure.ts";
import { probeTurn, type TurnProbeResult } from "./turnProbe.ts";

export class IceObserver {
  readonly #pc: RTCPeerConnection;
  /** The TURN server werift was given (peerConfig.ts selectIceServers), if any. */
  readonly #turn: IceServerConfig | undefined;
  readonly #probe: (server: IceServerConfig) => Promise<TurnProbeResult>;
  readonly #gathered: CandidateType[] = [];
  #remote = 0;
  #connected = false;

  constructor(pc: RTCPeerConnection, turn: IceServerConfig | undefined, probe: (server: IceServerConfig) => Promise<TurnProbeResult> = probeTurn) {
    this.#pc = pc;
    this.#turn = turn;
    this.#probe = probe;
    pc.iceConnectionStateChange.subscribe((state) => {
      // Only "connected" proves a pair: werift reports "completed" when gathering ends, before any check.
      if (state === "connected") this.#connected = true;
    });
  }

  localCandidate(line: string): void {
    const type = candidateType(line);
    if (type) this.#gathered.push(type);
  }

  /** Remote candidates: those inside an offer's SDP and those trickled later. */
  remoteCandidates(n: number): void {
    this.#remote += n;
  }

  get everConnected(): boolean {
    return this.#connected;
  }

  /** The nominated pair now, or undefined before one is. */
  selectedPair(): SelectedPair | undefined {
    const pair = this.#pc.iceTransports[0]?.getSelectedCandidatePair();
    if (!pair) return undefined;
    const local = pair.local.candidate;
    const remote = pair.remote.candidate;
    const localType = candidateType(local);
    const remoteType = candidateType(remote);
    const l = candidateEndpoint(local);
    const r = candidateEndpoint(remote);
    if (!localType || !remoteType || !l || !r) return undefined;
    return { local: localType, remote: remoteType, protocol: l.protocol, localAddress: l.address, remoteAddress: r.address };
  }

  /**
   * Why no pair connected, or undefined if one did (a connection lost after that is not an ICE
   * failure). Probes the TURN server only when it gave no relay candidate; never throws.
   */
  async failure(): Promise<IceFailure | undefined> {
    if (this.#connected) return undefined;
    const relayGathered = this.#gathered.includes("relay");
    const probe = this.#turn && !relayGathered ? await this.#probe(this.#turn) : undefined;
    return classifyIceFailure({
      turnConfigured: this.#turn !== undefined,
      relayGathered,
      gathered: this.#gathered,
      remoteCandidates: this.#remote,
      ...(probe ? { probe } : {}),
    });
  }
}
