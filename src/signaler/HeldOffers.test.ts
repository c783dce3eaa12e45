import { test } from "node:test";
import assert from "node:assert/strict";
import { HELD_CHARS_PER_PEER, HELD_CHARS_TOTAL, HELD_MESSAGES_PER_PEER, HELD_PEERS, HELD_TTL_MS, HeldOffers, HoldOutcome } from "./HeldOffers.ts";

test("held offers - an offer and the ICE after it are handed over in order, once", () => {
  const held = new HeldOffers<string>();
  assert.equal(held.offer("P", "cam", "offer", 10, 0), HoldOutcome.held);
  assert.equal(held.follow("P", "ice1", 5, 100), HoldOutcome.held);
  assert.equal(held.follow("P", "ice2", 5, 200), HoldOutcome.held);
  assert.equal(held.chars, 20);
  assert.deepEqual(held.take("P", "cam", 1000), ["offer", "ice1", "ice2"]);
  assert.deepEqual(held.take("P", "cam", 1000), [], "taken once");
  assert.equal(held.peers, 0);
  assert.equal(held.chars, 0);
});

test("held offers - messages from a peer without an offer are not held", () => {
  const held = new HeldOffers<string>();
  assert.equal(held.follow("P", "ice", 5, 0), undefined);
  assert.equal(held.peers, 0);
});

test("held offers - a hold is for its stream only", () => {
  const held = new HeldOffers<string>();
  held.offer("P", "cam", "offer", 10, 0);
  assert.deepEqual(held.take("P", "other", 0), []);
  assert.deepEqual(held.take("Q", "cam", 0), []);
  assert.deepEqual(held.take("P", "cam", 0), ["offer"]);
});

test("held offers - a newer offer from the same peer replaces its hold", () => {
  const held = new HeldOffers<string>();
  held.offer("P", "cam", "offer1", 10, 0);
  held.follow("P", "ice1", 5, 10);
  held.offer("P", "cam", "offer2", 10, 20);
  assert.equal(held.chars, 10);
  assert.deepEqual(held.take("P", "cam", 30), ["offer2"]);
});

test("held offers - expire 15 s after the offer: take, follow and prune forget them", () => {
  const held = new HeldOffers<string>();
  held.offer("A", "a", "offer", 10, 0);
  held.follow("A", "ice", 5, HELD_TTL_MS - 1);
  assert.deepEqual(held.take("A", "a", HELD_TTL_MS), []);
  held.offer("B", "b", "offer", 10, 0);
  assert.equal(held.follow("B", "ice", 5, HELD_TTL_MS), undefined);
  held.offer("C", "c", "offer", 10, 0);
  held.follow("C", "ice", 5, 1);
  held.offer("D", "d", "offer", 10, 5000);
  assert.equal(held.prune(HELD_TTL_MS), 2, "C's offer and ICE");
  assert.equal(held.peers, 1);
  assert.equal(held.chars, 10);
  assert.deepEqual(held.take("D", "d", HELD_TTL_MS), ["offer"]);
});

test("held offers - at most 100 messages per peer; the offer is kept, the excess dropped", () => {
  const held = new HeldOffers<number>();
  held.offer("P", "cam", 0, 1, 0);
  for (let i = 1; i < HELD_MESSAGES_PER_PEER; i++) assert.equal(held.follow("P", i, 1, 0), HoldOutcome.held);
  assert.equal(held.follow("P", 999, 1, 0), HoldOutcome.peerFull);
  const taken = held.take("P", "cam", 0);
  assert.equal(taken.length, HELD_MESSAGES_PER_PEER);
  assert.equal(taken[0], 0);
});

test("held offers - size budgets per peer and in total", () => {
  const held = new HeldOffers<string>();
  assert.equal(held.offer("big", "cam", "x", HELD_CHARS_PER_PEER + 1, 0), HoldOutcome.peerFull);
  assert.equal(held.peers, 0);
  held.offer("P", "cam", "offer", HELD_CHARS_PER_PEER - 10, 0);
  assert.equal(held.follow("P", "ice", 11, 0), HoldOutcome.peerFull);
  assert.equal(held.follow("P", "ice", 10, 0), HoldOutcome.held);
  const perPeer = HELD_CHARS_PER_PEER;
  let i = 0;
  while (held.chars + perPeer <= HELD_CHARS_TOTAL) assert.equal(held.offer(`Q${i++}`, "q", "o", perPeer, 0), HoldOutcome.held);
  assert.equal(held.offer("late", "l", "o", perPeer, 0), HoldOutcome.full);
  assert.ok(held.chars <= HELD_CHARS_TOTAL);
});

test("held offers - at most 256 peers: a newcomer is refused, nobody is evicted", () => {
  const held = new HeldOffers<string>();
  for (let i = 0; i < HELD_PEERS; i++) assert.equal(held.offer(`P${i}`, `k${i}`, "o", 1, 0), HoldOutcome.held);
  assert.equal(held.offer("stranger", "s", "o", 1, 0), HoldOutcome.full);
  assert.deepEqual(held.take("P0", "k0", 0), ["o"]);
  assert.equal(held.offer("stranger", "s", "o", 1, 0), HoldOutcome.held, "room again once one was taken");
  assert.equal(held.offer("more", "m", "o", 1, HELD_TTL_MS), HoldOutcome.held, "expired holds make room");
  assert.equal(held.peers, 1);
});
