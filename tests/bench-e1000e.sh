#!/bin/sh
# make bench, inside the VM, on e1000e (vm.sh -n 2): pktgen on eth1, in
# namespace pg, sends the same unpaced 64-byte UDP stream (254 sources)
# to eth0 for every row; each row is the rate eth0 took it in (its
# rx_packets, which the NIC counts whatever happens to the frame next).
# $1 is "stack" for the stack row alone (printed: the base kernel's run),
# else the table is appended to $2, with $3 the stack rate of the base
# kernel, if measured.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
secs=${SWRSS_BENCH_SECS:-6}
what=$1 out=$2 base_kernel=${3:-}

ip netns add pg
ip link set eth1 netns pg
ip addr add 10.200.0.1/24 dev eth0
ip link set eth0 up
ip -n pg link set eth1 up
wait_carrier eth0 pg eth1
mac=$(cat /sys/class/net/eth0/address)
ip netns exec pg sh -c ". $top/tests/lib-guest.sh; pktgen_setup eth1 $mac 0 0 0 254"

rx_eth0() { cat /sys/class/net/eth0/statistics/rx_packets; }
rx_peer() { ip netns exec pg cat /sys/class/net/eth1/statistics/rx_packets; }
# "eth0's rate eth1's rate" in packets/s over $secs, under traffic
measure() {
	pktgen_start pg
	pg=$!
	sleep 1
	a=$(rx_eth0) p=$(rx_peer)
	sleep "$secs"
	b=$(rx_eth0) q=$(rx_peer)
	pktgen_stop pg
	wait $pg
	echo "$(((b - a) / secs)) $(((q - p) / secs))"
}
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$(awk "BEGIN { printf \"%.2f\", $2 / $base }")" >> "$out"; }

set -- $(measure)
base=$1
if [ "$what" = stack ]; then
	echo "e1000e-stack-pps $base"
	exit 0
fi
{
	echo
	echo "e1000e (QEMU 82574L, TCG), 64-byte UDP, unpaced pktgen from the peer port"
	echo
	echo "| path | packets/s | ratio to stack |"
	echo "|---|---|---|"
} >> "$out"
row "stack, no XDP (UDP to a closed port)" "$base"
[ -z "$base_kernel" ] ||
	row "the same on the base kernel (without the series)" "$base_kernel"

tc qdisc add dev eth0 clsact
tc filter add dev eth0 ingress matchall action drop
set -- $(measure)
row "tc ingress matchall drop" "$1"
tc qdisc del dev eth0 clsact

iptables -t raw -I PREROUTING -i eth0 -j DROP
set -- $(measure)
row "iptables raw PREROUTING drop" "$1"
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
set -- $(xdp_measure drop)
row "XDP_DROP (xdp-bench drop)" "$1"
set -- $(xdp_measure tx)
row "XDP_TX (xdp-bench tx): received" "$1"
row "XDP_TX: sent back, received by the peer" "$2"
