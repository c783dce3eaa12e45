import { test } from "node:test";
import assert from "node:assert/strict";
import { EMPTY_ROSTER, foldRoster, keyOfUuid, describeStream, ABSENT_FROM_LISTING, type Roster, type RosterConfig, type RosterInput } from "./roster.ts";
import { subjectToken } from "../bus/subjects.ts";

// Default password, salt vdo.ninja → suffix 808d64 (spec §3.6).
const CFG: RosterConfig = { password: "someEncryptionKey123", salt: "vdo.ninja" };
const NO_PASSWORD: RosterConfig = { password: false, salt: "vdo.ninja" };
const keepNone = () => false;

function fold(inputs: RosterInput[], cfg = CFG, start: Roster = EMPTY_ROSTER) {
  let roster = start;
  const changes = [];
  for (const input of inputs) {
    const r = foldRoster(roster, input, cfg);
    roster = r.roster;
    changes.push(...r.changes);
  }
  return { roster, changes };
}

test("roster - listing members with our hash suffix join with base id, key and wire id", () => {
  const { roster, changes } = fold([{ kind: "listing", keep: keepNone, members: [{ uuid: "P", wireId: "camera1808d64" }, { uuid: "Q", wireId: "cam2808d64" }] }]);
  assert.deepEqual(changes, [
    { type: "joined", stream: { key: "camera1", streamId: "camera1", wireId: "camera1808d64", uuid: "P" } },
    { type: "joined", stream: { key: "cam2", streamId: "cam2", wireId: "cam2808d64", uuid: "Q" } },
  ]);
  assert.equal(roster.streams.size, 2);
  assert.equal(keyOfUuid(roster, "Q"), "cam2");
  assert.equal(keyOfUuid(roster, "nobody"), undefined);
});

test("roster - ids without our suffix are ignored as foreign (another password or salt)", () => {
  const { roster, changes } = fold([{ kind: "listing", keep: keepNone, members: [{ uuid: "P", wireId: "camera1ecdb38" }, { uuid: "Q", wireId: "808d64" }] }]);
  assert.deepEqual(changes, [
    { type: "ignored", wireId: "camera1ecdb38", reason: "foreign-hash" },
    { type: "ignored", wireId: "808d64", reason: "foreign-hash" },
  ]);
  assert.equal(roster.streams.size, 0);
});

test("roster - without a password the wire id is the base id", () => {
  const { changes } = fold([{ kind: "announce", member: { uuid: "P", wireId: "camera1808d64" } }], NO_PASSWORD);
  assert.deepEqual(changes, [{ type: "joined", stream: { key: "camera1808d64", streamId: "camera1808d64", wireId: "camera1808d64", uuid: "P" } }]);
});

test("roster - filters decide on the base id", () => {
  const cfg = { ...CFG, accept: (id: string) => id !== "skip" };
  const { changes } = fold([{ kind: "announce", member: { uuid: "P", wireId: "skip808d64" } }, { kind: "announce", member: { uuid: "Q", wireId: "keep808d64" } }], cfg);
  assert.deepEqual(changes.map((c) => c.type), ["ignored", "joined"]);
  assert.deepEqual(changes[0], { type: "ignored", wireId: "skip808d64", reason: "filtered" });
});

test("roster - a repeated announce from the same UUID changes nothing", () => {
  const a: RosterInput = { kind: "announce", member: { uuid: "P", wireId: "cam808d64" } };
  const first = fold([a]);
  const again = foldRoster(first.roster, a, CFG);
  assert.deepEqual(again.changes, []);
  assert.equal(again.roster, first.roster, "unchanged roster is the same object");
});

test("roster - the same stream from a new UUID replaces the old entry", () => {
  const { roster, changes } = fold([
    { kind: "announce", member: { uuid: "P1", wireId: "cam808d64" } },
    { kind: "announce", member: { uuid: "P2", wireId: "cam808d64" } },
  ]);
  assert.deepEqual(changes[1], {
    type: "joined",
    stream: { key: "cam", streamId: "cam", wireId: "cam808d64", uuid: "P2" },
    replaced: { key: "cam", streamId: "cam", wireId: "cam808d64", uuid: "P1" },
  });
  assert.equal(roster.streams.size, 1);
  assert.equal(keyOfUuid(roster, "P1"), undefined);
});

