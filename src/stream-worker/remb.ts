import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback } from "werift";

/**
 * REMB (draft-alvestrand-rmcat-remb): werift never sends one, and without transport-cc the
 * browser only ramps up past 320x180 when told how much it may send (notes/werift-vdoninja.md,
 * "Bandwidth pitfall": REMB at 2.5 Mb/s every second reached 1280x720).
 */

/** The video bitrate we invite the publisher to send. VDO.Ninja's own default is 2500 kb/s (spec §4.2). */
export const REMB_BITRATE_BPS = 2_500_000;
export const REMB_INTERVAL_MS = 1000;

const MANTISSA_BITS = 18;

/** Bitrate as REMB's 6-bit exponent and 18-bit mantissa (bitrate = mantissa << exp), rounded down. */
export function rembExponentMantissa(bps: number): { exp: number; mantissa: number } {
  let mantissa = Math.max(0, Math.floor(bps));
  let exp = 0;
  while (mantissa >= 2 ** MANTISSA_BITS) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  return { exp, mantissa };
}

/** An RTCP PSFB REMB packet for `mediaSsrcs` (the publisher's video SSRCs). */
export function buildRemb(senderSsrc: number, mediaSsrcs: readonly number[], bps: number): RtcpPayloadSpecificFeedback {
  const { exp, mantissa } = rembExponentMantissa(bps);
  return new RtcpPayloadSpecificFeedback({
    feedback: new ReceiverEstimatedMaxBitrate({
      senderSsrc,
      // RFC: the media source SSRC of a REMB is always 0; the SSRCs ride in the feedback list.
      mediaSsrc: 0,
      ssrcNum: mediaSsrcs.length,
      brExp: exp,
      brMantissa: mantissa,
      bitrate: BigInt(mantissa) << BigInt(exp),
      ssrcFeedbacks: [...mediaSsrcs],
    }),
  });
}
