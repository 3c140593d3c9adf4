#!/bin/sh
# make demo, inside the VM: UDP flows arrive on one veth device from a
# traffic source whose transmit (and so the device's RX) runs on CPU 0.
# First without XDP (all work on CPU 0), then with an XDP program that
# spreads the flows through a cpumap over all CPUs (xdp-bench
# redirect-cpu, l4-hash), showing packets/s processed per CPU.
. "$(dirname "$0")/lib-guest.sh"
secs=${SWRSS_DEMO_SECS:-8}
rate=${SWRSS_DEMO_RATE:-20000}
ncpu=$(nproc)

table() {
	title=$1
	echo
	echo "== $title"
	printf '%-6s' "t(s)"
	i=0
	while [ $i -lt "$ncpu" ]; do printf '%12s' "cpu$i pkt/s"; i=$((i + 1)); done
	echo
	prev=$(softnet_processed)
	t=1
	while [ $t -le "$secs" ]; do
		sleep 1
		cur=$(softnet_processed)
		printf '%-6s' "$t"
		# shellcheck disable=SC2086
		set -- $prev
		for c in $cur; do
			printf '%12s' "$((c - $1))"
			shift
		done
		echo
		prev=$cur
		t=$((t + 1))
	done
}

modprobe pktgen 2>/dev/null
veth_pair dut0 src0 src
mac=$(ip -br link show dut0 | awk '{print $3}')
ip netns exec src sh -c ". $(dirname "$0")/lib-guest.sh; pktgen_setup src0 $mac 0 0 $rate 256"
ip netns exec src sh -c "echo start > /proc/net/pktgen/pgctrl" &

table "without XDP: $rate pkt/s of UDP from 254 sources, all received on CPU 0"

cpus=""
i=0
while [ $i -lt "$ncpu" ]; do cpus="$cpus -c $i"; i=$((i + 1)); done
# shellcheck disable=SC2086
xdp-bench redirect-cpu $cpus -p l4-hash -r pass -e -i 2 dut0 > /tmp/xdp-bench.log 2>&1 &
bench=$!
sleep 2
table "with XDP + cpumap (xdp-bench redirect-cpu -p l4-hash -r pass): spread over $ncpu CPUs"
kill -INT $bench
wait $bench
echo
echo "== xdp-bench's own per-CPU view (last interval): RX CPU, cpumap kthreads, remote verdicts"
tail -n 40 /tmp/xdp-bench.log
ip netns exec src sh -c "echo stop > /proc/net/pktgen/pgctrl"
wait
