/**
 * Opus in Matroska/WebM (https://wiki.xiph.org/MatroskaOpus): CodecPrivate is an OpusHead
 * (RFC 7845 §5.1). WebRTC always signals 2 channels at 48 kHz (RFC 7587 §7); a decoder set up for
 * stereo plays mono packets too.
 */
export const OPUS_CODEC_ID = "A_OPUS";
export const OPUS_SAMPLE_RATE = 48000;
/** RTP gives no encoder pre-skip, so none is declared: nothing at the start is trimmed. */
export const OPUS_PRE_SKIP_SAMPLES = 0;
/** WebM requires SeekPreRoll for Opus; 80 ms is the value the Matroska Opus mapping recommends. */
export const OPUS_SEEK_PREROLL_NS = 80_000_000;

export function opusHead(channels = 2): Buffer {
  const b = Buffer.alloc(19);
  b.write("OpusHead", 0, "ascii");
  b[8] = 1;
  b[9] = channels;
  b.writeUInt16LE(OPUS_PRE_SKIP_SAMPLES, 10);
  b.writeUInt32LE(OPUS_SAMPLE_RATE, 12);
  b.writeInt16LE(0, 16);
  b[18] = 0;
  return b;
}
