/**
 * webrtcbin with `bundle-policy=max-bundle` (and Firefox under `max-bundle`) offers every m-line
 * after the first as `port 0` + `a=bundle-only` (RFC 8843 §7.2.1). werift takes port 0 as a
 * rejected m-line: the answer disables it and its media never arrives (notes/werift.md §1; seen
 * in test/interop-gstreamer.test.ts: a max-bundle publisher's Opus was lost). Before applying
 * an offer we therefore turn bundle-only m-lines of a BUNDLE group into ordinary bundled ones
 * (port 9, the "no port" of trickle ICE, RFC 8840 §4.1.1). They share the group's transport.
 */

/** The offer with its bundle-only m-lines made acceptable to werift; other SDP is unchanged. */
export function acceptBundleOnly(sdp: string): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const lines = sdp.split(eol);
  const bundled = new Set(
    lines.filter((l) => l.startsWith("a=group:BUNDLE ")).flatMap((l) => l.slice("a=group:BUNDLE ".length).trim().split(/\s+/)),
  );
  if (bundled.size === 0) return sdp;
  // Split into the session part and one block per m-section.
  const sections: string[][] = [[]];
  for (const line of lines) {
    if (line.startsWith("m=")) sections.push([]);
    sections[sections.length - 1]!.push(line);
  }
  const out = sections.map((section, i) => {
    if (i === 0) return section;
    const mid = section.find((l) => l.startsWith("a=mid:"))?.slice("a=mid:".length).trim();
    const bundleOnly = section.includes("a=bundle-only");
    const m = /^m=(\S+) 0 (.*)$/.exec(section[0]!);
    if (!bundleOnly || !m || mid === undefined || !bundled.has(mid)) return section;
    return [`m=${m[1]} 9 ${m[2]}`, ...section.slice(1).filter((l) => l !== "a=bundle-only")];
  });
  return out.flat().join(eol);
}
