#!/bin/sh
# mvneta on the emulated Armada 3700 NETA ports of the arm64 VM (vm.sh
# -k arm64 -n 2): eth0 is the port under test, eth1 its peer, moved into
# namespace peer; both are mvneta, on one QEMU hub.  TAP on stdout.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
work=$(mktemp -d)
n=0
failed=0
P() { ip netns exec peer "$@"; }
stat() { cat "/sys/class/net/$1/statistics/$2"; }
pstat() { P cat "/sys/class/net/$1/statistics/$2"; }
# a counter of "ethtool -S" (mvneta's MIB counters among them)
mib() { ethtool -S "$1" | awk -v k="$2:" '$1 == k { print $2 }'; }
pmib() { P ethtool -S "$1" | awk -v k="$2:" '$1 == k { print $2 }'; }

# true if no ping of the ping command "$@" was lost
ping_all() { "$@" 2>&1 | grep -q ' 0% packet loss'; }

# TCP from $1 ("dut" or "peer") to the other end: $2 bytes of random
# data, received intact?
tcp_intact() {
	head -c "$2" /dev/urandom > "$work/sent"
	if [ "$1" = dut ]; then
		P nc.openbsd -l 5001 > "$work/got" &
		sleep 0.5
		nc.openbsd -N 10.30.0.2 5001 < "$work/sent"
	else
		nc.openbsd -l 5001 > "$work/got" &
		sleep 0.5
		P nc.openbsd -N 10.30.0.1 5001 < "$work/sent"
	fi
	wait_bounded $! 60
	cmp -s "$work/sent" "$work/got"
}

driver_is_mvneta() {
	[ "$(basename "$(readlink /sys/class/net/eth0/device/driver)")" = mvneta ] &&
		[ "$(basename "$(readlink /sys/class/net/eth1/device/driver)")" = mvneta ]
}
check probe "eth0 and eth1 are not both mvneta ports" driver_is_mvneta

nic_pair peer 10.30.0.1/24
ip -n peer addr add 10.30.0.2/24 dev eth1
link_1000_full() {
	ethtool eth0 | grep -q 'Speed: 1000Mb/s' &&
		ethtool eth0 | grep -q 'Duplex: Full' &&
		[ "$(cat /sys/class/net/eth0/carrier)" = 1 ] &&
		[ "$(P cat /sys/class/net/eth1/carrier)" = 1 ]
}
check link-up "no 1000/full carrier on both ports" link_1000_full

# Both ways, and every frame counted by the stack and by the port's MIB:
# with static neighbours and no IPv6, the pings are the only frames on
# the link, 40 each way
ip neigh replace 10.30.0.2 lladdr "$(P cat /sys/class/net/eth1/address)" dev eth0 nud permanent
P ip neigh replace 10.30.0.1 lladdr "$(cat /sys/class/net/eth0/address)" dev eth1 nud permanent
rx0=$(stat eth0 rx_packets) tx0=$(stat eth0 tx_packets)
mrx0=$(mib eth0 good_frames_received) mtx0=$(mib eth0 good_frames_sent)
check ping-dut-to-peer "pings from eth0 were lost" \
	ping_all ping -q -c 20 -i 0.05 -W 2 10.30.0.2
check ping-peer-to-dut "pings from the peer were lost" \
	ping_all P ping -q -c 20 -i 0.05 -W 2 10.30.0.1
counts() {
	echo "$(($(stat eth0 rx_packets) - rx0)) $(($(stat eth0 tx_packets) - tx0))" \
		"$(($(mib eth0 good_frames_received) - mrx0)) $(($(mib eth0 good_frames_sent) - mtx0))"
}
got=$(counts)
check counters "eth0's stack rx/tx and MIB rx/tx counted $got, not 40 each" \
	[ "$got" = "40 40 40 40" ]

check tcp-dut-to-peer "4 MiB over TCP from eth0 arrived changed" \
	tcp_intact dut 4194304
