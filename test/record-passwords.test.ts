/**
 * Issue 2 acceptance: the three password variants of spec §3.2 (VDO.Ninja's default, a custom
 * one, and `false` = no hashing, no encryption) all record; a recorder with the wrong password
 * lands in another room (the room id is a hash of room + password + salt), records nothing,
 * and says so.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRelayProcess } from "./harness/relay.ts";
import { listSegments, recordOnePublisher, startRecorderProcess } from "./harness/recorder.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { waitFor } from "./harness/wait.ts";
import { decodeErrors, probe } from "./harness/ffprobe.ts";

const variants: { name: string; password: string | false | undefined }[] = [
  { name: "the default password", password: undefined },
  { name: "a custom password with a space", password: "s3cr3t pass" },
  { name: "--password false", password: false },
];

for (const v of variants) {
  test(`record - ${v.name}: the stream is recorded`, async () => {
    await using relay = await startRelayProcess();
    const out = mkdtempSync(join(tmpdir(), "rr-pw-"));
    const r = await recordOnePublisher({
      server: relay.url, room: "pw_room", streamId: "cam", outDir: out, seconds: 3,
      ...(v.password !== undefined ? { recorderPassword: v.password, publisherPassword: v.password } : {}),
    });
    assert.equal(r.recorderExitCode, 0, r.recorderStderr.slice(-3000));
    assert.equal(r.segments.length, 1, `segments: ${r.segments.map((s) => s.relative)}`);
    const p = await probe(r.segments[0]!.file);
    assert.deepEqual(p.streams.map((s) => s.type).sort(), ["audio", "video"]);
    assert.ok(p.durationSec > 2, `duration ${p.durationSec}`);
    assert.equal(await decodeErrors(r.segments[0]!.file), "");
  });
}

test("record - a wrong password records nothing and the recorder says why", async () => {
  await using relay = await startRelayProcess();
  const out = mkdtempSync(join(tmpdir(), "rr-pw-wrong-"));
  await using recorder = startRecorderProcess({ server: relay.url, room: "pw_room", outDir: out, password: "wrong one" });
  await using publisher = await startPublisherProcess({ server: relay.url, room: "pw_room", streamId: "cam", password: "right one" });
  // The recorder cannot see other rooms: a wrong password hashes to a different, empty room
  // (spec §3.4). What it can say is that its room stays empty and that the password may be why.
  const warningAboutPassword = () =>
    recorder.stderr().split("\n").find((l) => /"level":(40|50)/.test(l) && /password/i.test(l) && /(empty|no stream)/i.test(l));
  const notice = await waitFor(warningAboutPassword, 60_000, "a warning naming the password as the likely cause");
  assert.ok(notice);
  assert.deepEqual(listSegments(out), []);
  assert.equal(publisher.events.filter((e) => e.event === "viewer-connecting").length, 0, "nobody asked the publisher for media");
  assert.equal(await recorder.stop(), 0);
});
