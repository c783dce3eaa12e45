import { test } from "node:test";
import assert from "node:assert/strict";
import { NatsBus } from "../src/bus/NatsBus.ts";
import type { BusMessage } from "../src/bus/Bus.ts";
import { BusTimeoutError } from "../src/bus/errors.ts";
import { parseRosterEvent, type RosterEvent } from "../src/bus/messages.ts";
import { subjects, type SubjectScope } from "../src/bus/subjects.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { startNats } from "./harness/nats.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { startRole } from "./harness/roleProcess.ts";
import { waitFor } from "./harness/wait.ts";

const WAIT_MS = 45_000;
const ROOM = "natsroster";
const scope: SubjectScope = { scope: "ns", recording: "rec" };
const other: SubjectScope = { scope: "ns", recording: "other" };
const log = createRootLogger({ level: "silent" });

test("signaler process over NATS with authorization - roster events and roster.get, across a signaler restart; another recording's user learns nothing", async () => {
  await using nats = await startNats({
    users: [
      { user: "rec", password: "rec-pw", allow: [subjects.everything(scope)] },
      { user: "other", password: "other-pw", allow: [subjects.everything(other)] },
    ],
  });
  await using relay = await startRelayProcess();
  const signalerArgs = ["--nats", nats.url, "--scope", scope.scope, "--recording", scope.recording, "--room", ROOM, "--server", relay.url];
  const signalerEnv = { NATS_USER: "rec", NATS_PASSWORD: "rec-pw" };
  const supervisor = await NatsBus.connect({ servers: [nats.url], user: "rec", password: "rec-pw", inboxPrefix: subjects.inbox(scope) }, log);
  const intruder = await NatsBus.connect({ servers: [nats.url], user: "other", password: "other-pw", inboxPrefix: subjects.inbox(other) }, log);
  const events: RosterEvent[] = [];
  const stolen: BusMessage[] = [];
  supervisor.subscribe(subjects.roster(scope), (m) => {
    const e = parseRosterEvent(m.data);
    if (e) events.push(e);
  });
  intruder.subscribe(subjects.everything(scope), (m) => stolen.push(m));
  await supervisor.flush();
  await intruder.flush();

  await using first = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "cam_one" });
  let signaler = startRole("signaler", signalerArgs, signalerEnv);
  try {
    const rosterHas = async (id: string) => {
      const snap = parseRosterEvent(await supervisor.request(subjects.rosterGet(scope), null, { timeoutMs: 3000 }).catch(() => undefined));
      return snap?.type === "snapshot" && snap.streams.some((s) => s.streamId === id) && snap;
    };
    await waitFor(() => rosterHas("cam_one"), WAIT_MS, "roster.get to list cam_one");
    assert.ok(events.some((e) => e.type === "joined" && e.stream.streamId === "cam_one"), "joined published");

    // A restarted signaler (a pod replaced) announces the room at once and keeps following it.
    assert.equal(await signaler.kill(), "SIGKILL");
    const before = events.length;
    signaler = startRole("signaler", signalerArgs, signalerEnv);
    await waitFor(
      () => events.slice(before).some((e) => e.type === "snapshot" && e.streams.some((s) => s.streamId === "cam_one")),
      WAIT_MS,
      "a snapshot from the new signaler",
    );
    await using second = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "cam_two" });
    await waitFor(() => events.some((e) => e.type === "joined" && e.stream.streamId === "cam_two"), WAIT_MS, "cam_two joined after the restart");
    await waitFor(() => rosterHas("cam_two"), WAIT_MS, "roster.get to list cam_two");

    await assert.rejects(intruder.request(subjects.rosterGet(scope), null, { timeoutMs: 1000 }), BusTimeoutError);
    await intruder.flush();
    assert.deepEqual(stolen, [], "another recording's user read nothing");
    assert.equal(await signaler.stop(), 0, "SIGTERM is a clean exit");
  } catch (err) {
    process.stderr.write(`signaler stderr:\n${signaler.stderr().slice(-5000)}\n`);
    throw err;
  } finally {
    await signaler.stop();
    await supervisor.close();
    await intruder.close();
  }
});
