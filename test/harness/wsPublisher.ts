/**
 * A publisher at the WebSocket level only (no WebRTC): joins a room the way the browser does
 * (joinroom, then seed after the listing, spec Appendix C) and records what the server sends,
 * so signaling tests can see `offerSDP` (= someone played us) and send offers by hand.
 */
import { roomId, wireStreamId } from "../../src/protocol/hash.ts";
import { normalizePassword } from "../../src/protocol/sanitize.ts";
import { connectRelayClient, type RelayClient } from "./relay.ts";

export interface WsPublisher {
  readonly client: RelayClient;
  readonly wireId: string;
  /** UUIDs that asked us to offer (`offerSDP`), in order: one per `play` routed to us. */
  offerRequests(): string[];
  /** A directed message to `uuid` (the server rewrites `UUID` to ours). */
  sendTo(uuid: string, msg: Record<string, unknown>): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startWsPublisher(url: string, opts: { room: string; streamId: string; password?: string | false; salt?: string; seed?: boolean }): Promise<WsPublisher> {
  const password = normalizePassword(opts.password);
  const salt = opts.salt ?? "vdo.ninja";
  const client = await connectRelayClient(url);
  client.send({ request: "joinroom", roomid: roomId(opts.room, password, salt) });
  await client.next((m) => m.request === "listing", "listing");
  const wireId = wireStreamId(opts.streamId, password, salt);
  if (opts.seed !== false) client.send({ request: "seed", streamID: wireId });
  await client.barrier();
  return {
    client,
    wireId,
    offerRequests: () => client.received.filter((m) => m.request === "offerSDP").map((m) => String(m.UUID)),
    sendTo: (uuid, msg) => client.send({ ...msg, UUID: uuid }),
    close: () => client.close(),
    [Symbol.asyncDispose]: () => client.close(),
  };
}
