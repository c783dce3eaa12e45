/**
 * Recording through a real TURN server (issue 3): coturn on loopback with a static user, the
 * recorder started with `--turn turn:user:pass@host:port[?transport=tcp] --relay-only`, a
 * Chromium publisher.
 * Observables that do not depend on the recorder's own logs: the publisher's selected candidate
 * pair (getStats) has a relay candidate on the recorder's side, and coturn logged an allocation
 * and a permission for the publisher's address. The TURN password never shows up in the logs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChromium } from "./harness/chromium.ts";
import { startCoturn } from "./harness/coturn.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { assertStreamRecorded, finalizedSegments } from "./interop/recordings.ts";

const CONNECT_TIMEOUT_MS = 60_000;
const FINALIZE_TIMEOUT_MS = 30_000;
const PUBLISH_MS = 5_000;

async function recordThroughTurn(transport: "udp" | "tcp"): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), "rr-interop-turn-"));
  try {
    await using turn = await startCoturn();
    await using relay = await startRelay({ port: 0, dialect: "official" });
    await using chromium = await startChromium();
    const turnUrl = transport === "tcp" ? turn.tcpUrl : turn.url;
    await using recorder = startRecorderProcess({ server: relay.url, room: "interop", outDir, args: ["--turn", turnUrl, "--relay-only"] });
    const stream = `via_turn_${transport}`;
    const pub = await chromium.publish({ relay: relay.url, room: "interop", stream, codec: "vp8" });
    const peer = await pub.waitPublishing(CONNECT_TIMEOUT_MS).catch(async (err: Error) => {
      throw new Error(`${err.message}\npublisher: ${JSON.stringify(await pub.status())}\ncoturn: ${turn.logs().slice(-20).join("\n")}\nrecorder: ${recorder.stderr().slice(-3000)}`);
    });
    // Relay-only on the recorder: the only candidates it offers are relayed ones, so the pair the
    // browser selected must end at coturn.
    assert.equal(peer.selectedPair?.remote, "relay", `selected pair ${JSON.stringify(peer.selectedPair)}`);
    await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS));
    const pairs = (await pub.status()).peers.map((p) => p.selectedPair);
    assert.ok(pairs.length > 0 && pairs.every((p) => p?.remote === "relay"), `pairs in use ${JSON.stringify(pairs)}`);
    const during = turn.stats();
    assert.ok(during.allocations >= 1, `coturn allocations: ${JSON.stringify(during)}`);
    assert.ok(during.peers.length >= 1, `coturn created no permission: ${JSON.stringify(during)}`);

    await pub.hangup();
    await waitFor(() => finalizedSegments(outDir, stream).length > 0, FINALIZE_TIMEOUT_MS, `${stream} finalized`);
    await recorder.stop();
    await assertStreamRecorded(outDir, stream, "vp8");
    assert.doesNotMatch(recorder.stderr(), new RegExp(turn.password), "the TURN password leaked into the recorder's logs");
    if (transport === "tcp") {
      // The worker's TCP connection to coturn closed with it: coturn logged what it relayed.
      const after = await waitFor(() => (turn.stats().peerReceivedBytes > 0 ? turn.stats() : undefined), FINALIZE_TIMEOUT_MS, "coturn peer usage");
      assert.ok(after.tcpConnections >= 1, `no TCP client connection: ${JSON.stringify(after)}`);
      assert.ok(after.peerReceivedBytes > 20_000, `coturn relayed only ${after.peerReceivedBytes} bytes from the publisher`);
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

test("turn - relay-only over UDP to coturn: every selected pair is relayed, files as usual", async () => {
  await recordThroughTurn("udp");
});

test("turn - relay-only over TCP to coturn (turn:…?transport=tcp): media relayed, files as usual", async () => {
  await recordThroughTurn("tcp");
});
