#!/bin/bash
# SPDX-License-Identifier: MIT
#
# lsock benchmark: lsock side by side with ss and netstat over a large socket
# load held by loadgen inside a private network namespace.  Not a test: CTest
# does not run it.  Needs root, unshare, hyperfine, python3, /usr/bin/time.
#
#   tests/bench/run.sh [compare|memory|unix|all] [options]     (see --help)
#
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

usage() {
	cat <<EOF
usage: tests/bench/run.sh [MODE] [options]

Modes:
  compare  (default) hyperfine + peak RSS of lsock vs ss vs netstat for -tan,
           -tanp, -tulpn, lsock -tani vs ss -tani (tcp_info, no netstat),
           and lsock -tan --json vs ss -tan; Markdown table of
           medians and lsock/ss ratios, checked against the targets
  memory   peak RSS of lsock -tan / -tanp at several loads (linear growth)
  unix     lsock -xap vs ss -xap over ~500k UNIX sockets in 25 processes
  all      the three above, in that order
  netns    lsock --all-netns -tuanp against the sum of `ip netns exec X ss -tuanp`
           over BENCH_NETNS namespaces holding BENCH_NETNS_SOCKETS sockets each
           (one run each; not part of all)

Options (environment variable in brackets):
  -c N            TCP connections, 2 sockets each [BENCH_CONNS=50000]
  -l N            TCP listeners [BENCH_LISTENERS=100]
  -u N            UDP sockets [BENCH_UDP=100]
  -x N            UNIX sockets [BENCH_UNIX=10000]
  -r N            hyperfine runs [BENCH_RUNS=10]
  -m N            runs per peak-RSS median [BENCH_RSS_RUNS=3]
  --lsock PATH    lsock binary [LSOCK, default ./build/lsock]
  --baseline PATH an earlier lsock binary measured in the same run (compare
                  mode, and -tan in memory mode), for before/after ratios; the
                  text and JSON of both over the load are also compared byte
                  for byte [BENCH_BASELINE]
  --out DIR       results directory [BENCH_OUT=./build/bench]
  --mem-conns "A B ..."   connection counts for memory mode [BENCH_MEM_CONNS="25000 50000 100000"]
  --unix-sockets N        UNIX sockets for unix mode [BENCH_UNIX_BIG=500000]
  --unix-procs N          holder processes for unix mode [BENCH_UNIX_PROCS=25]
  --skip-ss       do not run ss -xap in unix mode (it takes ~1-2 min) [BENCH_SKIP_SS=1]
  --mem-no-owners leave -tanp out of memory mode (ss -tanp takes minutes at 1M
                  sockets) [BENCH_MEM_OWNERS=0]
  --skip-netstat  leave netstat out of compare mode [BENCH_SKIP_NETSTAT=1]
EOF
}

die() {
	echo "run.sh: $*" >&2
	exit 1
}

log() {
	echo "== $*" >&2
}

