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
import { recordOnePublisher } from "./harness/recorder.ts";
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
  const r = await recordOnePublisher({
    server: relay.url, room: "pw_room", streamId: "cam", outDir: out, seconds: 0,
    publisherPassword: "right one", recorderPassword: "wrong one", mediaTimeoutMs: 8000,
  });
  assert.equal(r.segments.length, 0);
  assert.equal(r.published.filter((v) => v.mediaStartedAt !== undefined).length, 0, "no viewer got media");
  // The recorder cannot see other rooms; what it can say is that its room is empty and that a
  // password mismatch puts it in a different room (spec §3.4).
  const warnings = r.recorderStderr.split("\n").filter((l) => /"level":(40|50)/.test(l));
  assert.ok(
    warnings.some((l) => /password/i.test(l) && /(empty|no stream)/i.test(l)),
    `a warning that names the password as the likely cause; warnings:\n${warnings.join("\n").slice(-3000)}`,
  );
});
