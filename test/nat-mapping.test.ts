/**
 * The NAT test network does what it claims (infra/nat/check.sh): from one socket, STUN on the two
 * public addresses maps the eim home to one address:port, the sym home to two, and the host
 * (through the node router) to one. Needs root (skips with the reason otherwise).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { natScript, natSkipReason } from "./harness/netns.ts";

test("nat - STUN probes from two destinations: eim home endpoint-independent, sym home endpoint-dependent, node SNAT endpoint-independent", { skip: natSkipReason() }, () => {
  natScript("down.sh");
  try {
    natScript("up.sh");
    natScript("up.sh"); // idempotent: a second run changes nothing and fails nothing
    const out = natScript("check.sh");
    console.log(out.trim());
    const mapping = (who: string) => JSON.parse(out.split("\n").find((l) => l.startsWith(who))!.replace(/^[^{]*/, "")) as { mapped: string[]; mapping: string };
    assert.equal(mapping("rrnat-home-eim").mapping, "endpoint-independent");
    assert.equal(mapping("rrnat-home-sym").mapping, "endpoint-dependent");
    assert.equal(mapping("host via").mapping, "endpoint-independent");
    assert.match(mapping("rrnat-home-sym").mapped[0]!, /^203\.0\.113\.72:/);
  } finally {
    natScript("down.sh");
  }
  assert.equal(natScript("down.sh").trim(), "infra/nat: down", "down is idempotent");
});
