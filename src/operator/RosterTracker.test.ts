import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryBus } from "../bus/MemoryBus.ts";
import { subjects } from "../bus/subjects.ts";
import { createRootLogger } from "../observability/logger.ts";
import { RosterTracker } from "./RosterTracker.ts";
import { heartbeat, stream } from "./testing/fixtures.ts";
import { waitFor } from "../../test/harness/wait.ts";

const scope = { scope: "media", recording: "studio" };

function setup() {
  const lines: string[] = [];
  const log = createRootLogger({ level: "warn", destination: { write: (s: string) => void lines.push(s) } });
  const bus = new MemoryBus({ log });
  const changes: string[] = [];
  const tracker = new RosterTracker(bus, log, (key, kind) => changes.push(`${key}:${kind}`));
  return { bus, tracker, changes, lines };
}

test("RosterTracker - a snapshot answer, then joined/left events, build the roster", async () => {
  const { bus, tracker, changes } = setup();
  bus.subscribe(subjects.rosterGet(scope), (m) => bus.respond(m, { type: "snapshot", signaling: "connected", streams: [stream("a")] }));
  tracker.track("media/studio", scope);
  await waitFor(() => tracker.roster("media/studio")?.streams.length === 1, 5_000, "snapshot");
  bus.publish(subjects.roster(scope), { type: "joined", stream: stream("b") });
  bus.publish(subjects.roster(scope), { type: "left", key: "a", uuid: "someone-else", reason: "bye" });
  await waitFor(() => tracker.roster("media/studio")?.streams.length === 2, 5_000, "joined");
  assert.ok(tracker.roster("media/studio")!.streams.some((s) => s.key === "a"), "a left of another peer keeps the stream");
  bus.publish(subjects.roster(scope), { type: "left", key: "a", uuid: "peer-a", reason: "bye" });
  await waitFor(() => tracker.roster("media/studio")?.streams.length === 1, 5_000, "left");
  assert.ok(changes.every((c) => c === "media/studio:roster"));
  tracker.close();
  await bus.close();
});

test("RosterTracker - malformed roster events and misrouted heartbeats are logged and dropped", async () => {
  const { bus, tracker, lines } = setup();
  tracker.track("media/studio", scope);
  bus.publish(subjects.roster(scope), { type: "joined", stream: { key: 7 } });
  bus.publish(subjects.roster(scope), "garbage");
  // A heartbeat claiming stream "b" on stream "a"'s subject must not be attributed to "b".
  bus.publish(subjects.status(scope, "a"), heartbeat("b", "recording"));
  bus.publish(subjects.status(scope, "a"), { type: "heartbeat", key: "a" });
  await bus.flush();
  await waitFor(() => lines.length >= 4, 5_000, "four warnings");
  assert.equal(tracker.roster("media/studio"), undefined);
  assert.equal(tracker.heartbeats("media/studio").size, 0);
  bus.publish(subjects.status(scope, "a"), heartbeat("a", "recording"));
  await waitFor(() => tracker.heartbeats("media/studio").get("a"), 5_000, "a good heartbeat");
  tracker.close();
  await bus.close();
});
