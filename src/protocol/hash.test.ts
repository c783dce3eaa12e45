import { test } from "node:test";
import assert from "node:assert/strict";
import { baseStreamId, generateHash, roomId, streamHashSuffix, wireStreamId } from "./hash.ts";
import { normalizePassword } from "./sanitize.ts";

const SALT = "vdo.ninja";
const DEFAULT = normalizePassword(undefined);

test("generateHash - spec §3.6 digest prefix of the default password + salt", () => {
  assert.equal(generateHash("someEncryptionKey123vdo.ninja", 64), "808d646f7eb92052344e1e668e340c852f8d675754acfae11d8cc49233c36eba");
  assert.equal(generateHash("someEncryptionKey123vdo.ninja", 4), "808d");
});

// Appendix C, observed with the real web app.
const CASES = [
  { password: undefined, room: "2f1a0139acdd5bdc", suffix: "808d64", wire: "cam1808d64" },
  { password: "secret", room: "91d7d551adbb0012", suffix: "ecdb38", wire: "cam1ecdb38" },
  { password: "false", room: "myroom", suffix: "", wire: "cam1" },
] as const;
for (const c of CASES) {
  test(`roomId/wireStreamId - password ${String(c.password)} gives the Appendix C values`, () => {
    const pw = normalizePassword(c.password);
    assert.equal(roomId("myroom", pw, SALT), c.room);
    assert.equal(streamHashSuffix(pw, SALT), c.suffix);
    assert.equal(wireStreamId("cam1", pw, SALT), c.wire);
    assert.equal(baseStreamId(c.wire, pw, SALT), "cam1");
  });
}

test("roomId - a password with a space is URI-encoded before hashing (werift-vdoninja notes, room exp1)", () => {
  const pw = normalizePassword("s3cr3t pass");
  assert.equal(roomId("exp1", pw, SALT), "3c9c46a7c0bd21f6");
  assert.equal(roomId("exp1", "s3cr3t pass", SALT), "5d2f9370c184b063", "the raw password gives the id that saw an empty room");
  assert.equal(wireStreamId("cam1", pw, SALT), "cam16b228d");
});

test("wireStreamId - spec §3.6 camera1 and the 44-char cut", () => {
  assert.equal(wireStreamId("camera1", DEFAULT, SALT), "camera1808d64");
  const long = "a".repeat(60);
  const wire = wireStreamId(long, DEFAULT, SALT);
  assert.equal(wire, "a".repeat(44) + "808d64");
  assert.equal(baseStreamId(wire, DEFAULT, SALT), "a".repeat(44));
});

test("roomId - sanitizes the room first; raw sanitized room without password", () => {
  assert.equal(roomId("  my room!  ", false, SALT), "my_room_");
  assert.equal(roomId("  myroom ", DEFAULT, SALT), "2f1a0139acdd5bdc");
});

test("baseStreamId - strips only a matching suffix", () => {
  assert.equal(baseStreamId("camera1ecdb38", DEFAULT, SALT), "camera1ecdb38");
  assert.equal(baseStreamId("camera1", DEFAULT, SALT), "camera1");
  assert.equal(baseStreamId("808d64", DEFAULT, SALT), "808d64", "a bare suffix is an id, not an empty one");
  assert.equal(baseStreamId("cam1808d64", false, SALT), "cam1808d64");
});
