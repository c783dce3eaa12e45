import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { NATS_ARG_OPTIONS, parseNatsSettings } from "./natsOptions.ts";
import { UsageError } from "./errors.ts";

const flags = (...args: string[]) => parseArgs({ args, options: NATS_ARG_OPTIONS, strict: true }).values;

test("parseNatsSettings - no --nats and no NATS_URL means no NATS", () => {
  assert.equal(parseNatsSettings(flags(), {}), undefined);
});

test("parseNatsSettings - URLs from repeated flags, comma lists, or NATS_URL; flags win", () => {
  assert.deepEqual(parseNatsSettings(flags("--nats", "nats://a:4222,nats://b:4222", "--nats", "nats://c:4222"), {})?.servers, [
    "nats://a:4222",
    "nats://b:4222",
    "nats://c:4222",
  ]);
  assert.deepEqual(parseNatsSettings(flags(), { NATS_URL: "nats://env:1" })?.servers, ["nats://env:1"]);
  assert.deepEqual(parseNatsSettings(flags("--nats", "nats://flag:1"), { NATS_URL: "nats://env:1" })?.servers, ["nats://flag:1"]);
  assert.throws(() => parseNatsSettings(flags("--nats", "http://x y"), {}), UsageError);
});

test("parseNatsSettings - secrets only from the environment or files; methods are exclusive", () => {
  const dir = mkdtempSync(join(tmpdir(), "rr-natsopt-"));
  writeFileSync(join(dir, "pw"), "s3cret\n");
  const s = parseNatsSettings(flags("--nats", "nats://h:1", "--nats-user", "rec", "--nats-password-file", join(dir, "pw")), {});
  assert.equal(s?.user, "rec");
  assert.equal(s?.password, "s3cret");
  assert.equal(parseNatsSettings(flags("--nats", "nats://h:1"), { NATS_TOKEN: "tok" })?.token, "tok");
  assert.equal(parseNatsSettings(flags("--nats", "nats://h:1"), { NATS_USER: "u", NATS_PASSWORD: "p" })?.password, "p");
  assert.throws(() => parseNatsSettings(flags("--nats", "nats://h:1", "--nats-user", "u"), { NATS_TOKEN: "t", NATS_PASSWORD: "p" }), /mutually exclusive/);
  assert.throws(() => parseNatsSettings(flags("--nats", "nats://h:1", "--nats-user", "u"), {}), /user and password go together/);
  assert.throws(() => parseNatsSettings(flags("--nats", "nats://h:1", "--nats-creds", "/c"), { NATS_NKEY: "/n" }), /mutually exclusive/);
  assert.throws(() => parseNatsSettings(flags("--nats", "nats://h:1", "--nats-token-file", join(dir, "missing")), {}), /cannot read/);
  assert.throws(() => parseNatsSettings(flags("--nats", "nats://h:1", "--nats-cert", "/c"), {}), /go together/);
  assert.deepEqual(parseNatsSettings(flags("--nats", "nats://h:1", "--nats-ca", "/ca"), {})?.tls, { caFile: "/ca" });
});

test("parseNatsSettings - with a scope, inboxes live under the recording's subjects", () => {
  const s = parseNatsSettings(flags("--nats", "nats://h:1"), {}, { scope: "ns", recording: "my.room" });
  assert.match(s!.inboxPrefix!, /^rr\.ns\.my_room~[0-9a-f]{12}\.inbox$/);
});
