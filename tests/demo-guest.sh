#!/bin/sh
# make demo, inside the VM: UDP flows arrive on one veth device from a
# traffic source whose transmit (and so the device's RX) runs on CPU 0.
# First without XDP (all work on CPU 0), then with the software-RSS tool
# (samples/bpf/xdp_redirect_cpu, Toeplitz hash) spreading the flows
# through a cpumap over all CPUs, showing packets/s processed per CPU.
# The flows share one address pair and differ in the source port, which
# an address-pair hash (xdp-bench's l4-hash) would put on one CPU.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
TOOL=$top/build/linux/samples/bpf/xdp_redirect_cpu
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
ip netns exec src sh -c ". $top/tests/lib-guest.sh; pktgen_setup src0 $mac 0 0 $rate 256 1"
pktgen_start src

table "without XDP: UDP, one address pair, 256 source ports (pktgen ratep $rate), all received on CPU 0"

"$TOOL" -d dut0 -r pass -i 1 > /tmp/rss.log 2>&1 &
rss=$!
sleep 2
table "with XDP + cpumap (xdp_redirect_cpu -r pass, Toeplitz hash): spread over $ncpu CPUs"
kill -INT $rss
wait $rss
echo
echo "== xdp_redirect_cpu's own last interval"
tail -n $((ncpu + 4)) /tmp/rss.log
cpumap_hist_off
pktgen_stop src
wait
