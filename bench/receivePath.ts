/**
 * `node bench/receivePath.ts [WERIFT_MODULE]`: CPU per packet of werift's receive path as a
 * worker runs it — SRTP (AEAD-AES-128-GCM, what browsers negotiate with werift) decrypt, RTP
 * parse (`decryptPacket` where patches/ added it), receiver bookkeeping — on the bench's packet sizes, in one process without sockets.
 * Prints µs per packet (median of 7 rounds). Compare patched vs unpatched werift with
 * `npx patch-package --reverse` / `npx patch-package` around two runs, or pass the path of
 * an unpatched copy of werift's lib/index.mjs.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import type * as Werift from "werift";

const target = process.argv[2] ? pathToFileURL(process.argv[2]).href : "werift";
const w = (await import(target)) as typeof Werift;
const PACKETS = 3300; // 10 s of the bench stream (≈ 330 packets/s)
const ROUNDS = 7;

const key = { key: randomBytes(16), salt: randomBytes(12) };
const other = { key: randomBytes(16), salt: randomBytes(12) };
const profile = w.ProtectionProfileAeadAes128Gcm;
const keys = (l: typeof key, r: typeof key) => ({ localMasterKey: l.key, localMasterSalt: l.salt, remoteMasterKey: r.key, remoteMasterSalt: r.salt });
const sender = new w.SrtpSession({ keys: keys(key, other), profile });

// 1100-byte video packets and 160-byte audio packets, 10:1 like VP8 at 2.5 Mb/s + Opus 64 kb/s.
const wire = Array.from({ length: PACKETS }, (_, i) => {
  const audio = i % 11 === 10;
  const header = new w.RtpHeader({ sequenceNumber: i & 0xffff, timestamp: i * 3000, ssrc: audio ? 2 : 1, payloadType: audio ? 111 : 96, marker: i % 10 === 9 });
  return sender.encrypt(randomBytes(audio ? 160 : 1100), header);
});

const receiver = new w.RTCRtpReceiver({} as ConstructorParameters<typeof Werift.RTCRtpReceiver>[0], "video", 1234);
receiver.prepareReceive({ codecs: [new w.RTCRtpCodecParameters({ payloadType: 96, mimeType: "video/VP8", clockRate: 90_000, rtcpFeedback: [{ type: "nack" }] }), new w.RTCRtpCodecParameters({ payloadType: 111, mimeType: "audio/opus", clockRate: 48_000, channels: 2 })], encodings: [] } as never);

function round(): number {
  // A fresh receiving context per round: the rollover state starts over with the sequence.
  const session = new w.SrtpSession({ keys: keys(other, key), profile });
  const t0 = process.cpuUsage();
  // The patched DTLS transport's one-parse path when there is one, else what stock werift does.
  const patched = session as unknown as { decryptPacket?: (b: Buffer) => Werift.RtpPacket };
  const decode = patched.decryptPacket ?? ((b: Buffer) => w.RtpPacket.deSerialize(session.decrypt(b)));
  for (const buf of wire) receiver.handleRtpBySsrc(decode(buf), {});
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / PACKETS;
}

round(); // JIT warm-up
const us = Array.from({ length: ROUNDS }, round).sort((a, b) => a - b);
receiver.stop();
process.stdout.write(`werift receive path (${target === "werift" ? "installed" : target}): ${us[ROUNDS >> 1]!.toFixed(1)} µs CPU per packet (min ${us[0]!.toFixed(1)}, max ${us.at(-1)!.toFixed(1)})\n`);
process.exit(0);
