import { test } from "node:test";
import assert from "node:assert/strict";
import { decideIce, decideOffer, IceDecision, OfferDecision } from "./session.ts";

test("session - the first offer creates a connection", () => {
  assert.equal(decideOffer(undefined, { uuid: "P", session: "s1" }), OfferDecision.create);
});

test("session - same uuid and session is a renegotiation", () => {
  assert.equal(decideOffer({ uuid: "P", session: "s1" }, { uuid: "P", session: "s1" }), OfferDecision.renegotiate);
});

test("session - a null session (Raspberry.Ninja) renegotiates with a null session", () => {
  assert.equal(decideOffer({ uuid: "P", session: null }, { uuid: "P", session: null }), OfferDecision.renegotiate);
});

test("session - a different session from the same peer rebuilds", () => {
  assert.equal(decideOffer({ uuid: "P", session: "s1" }, { uuid: "P", session: "s2" }), OfferDecision.rebuild);
});

test("session - the same stream from another peer rebuilds", () => {
  assert.equal(decideOffer({ uuid: "P", session: "s1" }, { uuid: "Q", session: "s1" }), OfferDecision.rebuild);
});

test("session - ICE for the current connection applies, with or without a session field", () => {
  const cur = { uuid: "P", session: "s1" };
  assert.equal(decideIce(cur, "P", "s1"), IceDecision.apply);
  assert.equal(decideIce(cur, "P", undefined), IceDecision.apply);
});

test("session - ICE with a mismatched session is dropped", () => {
  assert.equal(decideIce({ uuid: "P", session: "s1" }, "P", "s0"), IceDecision.drop);
  assert.equal(decideIce({ uuid: "P", session: null }, "P", "s1"), IceDecision.drop);
});

test("session - ICE before any offer, or from another peer, is queued", () => {
  assert.equal(decideIce(undefined, "P", "s1"), IceDecision.queue);
  assert.equal(decideIce({ uuid: "P", session: "s1" }, "Q", "s9"), IceDecision.queue);
});
