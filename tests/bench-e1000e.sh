#!/bin/sh
# make bench, inside the VM, on e1000e (vm.sh -n 2): pktgen on eth1, in
# namespace pg, on CPU 0, sends the same unpaced 64-byte UDP stream (254
# sources) to eth0, whose interrupts go to CPU 1, for every row.  Each
# row gives the rate eth0 took it in (its rx_packets, which the NIC
# counts whatever happens to the frame next) and what that cost CPU 1:
# its busy time per packet.  Under TCG the emulated NIC, not the
# receiver, limits the rate, so the cost per packet is what compares the
# receive paths.
# Every row is measured $SWRSS_BENCH_RUNS times (3), one run after the
# other: it gives the medians, every run's rate, and the spread of the
# rates (max/min - 1), marked when over 10%.
# $1 is "stack" for the stack row alone, with rxhash on and off, each run
# printed (scripts/bench.sh's fresh boots of the base and the test
# kernel), else the table is appended to $2.
# shellcheck disable=SC2046 # "set -- $(measure)" splits its fields on purpose
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
secs=${SWRSS_BENCH_SECS:-6}
runs=${SWRSS_BENCH_RUNS:-3}
what=$1 out=${2:-}

nic_pair pg 10.200.0.1/24
mac=$(cat /sys/class/net/eth0/address)
irqs_on eth0 1
ip netns exec pg sh -c ". $top/tests/lib-guest.sh; pktgen_setup eth1 $mac 0 0 0 254"

rx_eth0() { cat /sys/class/net/eth0/statistics/rx_packets; }
rx_peer() { ip netns exec pg cat /sys/class/net/eth1/statistics/rx_packets; }
# CPU 1's busy and total time, in USER_HZ ticks
cpu1() { cpu_ticks 1; }
# "eth0's rate, eth1's rate (packets/s), CPU 1's busy ns per eth0 packet"
# over $secs, under traffic
measure() {
	pktgen_start pg
	pg=$!
	sleep 1
	a=$(rx_eth0) p=$(rx_peer) c=$(cpu1)
	sleep "$secs"
	b=$(rx_eth0) q=$(rx_peer) d=$(cpu1)
	pktgen_stop pg
	wait $pg
	echo "$(((b - a) / secs)) $(((q - p) / secs))" \
		"$(echo "$c $d" | awk -v n=$((b - a)) -v hz="$(getconf CLK_TCK)" \
			'{ printf "%d", n ? ($3 - $1) * 1e9 / hz / n : 0 }')"
}
# $runs runs of "$@" (measure, or xdp_measure with its arguments), a line
# each; repeat: their summary (tests/runs-summary.awk)
runs_of() {
	i=0
	while [ $i -lt "$runs" ]; do
		"$@"
		i=$((i + 1))
	done
}
repeat() { runs_of "$@" | awk -f "$top/tests/runs-summary.awk"; }
# name, packets/s, ns per packet, the runs' rates, their spread in %
row() {
	printf '| %s | %s | %s | %s | %s | %s | %s%% %s |\n' "$1" "$2" "$3" \
		"$(awk "BEGIN { printf \"%.2f\", $2 / $base }")" \
		"$(awk "BEGIN { printf \"%.2f\", $3 ? $cost / $3 : 0 }")" \
		"$4" "$5" "$([ "$5" -le 10 ] || echo '(varies)')" >> "$out"
}
if [ "$what" = stack ]; then
	# every run, for scripts/bench.sh to pool over boots: with rxhash
	# on (as the driver comes up), then off
	runs_of measure | sed 's/^/e1000e-stack-run /'
	ethtool -K eth0 rxhash off
	wait_carrier eth0 pg eth1
	runs_of measure | sed 's/^/e1000e-nohash-run /'
	exit 0
fi
set -- $(repeat measure)
base=$1 cost=$3
{
	bench_caption "e1000e (QEMU 82574L), 64-byte UDP, unpaced pktgen from the peer port" \
		"medians of $runs runs of ${secs} s a row, one after the other; (varies): the runs' rates spread over 10%"
	echo "| path | packets/s | CPU 1 ns/packet | rate to stack | cost of stack / cost | runs (packets/s) | spread |"
	echo "|---|---|---|---|---|---|---|"
} >> "$out"
row "stack, no XDP (UDP to a closed port)" "$base" "$cost" "$4" "$5"
tc qdisc add dev eth0 clsact
tc filter add dev eth0 ingress matchall action drop
set -- $(repeat measure)
row "tc ingress matchall drop" "$1" "$3" "$4" "$5"
tc qdisc del dev eth0 clsact

iptables -t raw -I PREROUTING -i eth0 -j DROP
set -- $(repeat measure)
row "iptables raw PREROUTING drop" "$1" "$3" "$4" "$5"
iptables -t raw -D PREROUTING -i eth0 -j DROP

# xdp-bench on eth0 while measuring; its program's attach resets the NIC
xdp_measure() {
	xdp-bench "$@" -i 1 eth0 > /tmp/xb.log 2>&1 &
	pid=$!
	wait_xdp_attached eth0 $pid
	wait_carrier eth0 pg eth1
	measure
	kill -INT $pid
	wait $pid
}
set -- $(repeat xdp_measure drop)
row "XDP_DROP (xdp-bench drop)" "$1" "$3" "$4" "$5"
set -- $(repeat xdp_measure tx)
row "XDP_TX (xdp-bench tx): received" "$1" "$3" "$4" "$5"
echo "XDP_TX: $2 packets/s sent back and received by the peer" >> "$out"

# TCP: eth0's and eth1's interrupts on CPU 0 with the sender, as on a box
# whose NIC interrupts all land on one CPU; the reader, or the cpumap
# entry, on CPU 1.
irqs_on 'eth[01]' 0
"$top/tests/bench-tcp.sh" eth0 pg eth1 "$out" \
	"One TCP stream over e1000e (both ports' interrupts on the sender's CPU 0)"
