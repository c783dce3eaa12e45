import { test } from "node:test";
import assert from "node:assert/strict";
import { childName, labelSafe, names, streamToken } from "./names.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

test("names - stream tokens keep case-different keys apart and are DNS labels", () => {
  assert.notEqual(streamToken("Alice"), streamToken("alice"));
  for (const key of ["Alice", "a~b", "___", "x".repeat(80), "😀"]) assert.match(streamToken(key), DNS_LABEL, key);
});

test("names - long recording names are shortened with a hash, never over 63", () => {
  const long = "r".repeat(200);
  const pod = names.workerPod(long, "some-stream", 12);
  assert.ok(pod.length <= 63, pod);
  assert.match(pod, DNS_LABEL);
  assert.notEqual(childName(long, "signaler"), childName(`${long}x`, "signaler"));
  assert.equal(childName("cam", "signaler"), "cam-signaler");
});

test("names - label values of long names fit 63 characters", () => {
  assert.equal(labelSafe("short"), "short");
  const v = labelSafe(`${"a".repeat(70)}.b`);
  assert.ok(v.length <= 63);
  assert.match(v, /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
});
