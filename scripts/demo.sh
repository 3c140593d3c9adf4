#!/usr/bin/env bash
# make demo: set up everything, then show software RSS in a VM (see
# tests/demo-guest.sh).  "demo.sh arm64" (make demo-arm64) shows it on the
# seeds' board instead: the arm64 VM with emulated Armada 3700 NETA
# ports, mvneta, and the tool cross-built for it.
# As root, the host drives the demo: the VM's NIC sits on a tap device
# in a network namespace of the demo's own (scripts/lib-hostnet.sh), and
# the host sends, so the VM's CPUs only receive; the three phases (no
# steering, RPS, the tool) end with a per-CPU picture, in the terminal
# and in build/out/demo*/demo.png.  Otherwise the VM's second NIC sends
# (pktgen, paced), without the RPS phase.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hostnet.sh"

S=$SWRSS_TOP/scripts
arch=${1:-x86_64}
"$S/deps.sh"
"$S/tree.sh"
"$S/build-kernel.sh" test
"$S/selftests.sh"
if [ "$arch" = arm64 ]; then
	"$S/build-kernel.sh" arm64
	"$S/build-qemu.sh"
	"$S/arm64-root.sh"
	"$S/selftests.sh" arm64
	make_rss_tool_arm64
	vm=(-k arm64) out=$OUT/demo-arm64
	guest=(env SWRSS_RSS_TOOL="$BUILD/arm64-tools/xdp_redirect_cpu")
else
	vm=(-k test) out=$OUT/demo guest=(env)
fi
build_udp_tools "$arch"
rm -rf "$out"
mkdir -p "$out"
if hostnet_up swrss-demo swrss-demo0; then
	"${in_ns[@]}" "$S/vm.sh" "${vm[@]}" "${tap_args[@]}" -o "$out" -t 900 -- \
		"${guest[@]}" SWRSS_DEMO_HOST=1 "$SWRSS_TOP/tests/demo-guest.sh" 2>&1 |
		grep -v '^\[ *[0-9.]*\] ' &
	pid=$!
	host_requests $pid "$out"
	wait $pid
	"$SWRSS_TOP/tests/bench-plots.sh" "$out"
	[ ! -e "$out/demo.png" ] || info "per-CPU picture: $out/demo.png"
else
	info "no network namespace (not root?): the VM's second NIC sends"
	"$S/vm.sh" "${vm[@]}" -n 2 -o "$out" -t 600 -- \
		"${guest[@]}" "$SWRSS_TOP/tests/demo-guest.sh" 2>&1 | grep -v '^\[ *[0-9.]*\] '
fi
