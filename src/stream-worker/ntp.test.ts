import { test } from "node:test";
import assert from "node:assert/strict";
import { ntpToUnixMs } from "./ntp.ts";

const ntp = (seconds: number, fraction: number) => (BigInt(seconds) << 32n) | BigInt(fraction);

test("ntp - the Unix epoch is NTP second 2208988800", () => {
  assert.equal(ntpToUnixMs(ntp(2_208_988_800, 0)), 0);
});

test("ntp - the fraction is binary: 0x80000000 is half a second, not .2147", () => {
  assert.equal(ntpToUnixMs(ntp(2_208_988_801, 0x8000_0000)), 1500);
});

test("ntp - 0.05 s and 0.5 s decode differently (werift's ntpTime2Sec reads both as .2147)", () => {
  const fiftyMs = Math.round(0.05 * 2 ** 32);
  assert.ok(Math.abs(ntpToUnixMs(ntp(2_208_988_800, fiftyMs)) - 50) < 1e-6);
});

test("ntp - a 2026 timestamp round-trips to the millisecond", () => {
  const unixMs = Date.UTC(2026, 10, 22, 16, 47, 0, 123);
  const seconds = Math.floor(unixMs / 1000) + 2_208_988_800;
  const fraction = Math.round(((unixMs % 1000) / 1000) * 2 ** 32);
  assert.ok(Math.abs(ntpToUnixMs(ntp(seconds, fraction)) - unixMs) < 0.001);
});
