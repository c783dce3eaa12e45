/**
 * A finished recording sent to a browser (the status page's file links): read-only, typed by
 * its extension, and by byte ranges, without which a `<video>` cannot seek. Other extensions are
 * not media this recorder writes, so they are never served.
 */
import { createReadStream, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname } from "node:path";
import { pipeline } from "node:stream";

const MEDIA_TYPES: Readonly<Record<string, string>> = { ".webm": "video/webm", ".mkv": "video/x-matroska" };

/** The content type of a recording's file name; undefined for anything that is not one. */
export function mediaType(name: string): string | undefined {
  return MEDIA_TYPES[extname(name).toLowerCase()];
}

/**
 * The `Range` header of a GET (RFC 9110 §14.2) against a file of `size` bytes: one range `a-b`,
 * `a-` or `-n` as inclusive [first, last]; "unsatisfiable" when it starts past the end; undefined
 * (send the whole file) when absent, malformed or several ranges, which the RFC lets a server ignore.
 */
export function parseRange(header: string | undefined, size: number): readonly [number, number] | "unsatisfiable" | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    return suffix === 0 || size === 0 ? "unsatisfiable" : [Math.max(0, size - suffix), size - 1];
  }
  const first = Number(m[1]);
  if (first >= size) return "unsatisfiable";
  const last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  return last < first ? undefined : [first, last];
}

/** Answers GET/HEAD with the file at `path` (typed `type`), whole or the requested range. */
export function sendFile(req: IncomingMessage, res: ServerResponse, path: string, type: string, headers: Readonly<Record<string, string>>): void {
  const size = statSync(path, { throwIfNoEntry: false })?.size;
  if (size === undefined) {
    res.writeHead(404, { ...headers, "content-type": "text/plain" }).end("not found\n");
    return;
  }
  const range = parseRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${size}`, "content-type": "text/plain" }).end("range not satisfiable\n");
    return;
  }
  const [first, last] = range ?? [0, size - 1];
  res.writeHead(range ? 206 : 200, {
    ...headers,
    "content-type": type,
    "accept-ranges": "bytes",
    "content-length": String(last - first + 1),
    ...(range ? { "content-range": `bytes ${first}-${last}/${size}` } : {}),
  });
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  // pipeline, not pipe: a viewer that seeks away closes the response and the file must close
  // too; that premature close is how a seek ends, not a fault worth reporting.
  pipeline(createReadStream(path, { start: first, end: last }), res, () => undefined);
}
