import { test } from "node:test";
import assert from "node:assert/strict";
import { compileStreamFilters } from "./streamFilters.ts";

test("stream filters - no filters pass everything", () => {
  const pass = compileStreamFilters({ include: [], exclude: [] });
  assert.equal(pass("anything"), true);
});

test("stream filters - include is an exact match unless it has *", () => {
  const pass = compileStreamFilters({ include: ["cam1", "guest*"], exclude: [] });
  assert.equal(pass("cam1"), true);
  assert.equal(pass("cam10"), false);
  assert.equal(pass("xcam1"), false);
  assert.equal(pass("guest"), true);
  assert.equal(pass("guest_42"), true);
  assert.equal(pass("myguest"), false);
});

test("stream filters - exclude wins over include; regex characters are literal", () => {
  const pass = compileStreamFilters({ include: ["*"], exclude: ["a.b", "*_test"] });
  assert.equal(pass("a.b"), false);
  assert.equal(pass("axb"), true, ". is not a wildcard");
  assert.equal(pass("cam_test"), false);
  assert.equal(pass("cam_test2"), true);
  assert.equal(pass("line\nbreak_test"), false, "* spans any character");
});
