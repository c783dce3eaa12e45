#!/usr/bin/python3
"""Plays one file through GStreamer `playbin` to EOS with unsynchronized fake sinks and prints one
JSON line: {"eos", "errors", "warnings", "sizes", "videoBuffers"}. Sizes come from the CAPS events
reaching the video sink (a pad probe sees every one; gst-launch -v reports them racily)."""
import json
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

Gst.init(None)
uri, timeout_s = sys.argv[1], float(sys.argv[2])
playbin = Gst.ElementFactory.make("playbin")
video_sink = Gst.ElementFactory.make("fakesink")
audio_sink = Gst.ElementFactory.make("fakesink")
for sink in (video_sink, audio_sink):
    sink.set_property("sync", False)
playbin.set_property("uri", uri)
playbin.set_property("video-sink", video_sink)
playbin.set_property("audio-sink", audio_sink)
report = {"eos": False, "errors": [], "warnings": [], "sizes": [], "videoBuffers": 0}


def on_pad(_pad, info):
    if info.type & Gst.PadProbeType.BUFFER:
        report["videoBuffers"] += 1
        return Gst.PadProbeReturn.OK
    event = info.get_event()
    if event.type == Gst.EventType.CAPS:
        s = event.parse_caps().get_structure(0)
        size = f"{s.get_value('width')}x{s.get_value('height')}"
        if not report["sizes"] or report["sizes"][-1] != size:
            report["sizes"].append(size)
    return Gst.PadProbeReturn.OK


video_sink.get_static_pad("sink").add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM | Gst.PadProbeType.BUFFER, on_pad)
loop = GLib.MainLoop()


def on_message(_bus, msg):
    if msg.type == Gst.MessageType.EOS:
        report["eos"] = True
        loop.quit()
    elif msg.type == Gst.MessageType.ERROR:
        report["errors"].append(str(msg.parse_error()[0].message))
        loop.quit()
    elif msg.type == Gst.MessageType.WARNING:
        report["warnings"].append(str(msg.parse_warning()[0].message))


bus = playbin.get_bus()
bus.add_signal_watch()
bus.connect("message", on_message)
GLib.timeout_add(int(timeout_s * 1000), loop.quit)
playbin.set_state(Gst.State.PLAYING)
loop.run()
playbin.set_state(Gst.State.NULL)
print(json.dumps(report))