check tcp-peer-to-dut "4 MiB over TCP to eth0 arrived changed" \
	tcp_intact peer 4194304

# Frames to a unicast address that is not the port's are dropped by its
# filter, and taken in promiscuous mode.
P ip neigh replace 10.30.0.1 lladdr 52:54:00:00:00:99 dev eth1
rx0=$(stat eth0 rx_packets)
P ping -q -c 10 -i 0.05 -W 1 10.30.0.1 >/dev/null 2>&1
filtered=$(($(stat eth0 rx_packets) - rx0))
check filter-other-unicast "eth0 took $filtered frames for another address" \
	[ "$filtered" = 0 ]
ip link set eth0 promisc on
rx0=$(stat eth0 rx_packets)
P ping -q -c 10 -i 0.05 -W 1 10.30.0.1 >/dev/null 2>&1
taken=$(($(stat eth0 rx_packets) - rx0))
ip link set eth0 promisc off
check promisc "eth0 took $taken of 10 frames in promiscuous mode" \
	[ "$taken" = 10 ]
P ip neigh del 10.30.0.1 dev eth1

# Jumbo frames: a 9000-byte frame spans three receive buffers.  A new
# MTU restarts the port, and its link.
ip link set eth0 mtu 9000
P ip link set eth1 mtu 9000
wait_carrier eth0 peer eth1
check jumbo-ping "8972-byte pings at MTU 9000 were lost" \
	ping_all ping -q -c 10 -i 0.1 -W 2 -s 8972 -M "do" 10.30.0.2
check jumbo-tcp "4 MiB over TCP at MTU 9000 arrived changed" \
	tcp_intact peer 4194304

# The FCS across two buffers: mvneta's buffers hold 3520 bytes (with
# 4 KiB pages, PAGE_SIZE less its headroom and skb_shared_info), the
# port writes its 2-byte header, the frame and the 4-byte FCS, so a
# frame of 3520 * m - 6 + k bytes leaves k (1 to 3) FCS bytes alone in
# its last buffer and the rest at the end of the one before, which must
# not count them as data.  The echo requests are the only frames eth0
# receives meanwhile (static neighbours both ways, no IPv6): its
# rx_bytes grows by the frame's size, Ethernet header included, FCS
# excluded.
fcs_straddle() {
	[ "$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)" = 4 ] ||
		{ echo "# buffers of 3520 bytes need 4 KiB pages"; return 1; }
	P ip neigh replace 10.30.0.1 lladdr "$(cat /sys/class/net/eth0/address)" \
		dev eth1 nud permanent
	for m in 1 2; do
		for k in 1 2 3; do
			len=$((3520 * m - 6 + k))
			rx0=$(stat eth0 rx_bytes)
			ping_all P ping -q -c 1 -W 2 -s $((len - 42)) -M "do" 10.30.0.1 ||
				{ echo "# $len-byte frame: no reply"; return 1; }
			got=$(($(stat eth0 rx_bytes) - rx0))
			[ "$got" = "$len" ] ||
				{ echo "# $len-byte frame: $got bytes received"; return 1; }
		done
	done
}
check jumbo-fcs-straddle "a frame with its FCS across two buffers came out longer" \
	fcs_straddle

