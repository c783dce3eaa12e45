import { test } from "node:test";
import assert from "node:assert/strict";
import { roomNotice } from "./roomNotice.ts";

test("room notice - foreign-hash streams mean a wrong password", () => {
  assert.match(roomNotice({ joined: true, streams: 0, foreign: 2, secondsJoined: 1 })!, /no stream could be decrypted with this password/);
});

test("room notice - an empty room is mentioned only after 30 s", () => {
  assert.equal(roomNotice({ joined: true, streams: 0, foreign: 0, secondsJoined: 29 }), undefined);
  assert.match(roomNotice({ joined: true, streams: 0, foreign: 0, secondsJoined: 30 })!, /wrong --password/);
  assert.equal(roomNotice({ joined: false, streams: 0, foreign: 0, secondsJoined: 60 }), undefined);
  assert.equal(roomNotice({ joined: true, streams: 1, foreign: 3, secondsJoined: 60 }), undefined);
});
