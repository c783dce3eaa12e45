import { test } from "node:test";
import assert from "node:assert/strict";
import { ProtocolInputError } from "./errors.ts";
import { normalizePassword, sanitizeRoom, sanitizeStreamId } from "./sanitize.ts";

test("sanitizeRoom - trims, non-word runs become _, 30 chars, case kept", () => {
  assert.equal(sanitizeRoom("  My Room!!  "), "My_Room_");
  assert.equal(sanitizeRoom("a-b.c"), "a_b_c");
  assert.equal(sanitizeRoom("x".repeat(40)), "x".repeat(30));
  assert.equal(sanitizeRoom("../../etc"), "_etc");
});

test("sanitizeRoom/sanitizeStreamId - empty is an error, never a random id", () => {
  assert.throws(() => sanitizeRoom("   "), ProtocolInputError);
  assert.throws(() => sanitizeStreamId(""), ProtocolInputError);
});

test("sanitizeStreamId - same rules, 64 chars", () => {
  assert.equal(sanitizeStreamId(" cam 1 "), "cam_1");
  assert.equal(sanitizeStreamId("y".repeat(80)), "y".repeat(64));
  assert.equal(sanitizeStreamId("a/b\\c"), "a_b_c");
});

const PASSWORDS: ReadonlyArray<[string | false | undefined, string | false]> = [
  [undefined, "someEncryptionKey123"],
  ["", "someEncryptionKey123"],
  ["true", "someEncryptionKey123"],
  ["1", "someEncryptionKey123"],
  ["ON", "someEncryptionKey123"],
  ["false", false],
  ["0", false],
  ["off", false],
  [false, false],
  ["secret", "secret"],
  ["  secret ", "secret"],
  ["s3cr3t pass", "s3cr3t%20pass"],
  ["a&b=c", "a%26b%3Dc"],
];
for (const [input, expected] of PASSWORDS) {
  test(`normalizePassword - ${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
    assert.equal(normalizePassword(input), expected);
  });
}