# A frame whose last descriptors the NAPI budget (64 descriptors) cut
# off waits in the queue for the next poll; a port stopped before then
# gives its pages back and counts it dropped (the page_pool check at the
# end of the run finds the pages otherwise).  Made certain rather than
# waited for: eth0's NAPI runs in its own thread (threaded NAPI), on
# CPU 1, behind a SCHED_FIFO loop of higher priority there (RT
# throttling off), while the peer sends 60 frames of 8000 bytes, three
# buffers each, into its ring.  A new ring size stops and reopens the
# port (mvneta_stop(), as "ip link set down", suspend or an XDP attach
# do), and the loop ends only once that waits in napi_disable(): the
# poll that runs then takes 64 descriptors, the last of them the first
# of the 22nd frame, and the port stops with that frame held.  Not with
# "ip link set down": the device is no longer running then, and the
# poll takes nothing.
napi_thread() {
	for c in /proc/[0-9]*/comm; do
		case $(cat "$c" 2>/dev/null) in "napi/$1-"*) ;; *) continue ;; esac
		c=${c#/proc/}
		echo "${c%/comm}"
		return
	done
}
held_at_stop() {
	echo 1 > /sys/class/net/eth0/threaded
	napi=$(napi_thread eth0)
	[ -n "$napi" ] || { echo "# no NAPI thread for eth0"; return 1; }
	# real-time too, below the loop: 6.12's deadline server gives
	# SCHED_OTHER threads 50 ms a second on a CPU an RT task holds
	taskset -p 2 "$napi" >/dev/null && chrt -f -p 5 "$napi" || return 1
	rt0=$(cat /proc/sys/kernel/sched_rt_runtime_us)
	echo -1 > /proc/sys/kernel/sched_rt_runtime_us
	chrt -f 10 taskset -c 1 sh -c 'while :; do :; done' &
	hog=$!
	mrx0=$(mib eth0 good_frames_received)
	P sh -c ". $top/tests/lib-guest.sh
		pgset kpktgend_0 rem_device_all
		pgset kpktgend_0 'add_device eth1'
		pgset eth1 'count 60'
		pgset eth1 'pkt_size 8000'
		pgset eth1 'dst 10.30.0.1'
		pgset eth1 'dst_mac $(cat /sys/class/net/eth0/address)'
		pgset eth1 'udp_dst_min 9'
		pgset eth1 'udp_dst_max 9'
		echo start > /proc/net/pktgen/pgctrl
		pgset kpktgend_0 rem_device_all"
	# every frame in eth0's ring (the port's MIB counts what it took)
	for _ in $(seq 100); do
		[ $(($(mib eth0 good_frames_received) - mrx0)) -ge 60 ] && break
		sleep 0.1
	done
	got=$(($(mib eth0 good_frames_received) - mrx0))
	drop0=$(stat eth0 rx_dropped)
	ethtool -G eth0 rx 256 &
	down=$!
	for _ in $(seq 100); do
		grep -q napi_disable "/proc/$down/stack" 2>/dev/null && break
		sleep 0.1
	done
	grep -q napi_disable "/proc/$down/stack" 2>/dev/null && waited=yes || waited=no
	kill "$hog"
	wait "$hog"
	echo "$rt0" > /proc/sys/kernel/sched_rt_runtime_us
	wait_bounded "$down" 30
	stopped=$?
	dropped=$(($(stat eth0 rx_dropped) - drop0))
	chrt -o -p 0 "$napi"
	echo 0 > /sys/class/net/eth0/threaded
	ethtool -G eth0 rx 512
	echo "# $got frames in the ring, the stop waited for the poll: $waited, ended $stopped; $dropped dropped"
	[ "$stopped" = 0 ] && [ "$got" -ge 60 ] && [ "$waited" = yes ] && [ "$dropped" = 1 ] &&
		wait_carrier eth0 peer eth1 &&
		ping_all ping -q -c 5 -i 0.1 -W 2 -s 8972 -M "do" 10.30.0.2
}
# the test's shell and what it starts stay off CPU 1
taskset -p 1 $$ >/dev/null
check jumbo-held-at-stop "no frame held when the port stopped, or no traffic after" \
	held_at_stop
taskset -p 3 $$ >/dev/null
ip link set eth0 mtu 1500
P ip link set eth1 mtu 1500
wait_carrier eth0 peer eth1

# Leave the ports as they were for the next suite: eth1 comes back from
# the namespace when the namespace goes.
ip netns del peer
ip addr flush dev eth0
ip link set eth0 down
for _ in $(seq 100); do
	[ -e /sys/class/net/eth1 ] && break
	sleep 0.1
done
echo "1..$n"
rm -rf "$work"
exit "$failed"
