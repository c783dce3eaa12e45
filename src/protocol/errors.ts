/** A payload's `vector`/hex/padding/JSON did not decrypt with our key (spec §3.5). Callers drop the message. */
export class DecryptError extends Error {
  override name = "DecryptError";
}

/** Operator input that cannot name a room, stream or password (config time, never stranger input). */
export class ProtocolInputError extends TypeError {
  override name = "ProtocolInputError";
}
