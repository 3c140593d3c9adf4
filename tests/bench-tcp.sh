#!/bin/sh
# make bench, inside the VM: one TCP stream into device $1, read on CPU 1,
# on the direct path and through a cpumap entry on CPU 1, each with and
# without GRO on $1, and with RPS and RFS, GRO on.  Appends a table titled $5 to $4.
# The sender is $3 in namespace $2, on CPU 0 (address 10.200.0.2 there,
# 10.200.0.1 on $1), or, with $2 "host", the host at the other end of
# the tap device behind $1 (10.201.0.2 there, 10.201.0.1 on $1), which
# scripts/bench.sh serves (see host_stream).  With the sender in the VM,
# CPU 0 sends, takes every interrupt and runs the XDP program, and is
# the bottleneck; with the sender on the host, CPU 0 only receives, and
# the CPU the stack runs on (CPU 1 through the cpumap) is.
#
# Both ends are tests/tcpstream.py, which copies nothing to or from user
# space: under TCG, copies would cost more than everything GRO saves.
# The sender's TSO is off: QEMU 7.2's e1000e "segments" TSO frames into
# IP fragments, which GRO cannot merge, so the sender's stack segments
# (a host sender's tap has no TSO, as QEMU does not enable it for e1000e).
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
TOOL=$top/build/linux/samples/bpf/xdp_redirect_cpu
dev=$1 ns=$2 peer=$3 out=$4 title=$5
secs=${SWRSS_BENCH_SECS:-6}

net=10.200.0
if [ "$ns" = host ]; then
	net=10.201.0
	ip addr add $net.1/24 dev "$dev"
	ip link set "$dev" up
	wait_carrier "$dev"
else
	ip -n "$ns" addr add $net.2/24 dev "$peer" 2>/dev/null
	ip netns exec "$ns" ethtool -K "$peer" tso off
fi
H=/sys/kernel/tracing/events/xdp/xdp_cpumap_gro_flush
echo 'hist:keys=common_cpu:vals=processed,gro_merged' >> "$H/trigger"
taskset -c 1 python3 "$top/tests/tcpstream.py" recv $net.1 5201 &
srv=$!
for _ in $(seq 100); do
	ss -Htln "src $net.1:5201" | grep -q . && break
	sleep 0.1
done

# Mbit/s of one stream of $secs seconds
send() {
	if [ "$ns" = host ]; then
		host_stream $net.1 5201 "$secs"
	else
		ip netns exec "$ns" taskset -c 0 python3 "$top/tests/tcpstream.py" send $net.1 5201 "$secs"
	fi
}

# CPU 0's and CPU 1's busy and total time, in USER_HZ ticks
cpus() { cpu_ticks 0 1; }
# frames the cpumap kthreads processed, and skbs GRO merged, so far
merged() { awk '/^\{ common_cpu:/ { p += $8; m += $10 } END { print p + 0, m + 0 }' "$H/hist"; }
# stream NAME: a run of row NAME, "Mbit/s cpu0-busy% cpu1-busy% merged%"
# (merged -1: no frame went through a cpumap)
stream() {
	c=$(cpus) g=$(merged)
	r=$(send)
	d=$(cpus) h=$(merged)
	echo "$c $d $g $h" | awk -v r="${r:-0}" -v name="$1" '{
		p = $11 - $9
		printf "%s\t%d %.0f %.0f %.0f\n", name, r, 100 * ($5 - $1) / ($6 - $2),
			100 * ($7 - $3) / ($8 - $4), p ? 100 * ($12 - $10) / p : -1
	}' >> /tmp/tcp.runs
}

# Two runs of every row, the rows in turn.  With GRO on (as it comes up)
# and off: the direct path; the kernel's own software steering, GRO on
# (it runs in the NAPI, on CPU 0, before RPS): RPS to CPU 1, then RPS
# over both CPUs with RFS, which follows the reader to CPU 1; through a
# cpumap entry on CPU 1 (the tool, mode cpu).
runs=2
: > /tmp/tcp.runs
q=/sys/class/net/$dev/queues/rx-0
run=1
while [ $run -le $runs ]; do
	ethtool -K "$dev" gro on
	stream "direct, GRO on"
	ethtool -K "$dev" gro off
	stream "direct, GRO off"
	ethtool -K "$dev" gro on
	echo 2 > "$q/rps_cpus"
	stream "RPS to CPU 1, GRO on"
	sysctl -qw net.core.rps_sock_flow_entries=32768
	echo 32768 > "$q/rps_flow_cnt"
	echo 3 > "$q/rps_cpus"
	stream "RPS + RFS (reader on CPU 1), GRO on"
	echo 0 > "$q/rps_cpus"
	echo 0 > "$q/rps_flow_cnt"
	sysctl -qw net.core.rps_sock_flow_entries=0
	"$TOOL" -d "$dev" -c 1 -p cpu -i 1 > /tmp/bench-tcp.log 2>&1 &
	pid=$!
	wait_xdp_attached "$dev" $pid
	case $ns in
	host) wait_carrier "$dev" ;;
	src) ;;
	*) wait_carrier "$dev" "$ns" "$peer" ;;
	esac
	sleep 1
	stream "cpumap to CPU 1, GRO on"
	ethtool -K "$dev" gro off
	stream "cpumap to CPU 1, GRO off"
	ethtool -K "$dev" gro on
	kill -INT $pid
	wait $pid
	run=$((run + 1))
done
kill $srv
echo "!hist:keys=common_cpu:vals=processed,gro_merged" >> "$H/trigger"
{
	bench_caption "$title" \
		"$runs runs of one ${secs}-s stream a row, the rows in turn; mean, (varies): the runs differ by over 10%"
	echo "| path | Mbit/s | ratio to direct | CPU 0 busy | CPU 1 busy | CPU 1 ms/MB | frames GRO merged | runs (Mbit/s) |"
	echo "|---|---|---|---|---|---|---|---|"
} >> "$out"
tab=$(printf '\t')
direct=$(runs_mean /tmp/tcp.runs | head -1 | cut -f2 | cut -d' ' -f1)
runs_mean /tmp/tcp.runs | while IFS=$tab read -r name means mark list; do
	# shellcheck disable=SC2086
	set -- $means
	# what a MB cost CPU 1, in ms
	printf '| %s | %.0f%s | %s | %.0f%% | %.0f%% | %s | %s | %s |\n' "$name" "$1" "$(varies "$mark")" \
		"$(awk "BEGIN { printf \"%.2f\", $1 / $direct }")" "$2" "$3" \
		"$(awk "BEGIN { printf \"%.1f\", $1 ? $3 * 10 / ($1 / 8) : 0 }")" \
		"$(awk "BEGIN { if ($4 < 0) print \"-\"; else printf \"%.0f%%\", $4 }")" "$list"
done >> "$out"
runs_mean /tmp/tcp.runs | awk -F '\t' '/^cpumap to CPU 1, GRO o/ { split($2, v, " "); r[$1] = v[1] }
	END { printf "Through cpumap, GRO on / GRO off: %.2f\n", r["cpumap to CPU 1, GRO on"] / r["cpumap to CPU 1, GRO off"] }' >> "$out"
