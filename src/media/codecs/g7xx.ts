/**
 * G.711 (PCMU, PCMA; RFC 3551 §4.5.14) and G.722 (RFC 3551 §4.5.2) in Matroska. WebM allows only
 * Opus/Vorbis, so these go into `.mkv` as `A_MS/ACM` with a WAVEFORMATEX CodecPrivate, the mapping
 * ffmpeg itself writes and reads for them (format tags 7, 6 and 0x028F). RTP payloads are the raw
 * codec bytes, so a packet is a block as it is.
 */
export const ACM_CODEC_ID = "A_MS/ACM";

export interface WaveFormat {
  readonly formatTag: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  readonly bytesPerSecond: number;
}

/** G.722 samples at 16 kHz though its RTP clock is 8 kHz (RFC 3551 §4.5.2), at 64 kbit/s. */
export const G7XX: Readonly<Record<"pcmu" | "pcma" | "g722", WaveFormat & { readonly rtpClockRate: number }>> = {
  pcmu: { formatTag: 0x0007, sampleRate: 8000, bitsPerSample: 8, bytesPerSecond: 8000, rtpClockRate: 8000 },
  pcma: { formatTag: 0x0006, sampleRate: 8000, bitsPerSample: 8, bytesPerSecond: 8000, rtpClockRate: 8000 },
  g722: { formatTag: 0x028f, sampleRate: 16000, bitsPerSample: 4, bytesPerSecond: 8000, rtpClockRate: 8000 },
};

/** WAVEFORMATEX (mono, block align 1, no extra bytes). */
export function waveFormatEx(f: WaveFormat): Buffer {
  const b = Buffer.alloc(18);
  b.writeUInt16LE(f.formatTag, 0);
  b.writeUInt16LE(1, 2);
  b.writeUInt32LE(f.sampleRate, 4);
  b.writeUInt32LE(f.bytesPerSecond, 8);
  b.writeUInt16LE(1, 12);
  b.writeUInt16LE(f.bitsPerSample, 14);
  b.writeUInt16LE(0, 16);
  return b;
}
