#!/usr/bin/env bash
# Installs the system packages the test suite needs (Debian): Chromium for browser tests, a CJK font so Chinese
# renders, socat for pseudo-terminals, PostgreSQL for the second database, ippeveprinter (a real IPP printer),
# zbarimg (a real QR decoder) and pdftotext/pdftoppm (real PDF readers) to check printed documents, ffmpeg for the camera. As root (or with passwordless sudo)
# it installs what is missing; otherwise it prints the exact apt line and stops.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v socat >/dev/null 2>&1 || need+=(socat)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei' || need+=(fonts-wqy-microhei)
command -v ippeveprinter >/dev/null 2>&1 || [ -x /usr/sbin/ippeveprinter ] || need+=(cups-ipp-utils)
# ippeveprinter needs a D-Bus to connect to even with DNS-SD off; tests start a private one.
command -v dbus-daemon >/dev/null 2>&1 || need+=(dbus-daemon)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# ffmpeg reads the camera (v4l2 / MJPEG over HTTP / files) for the face check.
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)

if [ ${#need[@]} -eq 0 ]; then
  echo "test-deps: chromium, socat, postgresql, fonts-wqy-microhei, cups-ipp-utils, dbus-daemon, zbar-tools, poppler-utils, ffmpeg are present"
  exit 0
fi

apt_line="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "test-deps: installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive bash -c "$apt_line"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "test-deps: installing ${need[*]} with sudo"
  sudo DEBIAN_FRONTEND=noninteractive bash -c "$apt_line"
else
  echo "test-deps: these system packages are missing: ${need[*]}" >&2
  echo "test-deps: run as root:  sudo bash -c '$apt_line'" >&2
  exit 1
fi
