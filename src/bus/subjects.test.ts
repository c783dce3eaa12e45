import { test } from "node:test";
import assert from "node:assert/strict";
import { isSubjectToken, streamKey, subjectMatches, subjects, subjectToken } from "./subjects.ts";

const scope = { scope: "ns", recording: "rec" };
const HOSTILE = ["../../x", "a.b*>", "a b", "x".repeat(2048), "ünïcødé", "ctl\u0000\u001b[2J", "", ".", ">", "*"];

test("subjectToken - safe ids map to themselves", () => {
  for (const id of ["cam1", "Camera_2", "a-b", "x".repeat(64)]) assert.equal(subjectToken(id), id);
});

test("subjectToken - hostile ids never contain a separator, wildcard, whitespace or path part", () => {
  for (const id of HOSTILE) {
    const t = subjectToken(id);
    assert.match(t, /^[A-Za-z0-9_-]{0,40}~[0-9a-f]{12}$/, JSON.stringify(id));
    assert.ok(isSubjectToken(t));
  }
});

test("subjectToken - a stranger cannot take another stream's key by naming a stream like it", () => {
  const key = streamKey("a.b");
  assert.notEqual(streamKey(key), key);
});

test("subjects - keys are used verbatim, not hashed twice", () => {
  const key = streamKey("a.b*>");
  assert.equal(subjects.toWorker(scope, key), `rr.ns.rec.stream.${key}.to-worker`);
  assert.ok(subjectMatches(subjects.allStatus(scope), subjects.status(scope, key)));
});

test("subjects - refuse something that is not a key", () => {
  for (const id of ["a.b", "x y", "*", ">", "../x"]) assert.throws(() => subjects.toWorker(scope, id), TypeError);
});

test("subjectMatches - NATS semantics", () => {
  assert.ok(subjectMatches("a.*.c", "a.b.c"));
  assert.ok(!subjectMatches("a.*.c", "a.b.d.c"));
  assert.ok(subjectMatches("a.>", "a.b.c"));
  assert.ok(!subjectMatches("a.>", "a"));
  assert.ok(!subjectMatches("a.b", "a.b.c"));
});
