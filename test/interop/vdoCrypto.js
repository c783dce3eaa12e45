// VDO.Ninja's room and stream hashing and payload encryption (spec §3), WebCrypto only.
// Written from the spec, independent of src/protocol/, for the interop publisher page.

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Room and stream ids (spec §3.1): trim, runs of non-word characters become "_", cut. */
export function sanitize(s, max) {
  return s.trim().replace(/[\W]+/g, "_").slice(0, max);
}

/** The password as hashed (spec §3.1-§3.2): default when empty, `false` when disabled, else URI-encoded. */
export function passwordOf(p) {
  if (p === null || p === "" || p === "true") return "someEncryptionKey123";
  if (["false", "0", "off"].includes(p.toLowerCase())) return false;
  return encodeURIComponent(p.trim());
}

export function randomString(n, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789") {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

const toHex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
function fromHex(hex) {
  if (typeof hex !== "string" || hex.length % 2 || /[^0-9a-f]/i.test(hex)) throw new Error("not hex");
  return new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
}

/** `generateHash(s, n)`: the first n hex chars of SHA-256(s) (spec §3.4). */
export async function generateHash(s, chars) {
  return toHex(await crypto.subtle.digest("SHA-256", enc.encode(s))).slice(0, chars);
}

/** AES-256-CBC key = SHA-256(password + salt) (spec §3.5). */
export async function deriveKey(password, salt) {
  const digest = await crypto.subtle.digest("SHA-256", enc.encode(password + salt));
  return crypto.subtle.importKey("raw", digest, "AES-CBC", false, ["encrypt", "decrypt"]);
}

/** Puts `value` into `msg[field]`, encrypted with a fresh IV in `vector` when there is a key. */
export async function seal(key, msg, field, value) {
  if (!key) return { ...msg, [field]: value };
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const ct = await crypto.subtle.encrypt({ name: "AES-CBC", iv }, key, enc.encode(JSON.stringify(value)));
  return { ...msg, [field]: toHex(ct), vector: toHex(iv) };
}

/** `msg[field]`, decrypted when the message carries a `vector` (plaintext is accepted, spec §3.5). */
export async function unseal(key, msg, field) {
  if (!msg.vector || !key) return msg[field];
  const pt = await crypto.subtle.decrypt({ name: "AES-CBC", iv: fromHex(msg.vector) }, key, fromHex(msg[field]));
  return JSON.parse(dec.decode(pt));
}
