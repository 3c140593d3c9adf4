#!/bin/sh
# make bench, inside the VM: the same unpaced pktgen stream (64-byte UDP
# from 254 sources, sent on CPU 0 into a veth device) against each way
# of handling it, side by side in one boot.  Each row is the rate the
# receiving side took in per second (dut0's rx_packets; with pktgen and
# the RX NAPI on the same CPU, a cheaper receive path leaves the sender
# more time), and its ratio to the plain stack.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
TOOL=$top/build/linux/samples/bpf/xdp_redirect_cpu
secs=${SWRSS_BENCH_SECS:-6}
out=$SWRSS_RESULTS/results.md

veth_pair dut0 src0 src
mac=$(ip -br link show dut0 | awk '{print $3}')
ip netns exec src sh -c ". $(dirname "$0")/lib-guest.sh; pktgen_setup src0 $mac 0 0 0 254"

traffic_on() { pktgen_start src; pg=$!; sleep 1; }
traffic_off() { pktgen_stop src; wait $pg; }

# Packets/s dut0 received (XDP frames included) over $secs seconds: the
# same counter and clock for every row.
rx_rate() {
	a=$(cat /sys/class/net/dut0/statistics/rx_packets)
	sleep "$secs"
	b=$(cat /sys/class/net/dut0/statistics/rx_packets)
	echo $(((b - a) / secs))
}

# Programs are attached and detached only while no traffic runs: under
# QEMU 7.2's multi-threaded TCG, a vCPU running the XDP dispatcher while
# another patches it can execute a stale int3 (see scripts/vm.sh).
# The same as rx_rate while an xdp-bench command handles the traffic.
xdp_bench_rate() {
	xdp-bench "$@" -i 1 dut0 > /tmp/xb.log 2>&1 &
	pid=$!
	wait_xdp_attached dut0 $pid
	traffic_on
	rx_rate
	traffic_off
	kill -INT $pid
	wait $pid
}

ratio() { awk "BEGIN { printf \"%.2f\", $1 / $base }"; }
# Every table's rows are measured twice, the rows taking turns so that
# drift hits all alike: a line "NAME<TAB>values" a run in the table's
# file, then a row of the two runs' means (tests/runs-mean.awk).
runs=2
tab=$(printf '\t')
# rate_row NAME RATE: a run of a row of the first table
rate_row() { printf '%s\t%s\n' "$1" "${2:-0}" >> /tmp/paths.runs; }

: > /tmp/paths.runs
run=1
while [ $run -le $runs ]; do
	traffic_on
	rate_row "stack, no XDP (UDP to a closed port)" "$(rx_rate)"
	traffic_off
	for mode in "drop" "redirect-cpu -c 1 -r drop" "redirect-cpu -c 0 -c 1 -p l4-hash -r pass"; do
		# shellcheck disable=SC2086
		rate_row "xdp-bench $mode" "$(xdp_bench_rate $mode)"
	done
	run=$((run + 1))
done
{
	echo "# swrss bench: $(uname -r), $(nproc) vCPUs (QEMU TCG), one VM run"
	bench_caption "veth, 64-byte UDP, unpaced pktgen on CPU 0" \
		"$runs runs of ${secs} s a row, the rows in turn; mean, (varies): the runs differ by over 10%"
	echo "| path | packets/s | ratio to stack | runs (packets/s) |"
	echo "|---|---|---|---|"
} > "$out"
base=$(runs_mean /tmp/paths.runs | head -1 | cut -f2)
runs_mean /tmp/paths.runs | while IFS=$tab read -r name rate mark list; do
	printf '| %s | %.0f%s | %s | %s |\n' "$name" "$rate" "$(varies "$mark")" "$(ratio "$rate")" "$list"
done >> "$out"

# Steering on one IP pair and many ports, the case the software-RSS tool
# exists for: 1024 source ports, one source address, the same stream for
# every row.  Besides the rate, the share of frames each CPU was given
# (offers to its cpumap entry) and the imbalance, max/mean over CPUs.
ip netns exec src sh -c ". $top/tests/lib-guest.sh; pktgen_setup src0 $mac 0 0 0 1024 1"
enqueue_hist_on
# steer_run NAME COMMAND...: run COMMAND (it attaches to dut0) on the
# traffic; a run of the row NAME: "rate share-0 share-1 max/mean"
steer_run() {
	name=$1
	shift
	"$@" > /tmp/steer.log 2>&1 &
	pid=$!
	wait_xdp_attached dut0 $pid
	traffic_on
	a=$(cpumap_offered 2)
	rate=$(rx_rate)
	b=$(cpumap_offered 2)
	traffic_off
	kill -INT $pid
	wait $pid
	echo "$a $b" | awk -v name="$name" -v rate="${rate:-0}" '{
		c0 = $3 - $1; c1 = $4 - $2; t = c0 + c1
		if (!t) t = 1
		m = c0 > c1 ? c0 : c1
		printf "%s\t%d %.1f %.1f %.2f\n", name, rate, 100 * c0 / t, 100 * c1 / t, 2 * m / t
	}' >> /tmp/steer.runs
}
: > /tmp/steer.runs
run=1
while [ $run -le $runs ]; do
	steer_run "xdp-bench redirect-cpu -p l4-hash" xdp-bench redirect-cpu -c 0 -c 1 -p l4-hash -r pass -i 1 dut0
	for mode in round-robin cpu proto hash hw; do
		steer_run "xdp_redirect_cpu -p $mode" "$TOOL" -d dut0 -c 0-1 -p "$mode" -r pass -i 1
	done
	run=$((run + 1))
