import { createHash } from "node:crypto";

/**
 * Subject scheme (docs/architecture.md, "Bus subjects"):
 *
 *   rr.<scope>.<recording>.roster                       roster events (signaler → all)
 *   rr.<scope>.<recording>.roster.get                   request: current roster snapshot
 *   rr.<scope>.<recording>.stream.<key>.to-worker       signaling for one stream's worker
 *   rr.<scope>.<recording>.stream.<key>.from-worker     worker → signaler (ready, answers, ended)
 *   rr.<scope>.<recording>.stream.<key>.status          worker heartbeats (supervisor, status)
 *
 * `<scope>` is the Kubernetes namespace (or `local`), `<recording>` the RoomRecording name (or
 * the room). Every token goes through `subjectToken`, so a stranger's stream id can never add a
 * token or a wildcard.
 */
export interface SubjectScope {
  readonly scope: string;
  readonly recording: string;
}

const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A token that can never contain `.`, `*`, `>`, whitespace or a path separator, is at most
 * 64 + 13 characters, and is injective in practice: ids that are already safe map to
 * themselves; anything else becomes its sanitized prefix + `~` + 12 hex of SHA-256, and `~`
 * never occurs in a safe id, so the two forms cannot collide.
 */
export function subjectToken(id: string): string {
  if (SAFE_TOKEN.test(id)) return id;
  const readable = Array.from(id)
    .map((ch) => (/^[A-Za-z0-9_-]$/.test(ch) ? ch : "_"))
    .join("")
    .slice(0, 40);
  const digest = createHash("sha256").update(id, "utf8").digest("hex").slice(0, 12);
  return `${readable}~${digest}`;
}

/** The key of a stream on the bus and on disk: the token of its base (unhashed) id. */
export const streamKey = subjectToken;

const HASHED_TOKEN = /^[A-Za-z0-9_-]{0,40}~[0-9a-f]{12}$/;

/**
 * True for anything `subjectToken` can return. Keys are computed once, from the id, by the
 * signaler; everyone downstream checks them with this and uses them verbatim. Re-tokenizing a
 * key would hash the `~` form a second time, and accepting the `~` form in `subjectToken`
 * would let a stranger name a stream exactly like another stream's key.
 */
export function isSubjectToken(s: string): boolean {
  return SAFE_TOKEN.test(s) || HASHED_TOKEN.test(s);
}

function keyToken(key: string): string {
  if (!isSubjectToken(key)) throw new TypeError(`not a stream key: ${JSON.stringify(key.slice(0, 80))}`);
  return key;
}

function prefix(s: SubjectScope): string {
  return `rr.${subjectToken(s.scope)}.${subjectToken(s.recording)}`;
}

export const subjects = {
  roster: (s: SubjectScope) => `${prefix(s)}.roster`,
  rosterGet: (s: SubjectScope) => `${prefix(s)}.roster.get`,
  toWorker: (s: SubjectScope, key: string) => `${prefix(s)}.stream.${keyToken(key)}.to-worker`,
  fromWorker: (s: SubjectScope, key: string) => `${prefix(s)}.stream.${keyToken(key)}.from-worker`,
  status: (s: SubjectScope, key: string) => `${prefix(s)}.stream.${keyToken(key)}.status`,
  /** Request: "I will record this stream"; answered by its current owner (claim.ts). */
  claim: (s: SubjectScope, key: string) => `${prefix(s)}.stream.${keyToken(key)}.claim`,
  allFromWorker: (s: SubjectScope) => `${prefix(s)}.stream.*.from-worker`,
  allStatus: (s: SubjectScope) => `${prefix(s)}.stream.*.status`,
  /** Reply subjects of requests (NATS `inboxPrefix`): inside the recording, so its user may read them. */
  inbox: (s: SubjectScope) => `${prefix(s)}.inbox`,
  /** Everything of one recording: what a NATS user for it may use. */
  everything: (s: SubjectScope) => `${prefix(s)}.>`,
} as const;

/** NATS-style subject matching: `*` is one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== "*" && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
