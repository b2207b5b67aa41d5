#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prints the path of a promtool binary for tests/integration/test_prometheus.py:
# Debian's prometheus package is downloaded (apt-get download) and unpacked
# (dpkg-deb -x) into a cache directory, never installed, and the server in it
# is never started.  LSOCK_PROMTOOL_DIR chooses the cache (default
# /tmp/lsock-promtool).  Exits non-zero, saying why on stderr, when it cannot.
set -euo pipefail
dir=${LSOCK_PROMTOOL_DIR:-/tmp/lsock-promtool}
tool=$dir/usr/bin/promtool
if [[ -x $tool ]]; then
	echo "$tool"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt-get download fetches as the _apt user: let it write here.
chmod 777 "$work"
if ! apt-get download -qq prometheus >/dev/null 2>&1; then
	apt-get update -qq >/dev/null
	apt-get download -qq prometheus >/dev/null
fi
mkdir -p "$dir"
dpkg-deb -x prometheus_*.deb "$dir"
"$tool" --version >/dev/null
echo "$tool"
