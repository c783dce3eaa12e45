/**
 * werift configuration of a test publisher: one video codec (the fixture's) with NACK/PLI and
 * an RTX entry, so werift answers the recorder's NACKs from its history as a browser would, and
 * Opus. No STUN/TURN unless given: test publishers usually run on the recorder's machine (host
 * candidates); behind a NAT (infra/nat/) they take STUN and TURN as a browser does.
 */
import { RTCRtpCodecParameters, useAbsSendTime, useH264, useNACK, useOPUS, usePLI, useREMB, useSdesMid, useVP8, type PeerConfig } from "werift";
import type { IceServerConfig } from "../config/types.ts";
import type { PublishCodec } from "./clips.ts";

const VIDEO_PT = 96;
const OPUS_PT = 111;

function videoCodec(codec: PublishCodec): RTCRtpCodecParameters {
  const feedback = [useNACK(), usePLI(), useREMB()];
  return codec === "vp8"
    ? useVP8({ payloadType: VIDEO_PT, rtcpFeedback: feedback })
    : useH264({ payloadType: VIDEO_PT, rtcpFeedback: feedback });
}

export function publisherPeerConfig(codec: PublishCodec, iceServers: readonly IceServerConfig[] = []): Partial<PeerConfig> {
  const rtx = new RTCRtpCodecParameters({ mimeType: "video/rtx", clockRate: 90000, payloadType: VIDEO_PT + 1, parameters: `apt=${VIDEO_PT}` });
  return {
    codecs: { audio: [useOPUS({ payloadType: OPUS_PT })], video: [videoCodec(codec), rtx] },
    headerExtensions: { audio: [useSdesMid(), useAbsSendTime()], video: [useSdesMid(), useAbsSendTime()] },
    iceServers: iceServers.map((s) => ({ ...s })),
  };
}
