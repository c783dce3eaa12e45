import {
  RTCRtpCodecParameters,
  useAbsSendTime,
  useAV1,
  useFIR,
  useG722,
  useH264,
  useNACK,
  useOPUS,
  usePCMA,
  usePCMU,
  usePLI,
  useREMB,
  useSdesMid,
  useVP8,
  useVP9,
  type PeerConfig,
} from "werift";
import type { IceServerConfig, IceSettings } from "../config/types.ts";
import type { VideoCodec } from "../media/types.ts";

/**
 * The werift configuration of a receive-only recorder, from the measurements in
 * notes/werift-vdoninja.md ("Recommended werift settings"):
 * - every video codec carries nack, nack pli, ccm fir and goog-remb, plus an RTX entry: without
 *   RTX, Chrome's padding probes silently break frames;
 * - NO transport-cc (neither rtcp-fb nor extension): with it Chrome stays at 320x180;
 * - the preferred codec goes first: the browser publisher sends what the answer lists first.
 */

const VIDEO_FEEDBACK = () => [useNACK(), usePLI(), useFIR(), useREMB()];

/** Local payload types (the answer keeps the offer's; these only pair each RTX with its codec). */
const VIDEO_CODECS: Record<VideoCodec, { make: () => RTCRtpCodecParameters; pt: number }> = {
  vp8: { make: () => useVP8({ payloadType: 96, rtcpFeedback: VIDEO_FEEDBACK() }), pt: 96 },
  h264: { make: () => useH264({ payloadType: 102, rtcpFeedback: VIDEO_FEEDBACK() }), pt: 102 },
  vp9: { make: () => useVP9({ payloadType: 98, rtcpFeedback: VIDEO_FEEDBACK() }), pt: 98 },
  av1: { make: () => useAV1({ payloadType: 100, rtcpFeedback: VIDEO_FEEDBACK() }), pt: 100 },
};

/** VP8 first by default: it is what every publisher offers and what records most reliably. */
const DEFAULT_ORDER: readonly VideoCodec[] = ["vp8", "h264", "vp9", "av1"];

export function videoCodecOrder(prefer: VideoCodec | undefined): VideoCodec[] {
  return prefer ? [prefer, ...DEFAULT_ORDER.filter((c) => c !== prefer)] : [...DEFAULT_ORDER];
}

export function videoCodecs(prefer: VideoCodec | undefined): RTCRtpCodecParameters[] {
  return videoCodecOrder(prefer).flatMap((name) => {
    const { make, pt } = VIDEO_CODECS[name];
    const rtx = new RTCRtpCodecParameters({ mimeType: "video/rtx", clockRate: 90000, payloadType: pt + 1, parameters: `apt=${pt}` });
    return [make(), rtx];
  });
}

export function audioCodecs(): RTCRtpCodecParameters[] {
  // G.711 and G.722 for publishers that offer nothing else (issue 4); the recorder writes them to .mkv.
  return [useOPUS({ payloadType: 111 }), usePCMU(), usePCMA(), useG722()];
}

/**
 * werift uses only the first STUN URL and the first TURN URL of the whole list
 * (notes/werift.md §1). Pick them on purpose: the first STUN, and the first UDP TURN (the
 * cheapest relay), else the first TURN of any transport.
 */
export function selectIceServers(servers: readonly IceServerConfig[]): IceServerConfig[] {
  const stun = servers.find((s) => /^stuns?:/i.test(s.urls));
  const turns = servers.filter((s) => /^turns?:/i.test(s.urls));
  const udpTurn = turns.find((s) => /^turn:/i.test(s.urls) && !/transport=tcp/i.test(s.urls));
  const turn = udpTurn ?? turns[0];
  return [stun, turn].filter((s): s is IceServerConfig => s !== undefined);
}

export function peerConfig(ice: IceSettings, prefer: VideoCodec | undefined): Partial<PeerConfig> {
  return {
    codecs: { audio: audioCodecs(), video: videoCodecs(prefer) },
    headerExtensions: { audio: [useSdesMid(), useAbsSendTime()], video: [useSdesMid(), useAbsSendTime()] },
    iceServers: selectIceServers(ice.iceServers).map((s) => ({
      urls: s.urls,
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.credential !== undefined ? { credential: s.credential } : {}),
    })),
    iceTransportPolicy: ice.relayOnly ? "relay" : "all",
    ...(ice.portRange ? { icePortRange: [ice.portRange[0], ice.portRange[1]] as [number, number] } : {}),
    ...(ice.additionalHostAddresses ? { iceAdditionalHostAddresses: [...ice.additionalHostAddresses] } : {}),
  };
}
