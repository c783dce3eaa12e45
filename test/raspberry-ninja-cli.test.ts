/**
 * Raspberry.Ninja's command line, run as its users' scripts do (issue 14): `room-recorder --room R
 * --record-room --record-streams a,b --password P --server ws://… --turn-server turn://…
 * --ice-transport-policy relay`, no command name, with three werift publishers a, b and c in the
 * room. Only a and b are recorded, every connection through coturn (the worker's selected pair
 * is relayed on its side; coturn allocated), and stderr has one migration line per flag.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCoturn } from "./harness/coturn.ts";
import { selectedPairs } from "./harness/iceLog.ts";
import { startPublisherProcess, type PublisherProcess } from "./harness/publisher.ts";
import { listSegments, startRoomRecorder } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { assertStreamRecorded, finalizedSegments } from "./interop/recordings.ts";
import { streamKey } from "../src/bus/subjects.ts";

const ROOM = "rn_room";
const PASSWORD = "rn-pass";
const RECORD_MS = 4_000;

test("raspberry.ninja cli - --record-room --record-streams a,b through a TURN relay: a and b recorded via coturn, c not, a line per flag", async () => {
  const outDir = await mkdtemp(join(tmpdir(), "rr-rn-cli-"));
  try {
    await using turn = await startCoturn();
    await using relay = await startRelay({ port: 0, dialect: "official" });
    const turnServer = `turn://${turn.username}:${turn.password}@${turn.host}:${turn.port}`;
    await using recorder = startRoomRecorder([
      "--room", ROOM, "--record-room", "--record-streams", "a,b", "--password", PASSWORD, "--server", relay.url,
      "--turn-server", turnServer, "--ice-transport-policy", "relay", "--out", outDir,
    ]);
    const pubs: PublisherProcess[] = [];
    try {
      for (const streamId of ["a", "b", "c"]) pubs.push(await startPublisherProcess({ server: relay.url, room: ROOM, streamId, password: PASSWORD }));
      const [a, b] = pubs;
      await Promise.all([a!, b!].map((p) => p.mediaStarted(60_000))).catch((err: Error) => {
        throw new Error(`${err.message}\ncoturn: ${turn.logs().slice(-10).join("\n")}\nrecorder: ${recorder.stderr().slice(-4000)}`);
      });
      await new Promise((resolve) => setTimeout(resolve, RECORD_MS));
      for (const p of pubs) await p.stop();
      await waitFor(() => ["a", "b"].every((s) => finalizedSegments(outDir, s).length > 0), 30_000, "a and b finalized");
      assert.equal(await recorder.stop(), 0, recorder.stderr().slice(-3000));
    } finally {
      for (const p of pubs) await p.kill();
    }

    const lines = recorder.stderr().split("\n").filter((l) => l.startsWith("room-recorder: Raspberry.Ninja flag "));
    for (const flag of ["--room", "--record-room", "--record-streams", "--password", "--server", "--turn-server", "--ice-transport-policy"]) {
      assert.equal(lines.filter((l) => l.startsWith(`room-recorder: Raspberry.Ninja flag ${flag} `)).length, 1, `one line for ${flag}:\n${lines.join("\n")}`);
    }
    assert.equal(lines.length, 7, lines.join("\n"));
    assert.doesNotMatch(recorder.stderr(), new RegExp(`${turn.password}|${PASSWORD}`), "a secret in the recorder's output");

    await assertStreamRecorded(outDir, "a", "vp8");
    await assertStreamRecorded(outDir, "b", "vp8");
    assert.deepEqual([...new Set(listSegments(outDir).map((s) => s.streamDir))].sort(), [streamKey("a"), streamKey("b")], "c was not recorded");
    const pairs = selectedPairs(recorder.stderr());
    assert.ok(pairs.length >= 2 && pairs.every((p) => p.local === "relay"), `selected pairs ${JSON.stringify(pairs)}`);
    assert.ok(turn.stats().allocations >= 2, `coturn: ${JSON.stringify(turn.stats())}`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
