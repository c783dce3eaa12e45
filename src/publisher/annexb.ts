/**
 * H.264 Annex-B byte stream → access units. The fixture is written with an access unit
 * delimiter (AUD, NAL type 9) before every picture (scripts/make-fixtures.sh), so an access
 * unit is everything between two AUDs. Only the NAL units a decoder needs are kept (SPS, PPS,
 * slices); AUD and SEI are dropped, as browsers do not send them either. Pure.
 */
export const NAL_SLICE = 1;
export const NAL_IDR = 5;
const NAL_SEI = 6;
export const NAL_SPS = 7;
export const NAL_PPS = 8;
const NAL_AUD = 9;

export interface AccessUnit {
  /** The kept NAL units, without start codes. */
  readonly nalUnits: readonly Buffer[];
  readonly keyframe: boolean;
}

/** Split an Annex-B stream into NAL units (3- or 4-byte start codes), without start codes. */
export function splitAnnexB(buf: Buffer): Buffer[] {
  const starts: { at: number; len: number }[] = [];
  for (let i = 0; i + 2 < buf.length; i++) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      const four = i > 0 && buf[i - 1] === 0;
      starts.push({ at: four ? i - 1 : i, len: four ? 4 : 3 });
      i += 2;
    }
  }
  return starts.map((s, n) => {
    const end = n + 1 < starts.length ? starts[n + 1]!.at : buf.length;
    return buf.subarray(s.at + s.len, end);
  });
}

export const nalType = (nal: Buffer): number => (nal[0] ?? 0) & 0x1f;

export function accessUnits(buf: Buffer): AccessUnit[] {
  const units: AccessUnit[] = [];
  let current: Buffer[] = [];
  const flush = () => {
    if (current.length === 0) return;
    units.push({ nalUnits: current, keyframe: current.some((n) => nalType(n) === NAL_IDR) });
    current = [];
  };
  for (const nal of splitAnnexB(buf)) {
    const type = nalType(nal);
    if (type === NAL_AUD) flush();
    else if (type !== NAL_SEI && nal.length > 1) current.push(nal);
  }
  flush();
  return units;
}

/** Re-join NAL units as Annex-B with 4-byte start codes (the H264Packetizer's input). */
export function toAnnexB(nalUnits: readonly Buffer[]): Buffer {
  const startCode = Buffer.from([0, 0, 0, 1]);
  return Buffer.concat(nalUnits.flatMap((n) => [startCode, n]));
}
