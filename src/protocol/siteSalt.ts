/**
 * The hashing salt a VDO.Ninja page uses, from the site's address (spec §3.3, the browser's
 * rule): publishers on a self-hosted site hash and encrypt with it, so a recorder told the
 * site (Raspberry.Ninja's `--hostname`) must derive the same salt to find and decrypt them.
 */
import { isIP } from "node:net";
import { DEFAULT_SALT } from "./defaults.ts";

/** Sites whose subdomains share the two-label salt (`backup.vdo.ninja` → `vdo.ninja`). */
const SHARED_SALT_DOMAINS: ReadonlySet<string> = new Set(["vdo.ninja", "rtc.ninja", "versus.cam", "socialstream.ninja"]);

/** Salt for a site URL (`https://vdo.example.com/`) or bare host name; undefined if unparsable. */
export function saltForSite(site: string): string | undefined {
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(site) ? site : `https://${site}`).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return undefined;
  }
  if (host === "") return undefined;
  if (host === "localhost" || host === "steveseguin.github.io" || isIP(host) !== 0) return DEFAULT_SALT;
  const lastTwo = host.split(".").slice(-2).join(".");
  return SHARED_SALT_DOMAINS.has(lastTwo) ? lastTwo : host;
}
