import { test } from "node:test";
import assert from "node:assert/strict";
import { saltForSite } from "./siteSalt.ts";

test("site salt - the browser's rule (spec §3.3)", () => {
  for (const [site, salt] of [
    ["https://vdo.ninja/", "vdo.ninja"],
    ["https://backup.vdo.ninja/", "vdo.ninja"],
    ["https://rtc.ninja", "rtc.ninja"],
    ["https://x.versus.cam/", "versus.cam"],
    ["https://steveseguin.github.io/vdo.ninja/", "vdo.ninja"],
    ["https://localhost:8443/", "vdo.ninja"],
    ["http://192.168.1.5/", "vdo.ninja"],
    ["https://[::1]/", "vdo.ninja"],
    // A self-hosted domain salts with its full host name (Raspberry.Ninja took the last two labels).
    ["https://video.example.com/", "video.example.com"],
    ["Video.Example.com", "video.example.com"],
  ] as const) {
    assert.equal(saltForSite(site), salt, site);
  }
  assert.equal(saltForSite("https://"), undefined);
});
