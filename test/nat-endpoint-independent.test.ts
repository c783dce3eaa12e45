/**
 * A publisher behind an endpoint-independent NAT (infra/nat/, plain MASQUERADE: one mapping for
 * every destination) and the recorder behind its node's SNAT, STUN only (no TURN anywhere): the
 * two NATs are punched through with server-reflexive candidates. Asserted from the worker's own
 * report of its selected candidate pair (remote srflx at the publisher's NAT address), and from the
 * files. Needs root (skips with the reason otherwise).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { iceFailures, selectedPairs } from "./harness/iceLog.ts";
import { natSkipReason } from "./harness/netns.ts";
import { runNatScenario, STUN_URL } from "./harness/natRig.ts";
import { assertStreamRecorded } from "./interop/recordings.ts";

const skip = natSkipReason();

test("nat - endpoint-independent NAT, STUN only: recorded over a server-reflexive pair", { skip }, async () => {
  await runNatScenario(
    { home: "eim", recorderArgs: () => ["--stun", STUN_URL], publisherStun: [STUN_URL], seconds: 5 },
    async ({ outDir, stream, turn, recorder, mediaAfterMs }) => {
      const pairs = selectedPairs(recorder.stderr());
      console.log(`endpoint-independent NAT: media after ${mediaAfterMs} ms; selected pair(s) ${JSON.stringify(pairs)}`);
      assert.ok(pairs.length >= 1, `no selected pair reported\n${recorder.stderr().slice(-3000)}`);
      for (const p of pairs) {
        assert.equal(p.remote, "srflx", JSON.stringify(p));
        assert.match(p.remoteAddress, /^203\.0\.113\.71:/, "the publisher as its NAT maps her, learned from STUN");
        assert.equal(p.local, "host", "the recorder's own socket, behind the node's SNAT");
      }
      assert.equal(turn.stats().allocations, 0, "no TURN allocation: coturn served STUN only");
      assert.deepEqual(iceFailures(recorder.stderr()), []);
      await assertStreamRecorded(outDir, stream, "vp8", 3);
    },
  );
});
