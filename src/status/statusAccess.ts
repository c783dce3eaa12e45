/**
 * Who may read the status port: the JSON, the page, its event stream and the recordings.
 *
 * With a token (required off loopback, config/statusOptions.ts) every request must carry it.
 * Scripts send `Authorization: Bearer <token>`; a browser cannot (a page load, an EventSource and
 * a `<video>` send no custom header), so opening `/?token=<token>` once trades it for an HttpOnly,
 * SameSite=Strict cookie that only the page's own requests carry.
 *
 * Without a token the port is on loopback, and the Host header must name loopback too: otherwise
 * any web site could read the recordings through a DNS name rebound to 127.0.0.1.
 */
import type { IncomingMessage } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { isLoopback } from "../config/statusOptions.ts";

export type AccessVerdict = "allowed" | "unauthorized" | "foreign-host";

const COOKIE = "rr_status_token";

export function checkAccess(req: IncomingMessage, token: string | undefined): AccessVerdict {
  if (token === undefined) return loopbackHost(req.headers.host) ? "allowed" : "foreign-host";
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  return sameSecret(bearer ?? cookieToken(req.headers.cookie) ?? "", token) ? "allowed" : "unauthorized";
}

/** The `Set-Cookie` value for a `?token=` that is the token; undefined for anything else. */
export function loginCookie(given: string | null, token: string | undefined): string | undefined {
  if (token === undefined || given === null || !sameSecret(given, token)) return undefined;
  return `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

function cookieToken(header: string | undefined): string | undefined {
  for (const pair of (header ?? "").split(";")) {
    const [name, value] = pair.trim().split("=", 2);
    if (name !== COOKIE || value === undefined) continue;
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `127.0.0.1:8080`, `localhost`, `[::1]:8080`; a missing Host (HTTP/1.0) is no browser's. */
function loopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  const name = /^\[([^\]]+)\]|^([^:]+)/.exec(host);
  return isLoopback(name?.[1] ?? name?.[2] ?? "");
}

/** Constant-time: digests of equal length, so neither length nor content leaks through timing. */
function sameSecret(given: string, token: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
