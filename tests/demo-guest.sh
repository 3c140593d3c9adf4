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

# Per second and per CPU: packets the network stack processed, and the
# cpumap entry's verdicts on that CPU (pass/drop/redirect).
table() {
	echo
	echo "== $1"
	printf '%-5s' "t(s)"
	i=0
	while [ $i -lt "$ncpu" ]; do
		printf ' | %-30s' "cpu$i: stack pkt/s, remote p/d/r"
		i=$((i + 1))
	done
	echo
	prev=$(softnet_processed)
	vprev=$(cpumap_verdicts "$ncpu")
	t=1
	while [ $t -le "$secs" ]; do
		sleep 1
		cur=$(softnet_processed)
		vcur=$(cpumap_verdicts "$ncpu")
		printf '%-5s' "$t"
		# shellcheck disable=SC2086
		set -- $prev
		i=0
		for c in $cur; do
			printf ' | %8s  ' "$((c - $1))"
			shift
			v=$(echo "$vcur" | cut -d' ' -f$((3 * i + 1))-$((3 * i + 3)))
			w=$(echo "$vprev" | cut -d' ' -f$((3 * i + 1))-$((3 * i + 3)))
			# shellcheck disable=SC2086
			printf '%-20s' "$(echo $v $w | awk '{ printf "%d/%d/%d", $1 - $4, $2 - $5, $3 - $6 }')"
			i=$((i + 1))
		done
		echo
		prev=$cur
		vprev=$vcur
		t=$((t + 1))
	done
}

modprobe pktgen 2>/dev/null
cpumap_hist_on
veth_pair dut0 src0 src
mac=$(ip -br link show dut0 | awk '{print $3}')
ip netns exec src sh -c ". $(dirname "$0")/lib-guest.sh; pktgen_setup src0 $mac 0 0 $rate 256"
pktgen_start src

table "without XDP: UDP from 254 sources (pktgen ratep $rate), all received on CPU 0"

cpus=""
i=0
while [ $i -lt "$ncpu" ]; do cpus="$cpus -c $i"; i=$((i + 1)); done
# shellcheck disable=SC2086
xdp-bench redirect-cpu $cpus -p l4-hash -r pass -i 1 dut0 > /tmp/xdp-bench.log 2>&1 &
bench=$!
sleep 2
table "with XDP + cpumap (xdp-bench redirect-cpu -p l4-hash -r pass): spread over $ncpu CPUs"
kill -INT $bench
wait $bench
echo
echo "== xdp-bench's own summary (RX CPU side)"
tail -n 8 /tmp/xdp-bench.log
cpumap_hist_off
pktgen_stop src
wait
