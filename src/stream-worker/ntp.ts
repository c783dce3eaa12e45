/**
 * RTCP sender-report NTP time (RFC 3550 §4, RFC 5905 §6): 32 bits of seconds since 1900-01-01
 * and 32 bits of binary fraction. werift's `ntpTime2Sec` joins the two halves as decimal text,
 * so 0.5 s reads as .2147 s (notes/werift.md §2 "The NTP-mode bug"); this decodes it properly.
 */

/** Seconds between the NTP era 0 epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
const FRACTION_PER_SECOND = 2 ** 32;

/** A 64-bit NTP timestamp as milliseconds since the Unix epoch (fraction included). */
export function ntpToUnixMs(ntp: bigint): number {
  const seconds = Number((ntp >> 32n) & 0xffff_ffffn);
  const fraction = Number(ntp & 0xffff_ffffn);
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction * 1000) / FRACTION_PER_SECOND;
}
