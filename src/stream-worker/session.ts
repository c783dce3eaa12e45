/**
 * Connection identity decisions (spec §2.6), pure. The publisher names each RTCPeerConnection
 * with a `session` string (Raspberry.Ninja sends `null`); the worker echoes it and uses it to
 * tell a renegotiation from a rebuilt connection.
 */

/** `null` is a real value (Raspberry.Ninja); `undefined` means the message carried none. */
export type SessionId = string | null;

export interface ConnectionId {
  readonly uuid: string;
  readonly session: SessionId;
}

export const OfferDecision = {
  /** No connection yet: build one. */
  create: "create",
  /** Same peer, same session: apply to the existing connection. */
  renegotiate: "renegotiate",
  /** A new session (publisher rebuilt its pc) or a new peer (stream moved): replace the connection. */
  rebuild: "rebuild",
} as const;
export type OfferDecision = (typeof OfferDecision)[keyof typeof OfferDecision];

export function decideOffer(current: ConnectionId | undefined, offer: ConnectionId): OfferDecision {
  if (!current) return OfferDecision.create;
  if (current.uuid === offer.uuid && current.session === offer.session) return OfferDecision.renegotiate;
  return OfferDecision.rebuild;
}

export const IceDecision = {
  apply: "apply",
  /** Arrived before the offer it belongs to: keep it (bounded) until that offer is applied. */
  queue: "queue",
  /** Belongs to a connection we no longer have (spec §2.6: mismatched session is discarded). */
  drop: "drop",
} as const;
export type IceDecision = (typeof IceDecision)[keyof typeof IceDecision];

/**
 * Where trickled ICE goes. A message without `session` (undefined) is taken as ours: the legacy
 * single-candidate form and DC messages from simple peers may omit it.
 */
export function decideIce(current: ConnectionId | undefined, uuid: string, session: SessionId | undefined): IceDecision {
  if (!current || current.uuid !== uuid) return IceDecision.queue;
  if (session === undefined || session === current.session) return IceDecision.apply;
  return IceDecision.drop;
}
