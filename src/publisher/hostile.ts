/**
 * What a misbehaving publisher (`--misbehave`) sends on `sendChannel` as soon as it opens,
 * before behaving normally: malformed, oversized and wrongly typed messages a recorder must log
 * and drop without losing the stream. Never `bye` (that would legitimately end the stream).
 * Never an empty string either: werift's SCTP sends it as a zero-length chunk and the channel
 * stalls for good (a transport fault, not a message a recorder could drop). Every message stays
 * under werift's 64 KiB max-message-size, or it would not leave at all.
 */
export function hostileDataChannelMessages(): (string | Buffer)[] {
  const json = (v: unknown) => JSON.stringify(v);
  return [
    "{not json",
    json([1, 2, 3]),
    json("a string"),
    json(null),
    json({ description: 5 }),
    json({ description: { type: "answer", sdp: 7 } }),
    json({ description: "zz", vector: "not hex" }),
    json({ candidates: "00ff", vector: "00112233445566778899aabbccddeeff" }),
    json({ candidates: [{ candidate: 5 }] }),
    json({ candidates: Array.from({ length: 500 }, () => ({ candidate: "candidate:1 1 udp 1 10.0.0.1 9 typ host" })) }),
    json({ ping: { nested: { deep: true } } }),
    json({ info: "not an object" }),
    json({ info: { label: "../../etc/passwd\u0000\n" } }),
    json({ info: { label: "x".repeat(60_000) } }),
    json({ session: 42, keyframe: true }),
    json({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
    Buffer.from([0, 1, 2, 3, 255]),
  ];
}
