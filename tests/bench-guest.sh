#!/bin/sh
# make bench, inside the VM: the same unpaced pktgen stream (64-byte UDP
# from 254 sources, sent on CPU 0 into a veth device) against each way
# of handling it, side by side in one boot.  Each row is the rate the
# receiving side handled, and its ratio to the plain stack.
. "$(dirname "$0")/lib-guest.sh"
secs=${SWRSS_BENCH_SECS:-6}
out=$SWRSS_RESULTS/results.md

veth_pair dut0 src0 src
mac=$(ip -br link show dut0 | awk '{print $3}')
ip netns exec src sh -c ". $(dirname "$0")/lib-guest.sh; pktgen_setup src0 $mac 0 0 0 254"

traffic_on() { ip netns exec src sh -c "echo start > /proc/net/pktgen/pgctrl" & sleep 1; }
traffic_off() { ip netns exec src sh -c "echo stop > /proc/net/pktgen/pgctrl"; wait; }

# Packets/s the stack processed (all CPUs) over $secs seconds.
stack_rate() {
	a=$(softnet_processed)
	sleep "$secs"
	b=$(softnet_processed)
	# shellcheck disable=SC2086
	set -- $a
	t=0
	for x in $b; do t=$((t + x - $1)); shift; done
	echo $((t / secs))
}

# Packets/s an xdp-bench command reports as its average.
xdp_bench_rate() {
	xdp-bench "$@" -i 1 dut0 > /tmp/xb.log 2>&1 &
	pid=$!
	sleep "$secs"
	kill -INT $pid
	wait $pid
	awk -F: '/Average packets\/s/ { gsub(/ /, "", $2); print $2 }' /tmp/xb.log
}

row() { printf '| %s | %s | %s |\n' "$1" "$2" "$(awk "BEGIN { printf \"%.2f\", $2 / $base }")" >> "$out"; }

traffic_on
base=$(stack_rate)
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
