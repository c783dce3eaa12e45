import { test } from "node:test";
import assert from "node:assert/strict";
import { decryptField, deriveKey, encryptField } from "./crypto.ts";
import { DecryptError } from "./errors.ts";

const KEY = deriveKey("someEncryptionKey123", "vdo.ninja");
const PLAIN = [{ candidate: "candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host", sdpMLineIndex: 0, sdpMid: "0" }];
const IV = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
const SPEC_CIPHERTEXT =
  "cdbecb8ef5a6845d35a66cf9b393a9a53b64a947d2da8b250f6d2c916d479ad87de18d9b9455b845974452103c68430b322fb76a54e1397c86c46a1467cd77e7ad0debd7ce28c981d0370cb35f9f480389632e3af0745bcc2f7a7ee988e2cd8d433ea0a8d22938167c63335c3714b293";

test("deriveKey - SHA-256 of password + salt (spec §3.6)", () => {
  assert.equal(KEY.bytes.toString("hex"), "808d646f7eb92052344e1e668e340c852f8d675754acfae11d8cc49233c36eba");
});

test("encryptField - reproduces the spec §3.6 ciphertext with the fixed IV", () => {
  assert.deepEqual(encryptField(PLAIN, KEY, IV), { data: SPEC_CIPHERTEXT, vector: "000102030405060708090a0b0c0d0e0f" });
});

test("decryptField - decrypts the spec §3.6 vector", () => {
  assert.deepEqual(decryptField(SPEC_CIPHERTEXT, "000102030405060708090a0b0c0d0e0f", KEY), PLAIN);
});

test("encryptField - a fresh random IV per call, round trip", () => {
  const value = { type: "answer", sdp: "v=0\r\n" };
  const a = encryptField(value, KEY);
  const b = encryptField(value, KEY);
  assert.notEqual(a.vector, b.vector);
  assert.match(a.vector, /^[0-9a-f]{32}$/);
  assert.deepEqual(decryptField(a.data, a.vector, KEY), value);
});

const BAD: ReadonlyArray<[string, string, string]> = [
  ["not hex", "zz", "000102030405060708090a0b0c0d0e0f"],
  ["odd length", SPEC_CIPHERTEXT.slice(1), "000102030405060708090a0b0c0d0e0f"],
  ["not whole blocks", SPEC_CIPHERTEXT.slice(2), "000102030405060708090a0b0c0d0e0f"],
  ["short vector", SPEC_CIPHERTEXT, "0001"],
  ["vector not hex", SPEC_CIPHERTEXT, "x".repeat(32)],
  ["empty", "", "000102030405060708090a0b0c0d0e0f"],
];
for (const [name, hex, vector] of BAD) {
  test(`decryptField - ${name} throws DecryptError`, () => {
    assert.throws(() => decryptField(hex, vector, KEY), DecryptError);
  });
}

test("decryptField - wrong key throws DecryptError (bad padding or not JSON)", () => {
  const other = deriveKey("secret", "vdo.ninja");
  assert.throws(() => decryptField(SPEC_CIPHERTEXT, "000102030405060708090a0b0c0d0e0f", other), DecryptError);
});

test("decryptField - valid padding around non-JSON throws DecryptError", () => {
  const { createCipheriv } = require_crypto();
  const c = createCipheriv("aes-256-cbc", KEY.bytes, IV);
  const hex = Buffer.concat([c.update("not json", "utf8"), c.final()]).toString("hex");
  assert.throws(() => decryptField(hex, IV.toString("hex"), KEY), (err: unknown) => err instanceof DecryptError && /not JSON/.test(err.message));
});

function require_crypto(): typeof import("node:crypto") {
  return process.getBuiltinModule("node:crypto");
}
