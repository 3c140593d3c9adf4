#!/bin/sh
# make bench, inside the VM: the same unpaced pktgen stream (64-byte UDP
# from 254 sources, sent on CPU 0 into a veth device) against each way
# of handling it, side by side in one boot.  Each row is the rate the
# receiving side took in per second (dut0's rx_packets; with pktgen and
# the RX NAPI on the same CPU, a cheaper receive path leaves the sender
# more time), and its ratio to the plain stack.
. "$(dirname "$0")/lib-guest.sh"
secs=${SWRSS_BENCH_SECS:-6}
out=$SWRSS_RESULTS/results.md

veth_pair dut0 src0 src
mac=$(ip -br link show dut0 | awk '{print $3}')
ip netns exec src sh -c ". $(dirname "$0")/lib-guest.sh; pktgen_setup src0 $mac 0 0 0 254"

traffic_on() { pktgen_start src; sleep 1; }
traffic_off() { pktgen_stop src; wait; }

# Packets/s dut0 received (XDP frames included) over $secs seconds: the
# same counter and clock for every row.
rx_rate() {
	a=$(cat /sys/class/net/dut0/statistics/rx_packets)
	sleep "$secs"
	b=$(cat /sys/class/net/dut0/statistics/rx_packets)
	echo $(((b - a) / secs))
}

# The same while an xdp-bench command handles the traffic.
xdp_bench_rate() {
	xdp-bench "$@" -i 1 dut0 > /tmp/xb.log 2>&1 &
	pid=$!
	sleep 1
	rx_rate
	kill -INT $pid
	wait $pid
}

row() { printf '| %s | %s | %s |\n' "$1" "$2" "$(awk "BEGIN { printf \"%.2f\", $2 / $base }")" >> "$out"; }

traffic_on
base=$(rx_rate)
traffic_off
{
	echo "# swrss bench: $(uname -r), $(nproc) vCPUs (QEMU TCG), veth, 64-byte UDP, unpaced pktgen on CPU 0"
	echo
	echo "| path | packets/s | ratio to stack |"
	echo "|---|---|---|"
} > "$out"
row "stack, no XDP (UDP to a closed port)" "$base"
for mode in "drop" "redirect-cpu -c 1 -r drop" "redirect-cpu -c 0 -c 1 -p l4-hash -r pass"; do
	traffic_on
	# shellcheck disable=SC2086
	rate=$(xdp_bench_rate $mode)
	traffic_off
	row "xdp-bench $mode" "${rate:-0}"
done
cat "$out"