test("roster - a departure of the current UUID leaves; of an older UUID is ignored", () => {
  const joined = fold([{ kind: "announce", member: { uuid: "P2", wireId: "cam808d64" } }]);
  const stale = foldRoster(joined.roster, { kind: "departed", key: "cam", uuid: "P1", reason: "bye" }, CFG);
  assert.deepEqual(stale.changes, []);
  const left = foldRoster(joined.roster, { kind: "departed", key: "cam", uuid: "P2", reason: "bye" }, CFG);
  assert.deepEqual(left.changes, [{ type: "left", key: "cam", uuid: "P2", reason: "bye" }]);
  assert.equal(left.roster.streams.size, 0);
  const unknown = foldRoster(left.roster, { kind: "departed", key: "cam", reason: "peer-lost" }, CFG);
  assert.deepEqual(unknown.changes, []);
});

test("roster - a departure without a UUID (worker never connected) leaves the current entry", () => {
  const joined = fold([{ kind: "announce", member: { uuid: "P", wireId: "cam808d64" } }]);
  const left = foldRoster(joined.roster, { kind: "departed", key: "cam", reason: "peer-lost" }, CFG);
  assert.deepEqual(left.changes, [{ type: "left", key: "cam", uuid: "P", reason: "peer-lost" }]);
});

test("roster - a stream that left and comes back joins again", () => {
  const { changes } = fold([
    { kind: "announce", member: { uuid: "P1", wireId: "cam808d64" } },
    { kind: "departed", key: "cam", uuid: "P1", reason: "bye" },
    { kind: "announce", member: { uuid: "P2", wireId: "cam808d64" } },
  ]);
  assert.deepEqual(changes.map((c) => c.type), ["joined", "left", "joined"]);
  assert.equal(changes[2]?.type === "joined" && changes[2].replaced, undefined);
});

test("roster - a fresh listing drops absent streams unless kept (still connected)", () => {
  const before = fold([
    { kind: "announce", member: { uuid: "A", wireId: "a808d64" } },
    { kind: "announce", member: { uuid: "B", wireId: "b808d64" } },
    { kind: "announce", member: { uuid: "C", wireId: "c808d64" } },
  ]).roster;
  const r = foldRoster(before, { kind: "listing", keep: (k) => k === "b", members: [{ uuid: "C", wireId: "c808d64" }, { uuid: "D", wireId: "d808d64" }] }, CFG);
  assert.deepEqual(r.changes, [
    { type: "joined", stream: { key: "d", streamId: "d", wireId: "d808d64", uuid: "D" } },
    { type: "left", key: "a", uuid: "A", reason: ABSENT_FROM_LISTING },
  ]);
  assert.deepEqual([...r.roster.streams.keys()].sort(), ["b", "c", "d"]);
});

test("roster - a listing that moves a stream to a new UUID replaces, never leaves", () => {
  const before = fold([{ kind: "announce", member: { uuid: "A1", wireId: "a808d64" } }]).roster;
  const r = foldRoster(before, { kind: "listing", keep: keepNone, members: [{ uuid: "A2", wireId: "a808d64" }] }, CFG);
  assert.deepEqual(r.changes.map((c) => c.type), ["joined"]);
  assert.equal(r.roster.streams.get("a")?.uuid, "A2");
});

test("roster - hostile stream ids get safe keys; the base id is kept verbatim", () => {
  for (const base of ["../../x", "a.b*>", "ünï çødé 🎥", "x".repeat(100), "a/b\\c", " spaced "]) {
    const info = describeStream({ uuid: "P", wireId: `${base}808d64` }, CFG);
    assert.ok(typeof info === "object", base);
    assert.equal(info.streamId, base);
    assert.equal(info.key, subjectToken(base));
    assert.match(info.key, /^[A-Za-z0-9_~-]{1,80}$/, `safe key for ${JSON.stringify(base)}`);
  }
});
