/**
 * What VDO.Ninja assumes when a client says nothing: the default room password and salt, and the
 * two handshake-server dialects (spec §2.7, §3.2, §3.3). Protocol facts, so they live here; the
 * typed config (config/types.ts) uses them.
 */

/** VDO.Ninja's default room password (spec §3.2): hashing and encryption are on by default. */
export const DEFAULT_PASSWORD = "someEncryptionKey123";
/** Salt for vdo.ninja and for IP/localhost deployments (spec §3.3). */
export const DEFAULT_SALT = "vdo.ninja";

/** The official handshake server, or a fan-out ("customWSS") one (spec §2.7). */
export type Dialect = "official" | "fanout";
