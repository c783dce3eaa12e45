/**
 * Decrypting the payload of a parsed peer message (spec §3.5 recorder rule): when `vector` is
 * present decrypt with our key, otherwise accept the plaintext (simple peers such as
 * Raspberry.Ninja's recorder children send plaintext even with a password). Decrypted values are
 * validated like plaintext ones. Never throws.
 */
import { decryptField, type EncryptedField, type PayloadKey } from "./crypto.ts";
import { DecryptError } from "./errors.ts";
import { attempt, Invalid, type Parsed } from "./fields.ts";
import {
  parseIceCandidate, parseIceCandidates, parseSessionDescription,
  type IceCandidate, type IceDirection, type PeerFields, type PeerMessage, type SessionDescription,
} from "./peerMessages.ts";

type Control = Exclude<PeerMessage, { kind: "description" | "candidates" | "candidate" }>;

/** A peer message with plain payloads; the legacy `candidate` form is folded into `candidates`. */
export type DecodedPeerMessage =
  | (PeerFields & { readonly kind: "description"; readonly description: SessionDescription; readonly screen?: readonly number[]; readonly encrypted: boolean })
  | (PeerFields & { readonly kind: "candidates"; readonly direction?: IceDirection; readonly candidates: readonly IceCandidate[]; readonly encrypted: boolean })
  | Control;

function isSealed(v: unknown): v is EncryptedField {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "vector" in v && "data" in v;
}

function open<T>(value: T | EncryptedField, key: PayloadKey | undefined, validate: (v: unknown) => T): { value: T; encrypted: boolean } {
  if (!isSealed(value)) return { value, encrypted: false };
  if (key === undefined) throw new Invalid("payload is encrypted but no password is set");
  try {
    return { value: validate(decryptField(value.data, value.vector, key)), encrypted: true };
  } catch (err) {
    if (err instanceof DecryptError) throw new Invalid(`cannot decrypt payload: ${err.message}`);
    throw err;
  }
}

export function decodePeerPayload(msg: PeerMessage, key: PayloadKey | undefined): Parsed<DecodedPeerMessage> {
  return attempt((): DecodedPeerMessage => {
    switch (msg.kind) {
      case "description": {
        const { value, encrypted } = open(msg.description, key, parseSessionDescription);
        return { ...msg, description: value, encrypted };
      }
      case "candidates": {
        const { value, encrypted } = open(msg.candidates, key, parseIceCandidates);
        return { ...msg, candidates: value, encrypted };
      }
      case "candidate": {
        const { value, encrypted } = open(msg.candidate, key, parseIceCandidate);
        const { candidate: _single, ...rest } = msg;
        return { ...rest, kind: "candidates", candidates: [value], encrypted };
      }
      default:
        return msg;
    }
  });
}
