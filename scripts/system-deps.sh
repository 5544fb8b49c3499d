#!/bin/sh
# Install the Debian packages Sunlight needs, or say clearly what is missing.
#   scripts/system-deps.sh run   CJK fonts for the LED renderer and pages, espeak-ng for
#                                the calls' default voice clips and other words (calling/voice.py),
#                                poppler-utils (pdftoppm renders public PDFs' pages for the kiosk)
#   scripts/system-deps.sh test  the above, plus Chromium (browser tests) and PostgreSQL
#   scripts/system-deps.sh bench the above, plus wrk for load benchmarks
#   scripts/system-deps.sh scaled  PostgreSQL, Redis, nginx with Nchan (make scaled)
# Tests and benchmarks also run the scaled deployment, so they take its packages.
set -eu
want="fonts-noto-cjk fonts-wqy-zenhei xfonts-wqy espeak-ng poppler-utils"
scaled="redis-server nginx libnginx-mod-nchan"
case "${1:-run}" in
  # poppler-utils (in $want): the print tests also read the PDF Chromium prints;
  # nodejs: the kiosk's search and submission rules run against shared test vectors;
  # redis-server (in $scaled): shared rate-limit counters of several nodes.
  # python3-async-timeout: the packaged layout's test runs Debian's python3 (tests/deb).
  test) want="$want chromium postgresql python3-async-timeout $scaled" ;;
  bench) want="$want chromium postgresql wrk $scaled" ;;
  scaled) want="$want postgresql $scaled" ;;
esac
case "${1:-run}" in
  test) command -v node >/dev/null || want="$want nodejs" ;;
esac
missing=""
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
  echo "Installing Debian packages with sudo:$missing"
  sudo apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "Missing Debian packages:$missing" >&2
  echo "Install them with: apt-get install$missing" >&2
  exit 1
fi