# ---------------------------------------------------------------------------
# Outside the namespace: parse options, build loadgen, re-exec under unshare.
# ---------------------------------------------------------------------------
if [[ "${1:-}" != "__inside" ]]; then
	MODE=compare
	while [[ $# -gt 0 ]]; do
		case "$1" in
		compare|memory|unix|all|netns) MODE=$1 ;;
		-c) BENCH_CONNS=$2; shift ;;
		-l) BENCH_LISTENERS=$2; shift ;;
		-u) BENCH_UDP=$2; shift ;;
		-x) BENCH_UNIX=$2; shift ;;
		-r) BENCH_RUNS=$2; shift ;;
		-m) BENCH_RSS_RUNS=$2; shift ;;
		--lsock) LSOCK=$2; shift ;;
		--baseline) BENCH_BASELINE=$2; shift ;;
		--out) BENCH_OUT=$2; shift ;;
		--mem-conns) BENCH_MEM_CONNS=$2; shift ;;
		--unix-sockets) BENCH_UNIX_BIG=$2; shift ;;
		--unix-procs) BENCH_UNIX_PROCS=$2; shift ;;
		--skip-ss) BENCH_SKIP_SS=1 ;;
		--mem-no-owners) BENCH_MEM_OWNERS=0 ;;
		--skip-netstat) BENCH_SKIP_NETSTAT=1 ;;
		-h|--help) usage; exit 0 ;;
		*) usage >&2; exit 2 ;;
		esac
		shift
	done
	export BENCH_CONNS=${BENCH_CONNS:-50000}
	export BENCH_LISTENERS=${BENCH_LISTENERS:-100}
	export BENCH_UDP=${BENCH_UDP:-100}
	export BENCH_UNIX=${BENCH_UNIX:-10000}
	export BENCH_RUNS=${BENCH_RUNS:-10}
	export BENCH_RSS_RUNS=${BENCH_RSS_RUNS:-3}
	export BENCH_MEM_CONNS=${BENCH_MEM_CONNS:-25000 50000 100000}
	export BENCH_UNIX_BIG=${BENCH_UNIX_BIG:-500000}
	export BENCH_UNIX_PROCS=${BENCH_UNIX_PROCS:-25}
	export BENCH_SKIP_SS=${BENCH_SKIP_SS:-0}
	export BENCH_MEM_OWNERS=${BENCH_MEM_OWNERS:-1}
	export BENCH_SKIP_NETSTAT=${BENCH_SKIP_NETSTAT:-0}
	export BENCH_MODE=$MODE
	export BENCH_NETNS=${BENCH_NETNS:-100}
	export BENCH_NETNS_SOCKETS=${BENCH_NETNS_SOCKETS:-100}

	[[ $(id -u) -eq 0 ]] || die "needs root (unshare -n, sysctl inside the namespace)"
	for tool in unshare ip sysctl hyperfine python3 ss cc; do
		command -v "$tool" >/dev/null || die "missing $tool"
	done
	[[ -x /usr/bin/time ]] || die "missing /usr/bin/time (Debian package 'time')"
	if [[ $BENCH_SKIP_NETSTAT != 1 ]] && ! command -v netstat >/dev/null; then
		log "netstat not found: leaving it out"
		BENCH_SKIP_NETSTAT=1
	fi

	cd "$ROOT"
	BENCH_OUT=${BENCH_OUT:-$ROOT/build/bench}
	mkdir -p "$BENCH_OUT"
	BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
	export BENCH_OUT
	LSOCK=${LSOCK:-$ROOT/build/lsock}
	if [[ -x $LSOCK ]]; then
		LSOCK=$(cd "$(dirname "$LSOCK")" && pwd)/$(basename "$LSOCK")
		[[ $LSOCK != *[[:space:]]* ]] || die "the lsock path must not contain spaces (hyperfine -N)"
	else
		log "no lsock binary at $LSOCK: measuring ss and netstat only"
		LSOCK=
	fi
	export LSOCK
	BENCH_BASELINE=${BENCH_BASELINE:-}
	if [[ -n $BENCH_BASELINE ]]; then
		[[ -x $BENCH_BASELINE ]] || die "no baseline binary at $BENCH_BASELINE"
		BENCH_BASELINE=$(cd "$(dirname "$BENCH_BASELINE")" && pwd)/$(basename "$BENCH_BASELINE")
		[[ $BENCH_BASELINE != *[[:space:]]* ]] || die "the baseline path must not contain spaces"
	fi
	export BENCH_BASELINE
	export LOADGEN=$BENCH_OUT/loadgen
	cc -O2 -Wall -Wextra -o "$LOADGEN" "$HERE/loadgen.c" || die "cannot build loadgen"
	# netns mode: private PID and mount namespaces too, so that --all-netns
	# sees only the bench's namespaces and their mounts go with it.
	[[ $MODE == netns ]] && exec unshare -n -p -f --mount-proc -- bash "$HERE/run.sh" __inside
	exec unshare -n -- bash "$HERE/run.sh" __inside
fi

# ---------------------------------------------------------------------------
# Inside the private network namespace.
# ---------------------------------------------------------------------------
OUT=$BENCH_OUT
LOAD_PID=
FAILED=0

ip link set lo up
# Ephemeral ports above the listener ports (2000..9999 in loadgen); a large
# accept backlog so no SYN is ever dropped while the load is built.
sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
sysctl -qw net.core.somaxconn=65535

load_stop() {
	if [[ -n $LOAD_PID ]]; then
		kill -TERM "$LOAD_PID" 2>/dev/null || true
		wait "$LOAD_PID" 2>/dev/null || true
		LOAD_PID=
	fi
}
trap load_stop EXIT
trap 'exit 130' INT TERM

