#!/usr/bin/env bash
# `npm start` runs this first: the demo's camera (the face check of qualification authentication) is read through
# ffmpeg, a Debian package. As root (or with passwordless sudo) it installs ffmpeg when missing; otherwise it says
# so and the demo starts anyway: the camera then reports "ffmpeg not installed" and the kiosk offers the
# staff-assisted path instead of the face check.
set -uo pipefail

command -v ffmpeg >/dev/null 2>&1 && exit 0

apt_line="apt-get update && apt-get install -y --no-install-recommends ffmpeg"
if [ "$(id -u)" -eq 0 ]; then
  echo "demo-deps: installing ffmpeg for the camera"
  DEBIAN_FRONTEND=noninteractive bash -c "$apt_line" >/dev/null || echo "demo-deps: could not install ffmpeg; the face check will be unavailable" >&2
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "demo-deps: installing ffmpeg for the camera (sudo)"
  sudo DEBIAN_FRONTEND=noninteractive bash -c "$apt_line" >/dev/null || echo "demo-deps: could not install ffmpeg; the face check will be unavailable" >&2
else
  echo "demo-deps: ffmpeg is missing, so the demo camera is off (face check unavailable; staff-assisted path works)." >&2
  echo "demo-deps: to enable it: sudo bash -c '$apt_line'" >&2
fi
exit 0
