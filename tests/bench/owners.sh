#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tests/bench/owners.sh [tcp|unix]: the owner sources side by side, over the
# benchmark load (tcp: 50k connections, 100 listeners, 100 UDP, 10k UNIX, as
# run.sh compare; unix: 500k UNIX sockets in 25 processes, as run.sh unix),
# in a private network namespace.  For each command, lsock with
# --owners=bpf, lsock with --owners=proc, and ss; hyperfine, and the
# minimum of the runs is what counts (the machine may be shared).  First it
# checks that both sources print the same --json (owners_complete aside:
# the walk may be denied a process outside the namespace, the iterator is
# not), then it splits the BPF source's cost with bpf_cost (load+verify+
# attach once, and one read).  Needs root, hyperfine, libbpf-dev, a build
# with the BPF source (build/owner_iter.bpf.o).  Not run by CTest.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MODE=${1:-tcp}
RUNS=${BENCH_RUNS:-10}
LSOCK=${LSOCK:-$ROOT/build/lsock}
OBJ=${BENCH_BPF_OBJECT:-$(dirname "$LSOCK")/owner_iter.bpf.o}
OUT=${BENCH_OUT:-$ROOT/build/bench}

if [[ ${2:-} != __inside ]]; then
	mkdir -p "$OUT"
	cc -O2 -Wall -o "$OUT/loadgen" "$HERE/loadgen.c"
	cc -O2 -Wall -o "$OUT/bpf_cost" "$HERE/bpf_cost.c" -lbpf
	exec unshare -n -- bash "$0" "$MODE" __inside
fi

ip link set lo up
sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
sysctl -qw net.core.somaxconn=65535
rm -f "$OUT/ready"
if [[ $MODE == unix ]]; then
	"$OUT/loadgen" -c 0 -l 0 -u 0 -x 500000 -P 25 -r "$OUT/ready" >/dev/null 2>"$OUT/loadgen.log" &
	cmds=(-xap)
else
	"$OUT/loadgen" -c 50000 -l 100 -u 100 -x 10000 -r "$OUT/ready" >/dev/null 2>"$OUT/loadgen.log" &
	cmds=(-tulpn -tanp -tan)
fi
LOAD=$!
trap 'kill $LOAD; wait $LOAD 2>/dev/null' EXIT
until [[ -e $OUT/ready ]]; do
	kill -0 $LOAD || { cat "$OUT/loadgen.log"; exit 1; }
	sleep 0.2
done
echo "load: $(cat "$OUT/ready"); $(nproc) CPUs; loadavg $(cut -d' ' -f1-3 /proc/loadavg)"

for c in "${cmds[@]}"; do
	a=$("$LSOCK" "${c}" --json --owners=bpf | sed 's/"owners_complete": *[a-z]*//g' | md5sum)
	b=$("$LSOCK" "${c}" --json --owners=proc | sed 's/"owners_complete": *[a-z]*//g' | md5sum)
	[[ $a == "$b" ]] && echo "$c --json: bpf and proc identical" || echo "$c --json: bpf and proc DIFFER"
done
"$OUT/bpf_cost" "$OBJ" 5

args=()
for c in "${cmds[@]}"; do
	if [[ $c == -tan ]]; then
		args+=(-n "lsock $c" "$LSOCK $c")
	else
		args+=(-n "lsock $c bpf" "$LSOCK $c --owners=bpf" -n "lsock $c proc" "$LSOCK $c --owners=proc")
	fi
	# ss -xap over 500k UNIX sockets takes minutes: left out (run.sh unix times it once).
	[[ $MODE == unix ]] || args+=(-n "ss $c" "ss $c")
done
hyperfine -N --style basic --warmup 1 --runs "$RUNS" --export-json "$OUT/owners-$MODE.json" "${args[@]}" >/dev/null
python3 - "$OUT/owners-$MODE.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for name, x in r.items():
    line = f"{name:24} min {x['min'] * 1e3:8.1f} ms  median {x['median'] * 1e3:8.1f} ms"
    tool, *rest = name.split()
    ss = r.get("ss " + rest[0])
    if tool == "lsock" and ss:
        line += f"  min/ss min {x['min'] / ss['min']:.3f}  median/ss median {x['median'] / ss['median']:.3f}"
    print(line)
PY
