#!/usr/bin/env bash
# Regenerates the committed media fixtures under fixtures/ with Debian's ffmpeg. The test
# publisher (src/publisher/) reads these files at runtime without ffmpeg, so `npm ci` alone
# is enough for `npm run demo`.
#
# All three loop seamlessly: exactly SECONDS seconds, a whole number of video frames (30 fps,
# keyframe every 30 frames = 1 s, so a late joiner gets a picture within a second) and of
# Opus frames (20 ms), and the tone beeps on whole seconds.
#   test-pattern.ivf    VP8 in IVF, 640x360@30
#   test-pattern.h264   H.264 constrained baseline, Annex-B, an AUD before every access unit
#                       (the reader splits on it) and SPS/PPS repeated on every keyframe
#   tone.opus           Opus in Ogg, 48 kHz stereo, 20 ms frames: 1 kHz beep (100 ms) each second
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ffmpeg >/dev/null || { echo "make-fixtures: ffmpeg is missing (bash scripts/provision.sh)" >&2; exit 1; }

SECONDS_LONG=8
FPS=30
# libopus adds 312 samples of pre-skip: shorten the input by that much so the file holds exactly
# SECONDS_LONG / 20 ms packets and the loop stays in step with the video.
AUDIO_SECONDS=$(awk "BEGIN{print ${SECONDS_LONG} - 312/48000}")
OUT=fixtures
mkdir -p "$OUT"

FONT=$(fc-match -f '%{file}' 'DejaVu Sans Mono' 2>/dev/null || true)
# testsrc2 has moving parts of its own; the burnt-in media time and frame number make every
# frame distinguishable when a recording is inspected by eye.
VIDEO="testsrc2=size=640x360:rate=${FPS}:duration=${SECONDS_LONG}"
if [ -n "$FONT" ]; then
  VIDEO="${VIDEO},drawtext=fontfile=${FONT}:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6:x=16:y=16:text='%{pts\:hms} f%{frame_num}'"
fi
FF=(ffmpeg -hide_banner -loglevel error -y)

"${FF[@]}" -f lavfi -i "$VIDEO" -an \
  -c:v libvpx -b:v 350k -minrate 350k -maxrate 350k -g "$FPS" -keyint_min "$FPS" \
  -deadline good -cpu-used 4 -lag-in-frames 0 -auto-alt-ref 0 -error-resilient 1 \
  -f ivf "$OUT/test-pattern.ivf"

"${FF[@]}" -f lavfi -i "$VIDEO" -an \
  -c:v libx264 -profile:v baseline -level:v 3.0 -pix_fmt yuv420p -preset veryfast -tune zerolatency \
  -b:v 350k -maxrate 350k -bufsize 350k -g "$FPS" -keyint_min "$FPS" -sc_threshold 0 -bf 0 \
  -x264-params repeat-headers=1:aud=1 \
  -bsf:v h264_mp4toannexb -f h264 "$OUT/test-pattern.h264"

"${FF[@]}" -f lavfi -i "aevalsrc='if(lt(mod(t\,1)\,0.1)\,0.5*sin(2*PI*1000*t)\,0)|if(lt(mod(t\,1)\,0.1)\,0.5*sin(2*PI*1000*t)\,0)':s=48000:d=${AUDIO_SECONDS}" \
  -c:a libopus -b:a 32k -frame_duration 20 -application audio -vbr off \
  -f ogg "$OUT/tone.opus"

ls -l "$OUT"
