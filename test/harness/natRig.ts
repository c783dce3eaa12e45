/**
 * One NAT scenario of infra/nat/ with real processes: coturn (TURN and STUN) and the handshake
 * relay on the public server's address, `room-recorder record` in the host's namespace (it
 * reaches the internet only through the node router's SNAT), and a werift publisher
 * (`room-recorder publish`) in a home LAN behind the chosen NAT. The test files using it run one
 * at a time (scripts/test.sh), so each brings the network up and tears it down itself.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCoturn, type Coturn } from "./coturn.ts";
import { natScript } from "./netns.ts";
import { startPublisherProcess, type PublisherProcess } from "./publisher.ts";
import { startRecorderProcess, type RecorderProcess } from "./recorder.ts";
import { startRelayProcess, type RelayProcess } from "./relay.ts";
import { waitFor } from "./wait.ts";
import { finalizedSegments } from "../interop/recordings.ts";

/** infra/nat/env.sh */
export const NAT = {
  publicIp: "198.51.100.10",
  publicIp2: "198.51.100.11",
  publicNs: "rrnat-public",
  home: { eim: "rrnat-home-eim", sym: "rrnat-home-sym" },
} as const;

export const STUN_URL = `stun:${NAT.publicIp}:3478`;
const ROOM = "natroom";

export interface NatRun {
  readonly outDir: string;
  readonly stream: string;
  readonly turn: Coturn;
  readonly recorder: RecorderProcess;
  readonly publisher: PublisherProcess;
  /** ms from the publisher's start to its first media for the recorder. */
  readonly mediaAfterMs: number;
}

export interface NatScenario {
  readonly home: keyof typeof NAT.home;
  /** `record` flags (ICE servers). */
  readonly recorderArgs: (turn: Coturn) => readonly string[];
  /** `publish --stun` URLs: a browser has STUN (VDO.Ninja's defaults). */
  readonly publisherStun: readonly string[];
  readonly seconds: number;
}

/**
 * Brings the network up, runs the scenario to a finalized file, and calls `check` with the run
 * before everything is stopped and the network torn down (also when something fails).
 */
export async function runNatScenario(s: NatScenario, check: (run: NatRun) => Promise<void>): Promise<void> {
  natScript("down.sh");
  natScript("up.sh");
  const outDir = await mkdtemp(join(tmpdir(), `rr-nat-${s.home}-`));
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const turn = await startCoturn({ netns: NAT.publicNs, listeningIps: [NAT.publicIp, NAT.publicIp2], relayIp: NAT.publicIp, port: 3478 });
    stops.push(() => turn.stop());
    const relay: RelayProcess = await startRelayProcess({ netns: NAT.publicNs, args: ["--host", NAT.publicIp] });
    stops.push(() => relay.stop());
    const recorder = startRecorderProcess({ server: relay.url, room: ROOM, outDir, args: s.recorderArgs(turn) });
    stops.push(() => recorder.stop());
    const stream = `nat_${s.home}`;
    const started = Date.now();
    const publisher = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: stream, netns: NAT.home[s.home], stun: s.publisherStun });
    stops.push(() => publisher.kill());
    const mediaAt = await publisher.mediaStarted(60_000).catch((err: Error) => {
      throw new Error(`${err.message}\nrecorder: ${recorder.stderr().slice(-5000)}\npublisher: ${publisher.stderr().slice(-2000)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, s.seconds * 1000));
    await publisher.stop();
    await waitFor(() => finalizedSegments(outDir, stream).length > 0, 30_000, `${stream} finalized`);
    await recorder.stop();
    await check({ outDir, stream, turn, recorder, publisher, mediaAfterMs: mediaAt - started });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rm(outDir, { recursive: true, force: true });
    natScript("down.sh");
  }
}
