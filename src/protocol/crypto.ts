/**
 * Signaling payload encryption (spec §3.5): AES-256-CBC, PKCS#7, key = SHA-256(password + salt),
 * a fresh 16-byte IV per message sent as hex in `vector`, ciphertext as lowercase hex.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { DecryptError } from "./errors.ts";

/** Derived once per password; opaque so callers cannot log or mix it up with a password. */
export interface PayloadKey {
  readonly kind: "aes-256-cbc";
  readonly bytes: Buffer;
}

export interface EncryptedField {
  /** Lowercase hex ciphertext. */
  readonly data: string;
  /** 32 lowercase hex chars: the IV. */
  readonly vector: string;
}

const IV_BYTES = 16;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

export function deriveKey(password: string, salt: string): PayloadKey {
  return { kind: "aes-256-cbc", bytes: createHash("sha256").update(password + salt, "utf8").digest() };
}

/** `iv` is a parameter only so tests can reproduce the spec §3.6 vector; never pass one in code. */
export function encryptField(value: unknown, key: PayloadKey, iv: Buffer = randomBytes(IV_BYTES)): EncryptedField {
  const cipher = createCipheriv("aes-256-cbc", key.bytes, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return { data: data.toString("hex"), vector: iv.toString("hex") };
}

/** Decrypts and JSON-parses one field. Throws `DecryptError` on bad hex, IV, padding or JSON. */
export function decryptField(hex: string, vectorHex: string, key: PayloadKey): unknown {
  if (!HEX.test(hex) || hex.length % 32 !== 0) throw new DecryptError("ciphertext is not whole AES blocks of hex");
  if (!HEX.test(vectorHex) || vectorHex.length !== IV_BYTES * 2) throw new DecryptError("vector is not 32 hex chars");
  let text: string;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key.bytes, Buffer.from(vectorHex, "hex"));
    text = Buffer.concat([decipher.update(Buffer.from(hex, "hex")), decipher.final()]).toString("utf8");
  } catch (err) {
    throw new DecryptError("wrong key or corrupt ciphertext (bad padding)", { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DecryptError("decrypted text is not JSON", { cause: err });
  }
}
