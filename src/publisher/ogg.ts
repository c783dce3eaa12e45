/**
 * Ogg (RFC 3533) packet reader for Opus (RFC 7845): pages of lacing segments, a packet ends
 * at a segment shorter than 255 bytes. The first two packets are OpusHead and OpusTags; the
 * rest are audio. Pure: bytes in, packets out. (werift's OggParser returns raw segments and
 * does not join laced packets.)
 */
export interface OpusFile {
  readonly channels: number;
  readonly preSkip: number;
  readonly packets: readonly Buffer[];
}

export function oggPackets(buf: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let at = 0;
  while (at + 27 <= buf.length) {
    if (buf.toString("latin1", at, at + 4) !== "OggS") throw new Error(`no Ogg page at byte ${at}`);
    const segments = buf[at + 26]!;
    const table = buf.subarray(at + 27, at + 27 + segments);
    let body = at + 27 + segments;
    for (const lace of table) {
      if (body + lace > buf.length) throw new Error("Ogg page truncated");
      partial.push(buf.subarray(body, body + lace));
      body += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    at = body;
  }
  return packets;
}

export function parseOggOpus(buf: Buffer): OpusFile {
  const [head, tags, ...packets] = oggPackets(buf);
  if (!head || head.toString("latin1", 0, 8) !== "OpusHead") throw new Error("not an Ogg Opus file");
  if (!tags || tags.toString("latin1", 0, 8) !== "OpusTags") throw new Error("Ogg Opus file without OpusTags");
  return { channels: head[9]!, preSkip: head.readUInt16LE(10), packets };
}
