import { test } from "node:test";
import assert from "node:assert/strict";
import { parseJsonFrame } from "./fields.ts";

test("parseJsonFrame - objects only, size checked before parsing", () => {
  assert.deepEqual(parseJsonFrame('{"a":1}'), { ok: true, msg: { a: 1 } });
  assert.deepEqual(parseJsonFrame("{nope"), { ok: false, error: "frame is not JSON" });
  assert.deepEqual(parseJsonFrame("[1]"), { ok: false, error: "frame is not a JSON object" });
  assert.deepEqual(parseJsonFrame("null"), { ok: false, error: "frame is not a JSON object" });
  assert.deepEqual(parseJsonFrame(`{"a":"${"x".repeat(100)}"}`, 50), { ok: false, error: "frame larger than 50 bytes" });
});
