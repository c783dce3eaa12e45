#!/usr/bin/python3
"""GStreamer webrtcbin test publisher (issue 3), the media half of a Raspberry.Ninja-style publisher.

One webrtcbin per viewer, offering videotestsrc (H.264 via x264enc, or VP8) and audiotestsrc (Opus)
plus the `sendChannel` data channel in its FIRST offer, as Raspberry.Ninja does (spec §2.5).
bundle-policy is max-compat unless --bundle-policy says otherwise: werift rejects bundle-only
m-lines (notes/werift.md §1), which max-bundle produces.

Signaling is not done here: the Node harness (test/harness/gstreamer.ts) owns the WebSocket,
hashing and encryption, and talks to this script in JSON lines over stdin/stdout:
  in:  {"type":"offer-request","peer":P}  {"type":"answer","peer":P,"sdp":S}
       {"type":"ice","peer":P,"candidate":C,"mline":N}  {"type":"dc-send","peer":P,"data":TEXT}
       {"type":"close","peer":P}
  out: {"type":"ready"}  {"type":"offer","peer":P,"sdp":S}  {"type":"ice","peer":P,"candidate":C,"mline":N}
       {"type":"dc-open","peer":P}  {"type":"dc","peer":P,"data":TEXT}  {"type":"state","peer":P,"state":X}
       {"type":"closed","peer":P}  {"type":"log","message":M}
"""
import argparse
import json
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

VIDEO = {
    "h264": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate={kbps} "
    "! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 aggregate-mode=zero-latency "
    "! application/x-rtp,media=video,encoding-name=H264,payload=102",
    "vp8": "vp8enc deadline=1 keyframe-max-dist=30 target-bitrate={bps} error-resilient=partitions "
    "! rtpvp8pay picture-id-mode=15-bit ! application/x-rtp,media=video,encoding-name=VP8,payload=96",
}


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def log(message):
    emit({"type": "log", "message": message})


class Peer:
    def __init__(self, peer_id, args):
        self.id = peer_id
        self.dc = None
        self.offered = False
        video = VIDEO[args.codec].format(kbps=args.kbps, bps=args.kbps * 1000)
        stun = f"stun-server={args.stun_server} " if args.stun_server else ""
        desc = (
            f"webrtcbin name=wb bundle-policy={args.bundle_policy} {stun}"
            f"videotestsrc is-live=true pattern=ball ! video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 "
            f"! videoconvert ! queue ! {video} ! wb. "
            f"audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue "
            f"! opusenc ! rtpopuspay ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! wb."
        )
        self.pipe = Gst.parse_launch(desc)
        self.wb = self.pipe.get_by_name("wb")
        self.wb.connect("on-negotiation-needed", self.on_negotiation_needed)
        self.wb.connect("on-ice-candidate", lambda _wb, mline, cand: emit({"type": "ice", "peer": self.id, "candidate": cand, "mline": mline}))
        self.wb.connect("notify::connection-state", self.on_state)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", lambda _b, m: log(f"{self.id}: pipeline error {m.parse_error()[0].message}"))
        self.pipe.set_state(Gst.State.PLAYING)
        # The data channel goes into the first offer, next to the media (as Raspberry.Ninja does).
        self.dc = self.wb.emit("create-data-channel", "sendChannel", None)
        if self.dc is not None:
            self.dc.connect("on-open", lambda _c: emit({"type": "dc-open", "peer": self.id}))
            self.dc.connect("on-message-string", lambda _c, text: emit({"type": "dc", "peer": self.id, "data": text}))

    def on_state(self, wb, _pspec):
        emit({"type": "state", "peer": self.id, "state": wb.get_property("connection-state").value_nick})

    def on_negotiation_needed(self, wb):
        # Offer once; what we publish never changes, so later negotiation-needed are noise.
        if self.offered:
            return
        self.offered = True
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, None)
        wb.emit("create-offer", None, promise)

    def on_offer_created(self, promise, _data):
        promise.wait()
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply is not None else None
        if offer is None:
            log(f"{self.id}: create-offer failed: {reply.to_string() if reply is not None else 'no reply'}")
            return
        self.wb.emit("set-local-description", offer, Gst.Promise.new())
        emit({"type": "offer", "peer": self.id, "sdp": offer.sdp.as_text()})

    def set_answer(self, sdp_text):
        res, sdp = GstSdp.SDPMessage.new_from_text(sdp_text)
        if res != GstSdp.SDPResult.OK:
            log(f"{self.id}: unparsable answer")
            return
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        self.wb.emit("set-remote-description", answer, Gst.Promise.new())

    def add_ice(self, candidate, mline):
        self.wb.emit("add-ice-candidate", int(mline), candidate)

    def send(self, text):
        if self.dc is not None:
            self.dc.emit("send-string", text)

    def close(self):
        self.pipe.set_state(Gst.State.NULL)
        emit({"type": "closed", "peer": self.id})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--codec", choices=sorted(VIDEO), default="h264")
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--fps", type=int, default=15)
    ap.add_argument("--kbps", type=int, default=800)
    # max-compat by default (werift rejects bundle-only m-lines, notes/werift.md §1); max-bundle
    # tests exactly that case.
    ap.add_argument("--bundle-policy", choices=["max-compat", "max-bundle", "balanced"], default="max-compat")
    # stun://host:port, as a browser behind a NAT has one (server-reflexive candidates).
    ap.add_argument("--stun-server")
    args = ap.parse_args()
    Gst.init(None)
    loop = GLib.MainLoop()
    peers = {}

    def on_line(line):
        try:
            msg = json.loads(line)
        except ValueError:
            log("bad input line")
            return
        kind, pid = msg.get("type"), msg.get("peer")
        peer = peers.get(pid)
        if kind == "offer-request" and peer is None:
            peers[pid] = Peer(pid, args)
        elif kind == "answer" and peer:
            peer.set_answer(msg["sdp"])
        elif kind == "ice" and peer:
            peer.add_ice(msg["candidate"], msg.get("mline", 0))
        elif kind == "dc-send" and peer:
            peer.send(msg["data"])
        elif kind == "close" and peer:
            peers.pop(pid).close()

    def on_stdin(channel, _condition):
        line = channel.readline()
        if not line:  # the harness went away: stop every pipeline and exit
            for p in list(peers.values()):
                p.close()
            loop.quit()
            return False
        on_line(line)
        return True

    channel = GLib.IOChannel.unix_new(sys.stdin.fileno())
    GLib.io_add_watch(channel, GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN | GLib.IOCondition.HUP | GLib.IOCondition.ERR, on_stdin)
    emit({"type": "ready"})
    loop.run()


if __name__ == "__main__":
    main()
