import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkerLinks } from "./WorkerLinks.ts";

test("worker links - ready makes a stream playable once; repeats of the same instance do not", () => {
  const links = new WorkerLinks();
  assert.equal(links.playable("cam"), false);
  assert.equal(links.ready("cam", "w1"), true);
  assert.equal(links.playable("cam"), true);
  links.played("cam", 0);
  assert.equal(links.playable("cam"), false);
  assert.equal(links.ready("cam", "w1"), false, "answer to hello: no duplicate play");
  assert.equal(links.playable("cam"), false);
});

test("worker links - a new instance for the same stream starts over", () => {
  const links = new WorkerLinks();
  links.ready("cam", "w1");
  links.played("cam", 0);
  links.connected("cam", "w1");
  assert.equal(links.ready("cam", "w2"), true);
  assert.equal(links.playable("cam"), true);
  assert.equal(links.ended("cam", "w1"), false, "the old instance's end does not remove the new one");
  assert.equal(links.phaseOf("cam"), "ready");
  assert.equal(links.ended("cam", "w2"), true);
  assert.equal(links.phaseOf("cam"), undefined);
});

test("worker links - re-play is due after 10 s, then 20 s, until an offer arrives", () => {
  const links = new WorkerLinks();
  links.ready("cam", "w1");
  links.played("cam", 1000);
  assert.deepEqual(links.due(10_999), []);
  assert.deepEqual(links.due(11_000), ["cam"]);
  links.played("cam", 11_000);
  assert.deepEqual(links.due(30_999), []);
  assert.deepEqual(links.due(31_000), ["cam"]);
  links.offered("cam");
  assert.deepEqual(links.due(1_000_000), []);
});

test("worker links - connected streams are never due and survive a new socket", () => {
  const links = new WorkerLinks();
  links.ready("a", "wa");
  links.played("a", 0);
  links.ready("b", "wb");
  links.played("b", 0);
  links.offered("b");
  links.ready("c", "wc");
  links.played("c", 0);
  links.connected("c", "wc");
  links.ready("d", "wd");
  assert.deepEqual(links.newSocket().sort(), ["a", "b", "d"]);
  assert.equal(links.isConnected("c"), true);
  assert.equal(links.playable("a") && links.playable("b") && links.playable("d"), true);
  assert.deepEqual(links.due(10_000_000), []);
});

test("worker links - connected from a stale instance is ignored", () => {
  const links = new WorkerLinks();
  links.ready("cam", "w2");
  links.connected("cam", "w1");
  assert.equal(links.phaseOf("cam"), "ready");
  links.connected("unknown", "w9");
  assert.equal(links.isConnected("unknown"), true, "a worker that connected before we knew it (signaler restart) counts");
});

test("worker links - a publisher that offered before the play (held fan-out offer) is never played", () => {
  const links = new WorkerLinks();
  links.ready("cam", "w1");
  links.offered("cam");
  assert.equal(links.playable("cam"), false);
  assert.equal(links.phaseOf("cam"), "offered");
  assert.deepEqual(links.due(1_000_000), []);
});

test("worker links - a worker that lost its connection asks again with a higher rearm: played again, repeats are not", () => {
  const links = new WorkerLinks();
  links.ready("cam", "w1");
  links.played("cam", 0);
  links.offered("cam");
  links.connected("cam", "w1");
  assert.equal(links.ready("cam", "w1"), false, "a plain repeat while connected: no play");
  assert.equal(links.ready("cam", "w1", 1), true, "asked again after a lost connection");
  assert.equal(links.playable("cam"), true);
  assert.equal(links.isConnected("cam"), false, "no longer vouched for in a fresh listing");
  links.played("cam", 1000);
  assert.equal(links.ready("cam", "w1", 1), false, "the same request repeated (answer to hello)");
  assert.deepEqual(links.due(11_000), ["cam"], "an unanswered request is re-played as usual");
  links.offered("cam");
  links.connected("cam", "w1");
  assert.equal(links.ready("cam", "w1", 1), false, "after reconnecting, the old request repeated: no play");
  assert.equal(links.ready("cam", "w1", 0), false, "an older request arriving late: no play");
  assert.equal(links.ready("cam", "w1", 2), true, "lost again, asked again");
});