# load_start LOADGEN-ARGS...: start the load, wait until every socket is held.
load_start() {
	local waited=0

	rm -f "$OUT/ready"
	"$LOADGEN" "$@" -r "$OUT/ready" >/dev/null 2>"$OUT/loadgen.log" &
	LOAD_PID=$!
	until [[ -e $OUT/ready ]]; do
		if ! kill -0 "$LOAD_PID" 2>/dev/null; then
			cat "$OUT/loadgen.log" >&2
			LOAD_PID=
			die "loadgen failed"
		fi
		sleep 0.2
		waited=$((waited + 1))
		[[ $waited -lt 3000 ]] || die "loadgen not ready after 10 minutes"
	done
	log "load: $(head -1 "$OUT/loadgen.log" | sed 's/^loadgen: //'); $(cat "$OUT/ready")"
}

# rss_median LABEL CMD...: median peak RSS (KiB) over BENCH_RSS_RUNS runs,
# appended to $RSS_FILE as "LABEL<TAB>median<TAB>samples".
rss_median() {
	local label=$1 samples=() i kb
	shift
	for ((i = 0; i < BENCH_RSS_RUNS; i++)); do
		/usr/bin/time -f %M -o "$OUT/time.out" "$@" >/dev/null 2>&1 || true
		kb=$(tail -n 1 "$OUT/time.out")
		samples+=("$kb")
	done
	kb=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{ v[NR] = $1 } END {
		print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }')
	printf '%s\t%s\t%s\n' "$label" "$kb" "${samples[*]}" >>"$RSS_FILE"
	log "peak RSS $label: $kb KiB (${samples[*]})"
}

# Commands that fail are dropped (hyperfine would abort the whole run).
usable() {
	local rc=0
	"$@" >/dev/null 2>"$OUT/cmd.err" || rc=$?
	if [[ $rc -ne 0 ]]; then
		log "skipping '$*': exit $rc: $(head -c 300 "$OUT/cmd.err")"
		return 1
	fi
}

meta() {
	printf '%s=%s\n' "$1" "$2" >>"$META_FILE"
}

machine_meta() {
	meta kernel "$(uname -r)"
	meta cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	meta cores "$(nproc)"
	meta mem_gib "$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
	meta loadavg "$(cut -d' ' -f1-3 /proc/loadavg)"
	meta ss_version "$(ss -V 2>&1 | head -1)"
	meta hyperfine "$(hyperfine --version)"
	meta lsock "${LSOCK:-none}"
	[[ -z $LSOCK ]] || meta lsock_version "$("$LSOCK" -V 2>&1 | head -1 || true)"
}

