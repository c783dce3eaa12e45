/**
 * A publisher behind a symmetric NAT (infra/nat/, MASQUERADE --random-fully: a new port per
 * destination) and the recorder behind its node's SNAT: no direct pair can work, so the media
 * must come through TURN (coturn on the public address). Asserted from the worker's own report of
 * its selected candidate pair (local relay), from coturn's log (an allocation, a permission for
 * the publisher's NAT address) and from the files. Needs root (skips with the reason otherwise).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { iceFailures, selectedPairs } from "./harness/iceLog.ts";
import { natSkipReason } from "./harness/netns.ts";
import { NAT, runNatScenario, STUN_URL } from "./harness/natRig.ts";
import { assertStreamRecorded } from "./interop/recordings.ts";

const skip = natSkipReason();

test("nat - symmetric NAT: recorded through TURN, the worker's selected pair is a relay pair", { skip }, async () => {
  await runNatScenario(
    {
      home: "sym",
      recorderArgs: (turn) => ["--stun", STUN_URL, "--turn", `turn:${turn.username}:${turn.password}@${NAT.publicIp}:3478`],
      publisherStun: [STUN_URL],
      seconds: 5,
    },
    async ({ outDir, stream, turn, recorder, mediaAfterMs }) => {
      const pairs = selectedPairs(recorder.stderr());
      console.log(`symmetric NAT: media after ${mediaAfterMs} ms; selected pair(s) ${JSON.stringify(pairs)}`);
      assert.ok(pairs.length >= 1, `no selected pair reported\n${recorder.stderr().slice(-3000)}`);
      for (const p of pairs) {
        assert.equal(p.local, "relay", JSON.stringify(p));
        assert.match(p.localAddress, new RegExp(`^${NAT.publicIp.replaceAll(".", "\\.")}:`), "relayed by coturn on the public address");
        assert.match(p.remoteAddress, /^203\.0\.113\.72:/, "the publisher as its NAT maps her");
      }
      const stats = turn.stats();
      assert.ok(stats.allocations >= 1, JSON.stringify(stats));
      assert.ok(stats.peers.some((peer) => peer.startsWith("203.0.113.72:")), `coturn permissions ${JSON.stringify(stats.peers)}`);
      assert.deepEqual(iceFailures(recorder.stderr()), []);
      await assertStreamRecorded(outDir, stream, "vp8", 3);
    },
  );
});
