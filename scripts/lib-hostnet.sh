# shellcheck shell=bash
# Traffic from the host into a VM's NIC on a tap device (vm.sh -T), for
# make bench and make demo: sourced after lib.sh, never run.

# hostnet_up NS TAP: a network namespace NS of the script's own, with the
# tap device TAP in it (10.201.0.2/24; the VM's NIC is 10.201.0.1).
# QEMU opens the tap by name, so QEMU and the host's senders run in NS
# (in_ns is the command prefix, tap_args vm.sh's option), and NS, with
# the tap, goes when the script exits, however it exits: nothing is
# added to the host's own network.  Returns 1, both arrays empty, when
# it cannot (not root).
hostnet_up() {
	ns=$1 tap=$2 tap_args=() in_ns=()
	ip netns del "$ns" 2>/dev/null || true
	ip netns add "$ns" 2>/dev/null || return 1
	trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
	trap 'exit 1' INT TERM HUP
	ip -n "$ns" tuntap add dev "$tap" mode tap &&
		ip -n "$ns" addr add 10.201.0.2/24 dev "$tap" &&
		ip -n "$ns" link set "$tap" up || return 1
	tap_args=(-T "$tap") in_ns=(ip netns exec "$ns")
}

# The UDP sender (host) and receivers (VM) of tests/udpsend.c and
# tests/udpsink.c: C, for rates a script cannot reach; the x86_64 guest
# runs the host's binaries over 9p, the arm64 one ("build_udp_tools
# arm64") a receiver cross-built against its root (arm64-root.sh).
build_udp_tools() {
	local t
	mkdir -p "$BUILD/bin" "$BUILD/arm64-tools"
	for t in udpsend udpsink; do
		gcc -O2 -Wall -pthread -o "$BUILD/bin/$t" "$SWRSS_TOP/tests/$t.c"
	done
	if [ "${1:-}" = arm64 ]; then
		aarch64-linux-gnu-gcc --sysroot="$BUILD/arm64-root" -O2 -Wall \
			-pthread -o "$BUILD/arm64-tools/udpsink" "$SWRSS_TOP/tests/udpsink.c"
	fi
}

tap_dropped() { "${in_ns[@]}" cat "/sys/class/net/$tap/statistics/tx_dropped"; }

# The host's senders, for the VM's requests (tests/lib-guest.sh's
# host_run) in directory $2, one at a time, until process $1 (the VM)
# exits: a TCP stream (tests/tcpstream.py; answer Mbit/s) or paced UDP
# (tests/udpsend.c; answer what it sent and what the tap dropped).
host_requests() {
	local n=0 kind args d
	while kill -0 "$1" 2>/dev/null; do
		if [ ! -e "$2/stream.$n.req" ]; then
			sleep 0.2
			continue
		fi
		read -r kind args < "$2/stream.$n.req"
		# shellcheck disable=SC2086 # the request's words
		case $kind in
		tcp) "${in_ns[@]}" python3 "$SWRSS_TOP/tests/tcpstream.py" send $args ;;
		udp)
			d=$(tap_dropped)
			"${in_ns[@]}" "$BUILD/bin/udpsend" $args | tr '\n' ' ' &&
				echo $(($(tap_dropped) - d))
			;;
		*) false ;;
		esac > "$2/stream.tmp" 2>/dev/null || echo 0 > "$2/stream.tmp"
		mv "$2/stream.tmp" "$2/stream.$n.rate"
		n=$((n + 1))
	done
}