mode_compare() {
	local names=() cmds=() args=() i
	local expected rows

	META_FILE=$OUT/compare.meta
	RSS_FILE=$OUT/compare.rss
	: >"$META_FILE"
	: >"$RSS_FILE"
	rm -f "$OUT/compare.json"
	machine_meta
	meta runs "$BENCH_RUNS"
	meta rss_runs "$BENCH_RSS_RUNS"
	load_start -c "$BENCH_CONNS" -l "$BENCH_LISTENERS" -u "$BENCH_UDP" -x "$BENCH_UNIX"
	meta load "$(cat "$OUT/ready")"
	meta load_desc "$BENCH_CONNS TCP connections, $BENCH_LISTENERS listeners, $BENCH_UDP UDP, $BENCH_UNIX UNIX"

	expected=$((2 * BENCH_CONNS + BENCH_LISTENERS))
	meta tcp_expected "$expected"
	meta tcp_rows_ss "$(ss -tanH | wc -l)"
	if [[ -n $LSOCK ]]; then
		rows=$("$LSOCK" -tan 2>/dev/null | grep -cE '^tcp6? ' || true)
		meta tcp_rows_lsock "$rows"
		rows=$("$LSOCK" -tan --json 2>/dev/null | python3 -c \
			'import json, sys; print(len(json.load(sys.stdin)["sockets"]))' 2>/dev/null ||
			echo invalid)
		meta tcp_json_sockets_lsock "$rows"
		log "row check: expected $expected TCP sockets, lsock -tan $(grep tcp_rows_lsock "$META_FILE" | cut -d= -f2), lsock --json $rows"
	fi

	if [[ -n $BENCH_BASELINE && -n $LSOCK ]]; then
		meta baseline "$BENCH_BASELINE"
		for i in "-tan" "-tan --json" "-tan --ndjson" "-tuxan" "-tuxanp --json" "-tuxanpe"; do
			# shellcheck disable=SC2086
			if cmp -s <("$BENCH_BASELINE" $i 2>&1) <("$LSOCK" $i 2>&1); then
				meta "identical_${i// /_}" yes
			else
				meta "identical_${i// /_}" no
			fi
		done
	fi
	for i in "-tan" "-tanp" "-tulpn" "-tani"; do
		[[ -z $BENCH_BASELINE ]] || { names+=("baseline $i"); cmds+=("$BENCH_BASELINE $i"); }
		[[ -z $LSOCK ]] || { names+=("lsock $i"); cmds+=("$LSOCK $i"); }
		names+=("ss $i"); cmds+=("ss $i")
		# netstat has no tcp_info (-i is its interface table)
		[[ $BENCH_SKIP_NETSTAT == 1 || $i == -tani ]] || { names+=("netstat $i"); cmds+=("netstat $i"); }
	done
	[[ -z $LSOCK ]] || { names+=("lsock -tan --json"); cmds+=("$LSOCK -tan --json"); }
	[[ -z $BENCH_BASELINE ]] || { names+=("baseline -tan --json"); cmds+=("$BENCH_BASELINE -tan --json"); }

	for i in "${!cmds[@]}"; do
		# shellcheck disable=SC2086 # the command strings are split on purpose
		usable ${cmds[$i]} || continue
		args+=(--command-name "${names[$i]}" "${cmds[$i]}")
	done
	log "hyperfine: $((${#args[@]} / 3)) commands, $BENCH_RUNS runs each"
	hyperfine -N --style basic --warmup 1 --runs "$BENCH_RUNS" \
		--export-json "$OUT/compare.json" "${args[@]}" >&2

	for ((i = 0; i < ${#args[@]}; i += 3)); do
		# shellcheck disable=SC2086
		rss_median "${args[$((i + 1))]}" ${args[$((i + 2))]}
	done
	load_stop
	python3 "$HERE/report.py" compare "$OUT" | tee "$OUT/compare.md" || FAILED=1
}

mode_memory() {
	local c n

	META_FILE=$OUT/memory.meta
	RSS_FILE=$OUT/memory.rss
	: >"$META_FILE"
	: >"$RSS_FILE"
	machine_meta
	meta rss_runs "$BENCH_RSS_RUNS"
	for c in $BENCH_MEM_CONNS; do
		load_start -c "$c" -l "$BENCH_LISTENERS" -u "$BENCH_UDP" -x "$BENCH_UNIX"
		n=$(ss -tanH | wc -l)
		meta "tcp_sockets_$c" "$n"
		if [[ -n $LSOCK ]]; then
			meta "tcp_rows_lsock_$c" "$("$LSOCK" -tan 2>/dev/null | grep -cE '^tcp6? ' || true)"
			rss_median "$c lsock -tan" "$LSOCK" -tan
			[[ $BENCH_MEM_OWNERS == 0 ]] || rss_median "$c lsock -tanp" "$LSOCK" -tanp
		fi
		if [[ -n $BENCH_BASELINE ]]; then
			rss_median "$c baseline -tan" "$BENCH_BASELINE" -tan
		fi
		if [[ $BENCH_SKIP_SS != 1 ]]; then
			rss_median "$c ss -tan" ss -tan
			[[ $BENCH_MEM_OWNERS == 0 ]] || rss_median "$c ss -tanp" ss -tanp
		fi
		load_stop
	done
	python3 "$HERE/report.py" memory "$OUT" | tee "$OUT/memory.md" || FAILED=1
}

mode_unix() {
	local rc=0 line

	META_FILE=$OUT/unix.meta
	RSS_FILE=$OUT/unix.rss
	: >"$META_FILE"
	: >"$RSS_FILE"
	rm -f "$OUT/unix.json"
	machine_meta
	load_start -c 0 -l 0 -u 0 -x "$BENCH_UNIX_BIG" -P "$BENCH_UNIX_PROCS"
	meta load "$(cat "$OUT/ready")"
	meta unix_sockets "$BENCH_UNIX_BIG"
	meta unix_rows_ss_noproc "$(ss -xaH | wc -l)"
	if [[ -n $LSOCK ]]; then
		meta unix_rows_lsock "$("$LSOCK" -xap 2>/dev/null | grep -cE '^unix ' || true)"
		# -v names the owner source: the 1.0 s target is the BPF iterator's.
		meta unix_owner_source "$("$LSOCK" -xap -v 2>&1 >/dev/null | sed -n 's/^lsock: owners: //p' | head -n 1)"
		if usable "$LSOCK" -xap; then
			hyperfine -N --style basic --warmup 1 --runs 3 --export-json "$OUT/unix.json" \
				--command-name "lsock -xap" "$LSOCK -xap" >&2
			rss_median "lsock -xap" "$LSOCK" -xap
		fi
	fi
	if [[ $BENCH_SKIP_SS != 1 ]]; then
		log "ss -xap (single run, timeout 120 s)"
		/usr/bin/time -f '%e %M' -o "$OUT/time.out" timeout 120 ss -xap >/dev/null 2>&1 || rc=$?
		line=$(tail -n 1 "$OUT/time.out")
		meta ss_xap_rc "$rc"
		meta ss_xap_seconds "${line% *}"
		meta ss_xap_kib "${line#* }"
	fi
	load_stop
	python3 "$HERE/report.py" unix "$OUT" | tee "$OUT/unix.md" || FAILED=1
}

# BENCH_NETNS namespaces (ip netns add lsockbench-N), each with
# BENCH_NETNS_SOCKETS sockets: half TCP listeners, half established pairs,
# all held by one process that setns()s into each to make them.  Every
# namespace is deleted on exit, even on failure.
netns_cleanup() {
	local i

	[[ -n ${NETNS_HOLDER:-} ]] && kill "$NETNS_HOLDER" 2>/dev/null && wait "$NETNS_HOLDER" 2>/dev/null
	for ((i = 0; i < BENCH_NETNS; i++)); do
		ip netns delete "lsockbench-$i" 2>/dev/null || true
	done
}

mode_netns() {
	local i t0 t1 t2 rows_lsock rows_ss=0 n

	trap netns_cleanup EXIT
	mount -t tmpfs lsockbench-run /run
	for ((i = 0; i < BENCH_NETNS; i++)); do
		ip netns add "lsockbench-$i"
		ip -n "lsockbench-$i" link set lo up
	done
	python3 - "$BENCH_NETNS" "$BENCH_NETNS_SOCKETS" "$OUT/netns.ready" <<'PY' &
import ctypes, os, socket, sys, time
libc = ctypes.CDLL(None, use_errno=True)
n, per, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
keep = []
for i in range(n):
    fd = os.open(f"/run/netns/lsockbench-{i}", os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns")
    os.close(fd)
    lis = per // 2
    servers = []
    for k in range(lis):
        s = socket.socket(); s.bind(("127.0.0.1", 20000 + k)); s.listen(4); servers.append(s)
    for k in range((per - lis) // 2):
        keep.append(socket.create_connection(("127.0.0.1", 20000 + k)))
        keep.append(servers[k].accept()[0])
    keep += servers
open(ready, "w").write("ready\n")
time.sleep(3600)
PY
	NETNS_HOLDER=$!
	while [[ ! -s $OUT/netns.ready ]]; do
		kill -0 "$NETNS_HOLDER" 2>/dev/null || die "the namespace holder died"
		sleep 0.2
	done
	rm -f "$OUT/netns.ready"
	log "netns: $BENCH_NETNS namespaces x $BENCH_NETNS_SOCKETS sockets"
	t0=$(date +%s.%N)
	rows_lsock=$("$LSOCK" --all-netns -tuanp | grep -cE '^lsockbench-' || true)
	t1=$(date +%s.%N)
	for ((i = 0; i < BENCH_NETNS; i++)); do
		n=$(ip netns exec "lsockbench-$i" ss -Htuanp | wc -l)
		rows_ss=$((rows_ss + n))
	done
	t2=$(date +%s.%N)
	python3 - "$t0" "$t1" "$t2" "$rows_lsock" "$rows_ss" <<'PY' | tee "$OUT/netns.md"
import sys
t0, t1, t2 = map(float, sys.argv[1:4])
print("| command | rows | seconds |")
print("|---|---:|---:|")
print(f"| lsock --all-netns -tuanp | {sys.argv[4]} | {t1 - t0:.3f} |")
print(f"| sum of ip netns exec X ss -tuanp | {sys.argv[5]} | {t2 - t1:.3f} |")
print(f"\nratio lsock/ss: {(t1 - t0) / (t2 - t1):.3f}")
PY
	[[ $rows_lsock -eq $rows_ss ]] || FAILED=1
	netns_cleanup
	trap - EXIT
}

case "$BENCH_MODE" in
netns) mode_netns ;;
compare) mode_compare ;;
memory) mode_memory ;;
unix) mode_unix ;;
all) mode_compare; echo; mode_memory; echo; mode_unix ;;
esac
# 1 when a target was missed or lsock did not list every socket.
exit "$FAILED"