done
enqueue_hist_off
{
	bench_caption "One IP pair, 1024 UDP source ports; remote program: pass" \
		"$runs runs of ${secs} s a row, the rows in turn; mean, (varies): the runs' rates differ by over 10%"
	echo "| steering | packets/s | ratio to stack | to CPU 0 | to CPU 1 | max/mean | runs (packets/s) |"
	echo "|---|---|---|---|---|---|---|"
} >> "$out"
runs_mean /tmp/steer.runs | while IFS=$tab read -r name means mark list; do
	# shellcheck disable=SC2086
	set -- $means
	printf '| %s | %.0f%s | %s | %.1f%% | %.1f%% | %.2f | %s |\n' "$name" "$1" "$(varies "$mark")" \
		"$(ratio "$1")" "$2" "$3" "$4" "$list"
done >> "$out"

# Latency, one ping at a time: round trips of pings from the peer,
# through the stack and through a cpumap entry on CPU 1 (the tool, mode
# cpu, remote pass) with dut0's GRO off and on.  Six rounds of 200 pings
# each, the three paths taking turns so that drift hits all alike, pooled
# per path; rounds 1-3 and 4-6 are the path's two runs, whose medians are
# compared.  GRO holds nothing once the entry's queue is empty, so it
# should add nothing.
ping_rtts() {
	ip netns exec src ping -n -c 200 -i 0.01 -W 1 10.200.0.1 |
		sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' >> "$1"
}
# The median of the values in files $@, in us ("" if none)
median_us() {
	sort -n "$@" | awk '{ v[NR] = $1 } END { if (NR) printf "%d", 1000 * v[int((NR + 1) / 2)] }'
}
lat_row() {
	m1=$(median_us "$2.1") m2=$(median_us "$2.2")
	printf '%s\t%s\n%s\t%s\n' "$1" "${m1:-0}" "$1" "${m2:-0}" | runs_mean /dev/stdin |
		cut -f3 > /tmp/lat.mark
	sort -n "$2.1" "$2.2" | awk -v path="$1" -v mark="$(varies "$(cat /tmp/lat.mark)")" -v runs="$m1/$m2" '
		{ v[NR] = $1 }
		END {
			if (!NR) { printf "| %s | no reply | | | | |\n", path; exit }
			printf "| %s | %d | %d%s | %d | %d | %s |\n", path, NR,
				1000 * v[int((NR + 1) / 2)], mark,
				1000 * v[int((NR + 3) / 4)], 1000 * v[int((3 * NR + 1) / 4)], runs
		}' >> "$out"
}
for path in stack off on; do : > /tmp/lat.$path.1; : > /tmp/lat.$path.2; done
for round in 1 2 3 4 5 6; do
	run=$(((round + 2) / 3))
	ping_rtts /tmp/lat.stack.$run
	for gro in off on; do
		ethtool -K dut0 gro $gro >/dev/null
		"$TOOL" -d dut0 -c 1 -p cpu -r pass -i 1 > /tmp/lat.log 2>&1 &
		pid=$!
		wait_xdp_attached dut0 $pid
		ping_rtts /tmp/lat.$gro.$run
		kill -INT $pid
		wait $pid
	done
done
ethtool -K dut0 gro off >/dev/null
{
	bench_caption "Ping round trips from the peer, veth" \
		"6 rounds of 200 pings, the paths in turn, pooled; rounds 1-3 and 4-6 are the $runs runs, (varies): their medians differ by over 10%"
	echo "| path | replies | median (us) | 25th percentile | 75th percentile | runs' medians |"
	echo "|---|---|---|---|---|---|"
} >> "$out"
lat_row "stack, no XDP" /tmp/lat.stack
lat_row "cpumap entry on CPU 1, GRO off" /tmp/lat.off
lat_row "cpumap entry on CPU 1, GRO on" /tmp/lat.on

"$top/tests/bench-tcp.sh" dut0 src src0 "$out" \
	"One TCP stream over veth (the veth's NAPI, and so its XDP, runs on the sender's CPU 0)"
# The e1000e rows use the same addresses
ip link del dut0
ip netns del src
# e1000e, on the VM's two NICs (vm.sh -n 2); the stack path against the
# base kernel's is scripts/bench.sh's, in fresh boots of each
[ -e /sys/class/net/eth1 ] && "$top/tests/bench-e1000e.sh" all "$out"
# A third e1000e on a host tap (scripts/bench.sh): the sender outside the
# VM, and its interrupts on CPU 0
if [ -e /sys/class/net/eth2 ]; then
	sysctl -qw net.ipv6.conf.eth2.disable_ipv6=1
	ip link set eth2 up
	irqs_on eth2 0
	"$top/tests/bench-tcp.sh" eth2 host - "$out" \
		"One TCP stream from the host, through a tap, into e1000e (its interrupts on CPU 0, the sender outside the VM)"
	# UDP to sockets: software RSS against RPS and RFS
	"$top/tests/bench-udp.sh" eth2 "$out" "$SWRSS_RESULTS"
fi
cat "$out"
