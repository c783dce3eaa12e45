/**
 * ICE failure is visible and retried (issue 12), with real processes on loopback: a werift
 * publisher (`room-recorder publish`), `room-recorder record --relay-only` pointed at a coturn
 * that is stopped or refuses the recorder's credentials. The worker must name the cause within
 * 30 s of the publisher joining, keep the stream (no `peer-lost`, so no `Left`) while she keeps
 * offering, and record her once coturn is fixed, without her joining again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCoturn, type Coturn } from "./harness/coturn.ts";
import { freePort } from "./harness/freePort.ts";
import { iceFailures, selectedPairs } from "./harness/iceLog.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { startRecorderProcess } from "./harness/recorder.ts";
import { startRelay } from "./harness/relay.ts";
import { waitFor } from "./harness/wait.ts";
import { assertStreamRecorded, finalizedSegments, workerEndReasons } from "./interop/recordings.ts";

const CAUSE_WITHIN_MS = 30_000;
/** One retry cycle of the worker (2-8 s wait, ~7-13 s of werift gathering against a dead TURN, 3 s grace, probe). */
const RECOVER_WITHIN_MS = 90_000;
const USER = "recorder";
const PASSWORD = "turn-secret-pw";

async function brokenTurnThenFixed(broken: "stopped" | "wrong-password", waitForWorkerExit: boolean): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), "rr-ice-failure-"));
  let turn: Coturn | undefined;
  try {
    const port = await freePort();
    const fixed = () => startCoturn({ port, username: USER, password: PASSWORD });
    if (broken === "wrong-password") turn = await startCoturn({ port, username: USER, password: "not-what-the-recorder-has" });
    await using relay = await startRelay({ port: 0, dialect: "official" });
    const turnUrl = `turn:${USER}:${PASSWORD}@127.0.0.1:${port}`;
    await using recorder = startRecorderProcess({ server: relay.url, room: "icefail", outDir, args: ["--turn", turnUrl, "--relay-only"] });
    const stream = `ice_${broken.replace("-", "_")}`;
    await using publisher = await startPublisherProcess({ server: relay.url, room: "icefail", streamId: stream });
    const joined = Date.now();

    const expected = broken === "stopped" ? "turn-unreachable" : "turn-auth";
    const first = await waitFor(() => iceFailures(recorder.stderr())[0], CAUSE_WITHIN_MS, `an ICE failure reported within ${CAUSE_WITHIN_MS} ms`).catch((err: Error) => {
      throw new Error(`${err.message}\nrecorder: ${recorder.stderr().slice(-4000)}`);
    });
    assert.equal(first.cause, expected, first.detail);
    console.log(`${broken}: cause "${first.cause}" reported ${Date.now() - joined} ms after the publisher joined: ${first.detail}`);

    if (waitForWorkerExit) {
      // The loss budget is spent while she keeps offering: exit 4, and the supervisor starts a new worker.
      await waitFor(() => recorder.stderr().includes("worker found no ICE path to the publisher: retrying"), RECOVER_WITHIN_MS, "the worker's ice-failed exit and the supervisor's retry");
      assert.deepEqual(workerEndReasons(recorder.stderr(), stream), ["ice-failed"]);
      console.log(`${broken}: worker exited ice-failed (exit 4) ${Date.now() - joined} ms after the publisher joined; supervisor retries`);
    }

    await turn?.stop();
    turn = await fixed();
    const fixedAt = Date.now();
    await publisher.mediaStarted(RECOVER_WITHIN_MS).catch((err: Error) => {
      throw new Error(`${err.message}\nrecorder: ${recorder.stderr().slice(-4000)}`);
    });
    console.log(`${broken}: media flows ${Date.now() - fixedAt} ms after coturn was fixed`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await publisher.stop();
    await waitFor(() => finalizedSegments(outDir, stream).length > 0, 30_000, `${stream} finalized`);
    await recorder.stop();

    assert.equal(publisher.events.filter((e) => e.event === "seeded").length, 1, "the publisher joined once");
    assert.ok(selectedPairs(recorder.stderr()).every((p) => p.local === "relay"), JSON.stringify(selectedPairs(recorder.stderr())));
    assert.ok(selectedPairs(recorder.stderr()).length >= 1, "no connection reported its pair");
    assert.ok(!workerEndReasons(recorder.stderr(), stream).includes("peer-lost"), `end reasons ${workerEndReasons(recorder.stderr(), stream)}`);
    await assertStreamRecorded(outDir, stream, "vp8");
    assert.doesNotMatch(recorder.stderr(), new RegExp(PASSWORD), "the TURN password leaked into the recorder's logs");
  } finally {
    await turn?.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}

test("ice failure - TURN stopped: turn-unreachable within 30 s; coturn started: recorded through it, publisher joined once", async () => {
  await brokenTurnThenFixed("stopped", false);
});

test("ice failure - TURN refuses the credentials: turn-auth within 30 s, worker exits 4 and is retried; coturn fixed: recorded", async () => {
  await brokenTurnThenFixed("wrong-password", true);
});
