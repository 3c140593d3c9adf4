#!/usr/bin/env bash
# make demo: set up everything, then show software RSS in a VM (see
# tests/demo-guest.sh).  "demo.sh arm64" (make demo-arm64) shows it on the
# seeds' board instead: the arm64 VM with two emulated Armada 3700 NETA
# ports, mvneta, and the tool cross-built for it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

S=$SWRSS_TOP/scripts
"$S/deps.sh"
"$S/tree.sh"
"$S/build-kernel.sh" test
"$S/selftests.sh"
if [ "${1:-}" = arm64 ]; then
	"$S/build-kernel.sh" arm64
	"$S/build-qemu.sh"
	"$S/arm64-root.sh"
	"$S/selftests.sh" arm64
	make_rss_tool_arm64
	"$S/vm.sh" -k arm64 -n 2 -o "$OUT/demo-arm64" -t 600 -- \
		env SWRSS_RSS_TOOL="$BUILD/arm64-tools/xdp_redirect_cpu" \
		"$SWRSS_TOP/tests/demo-guest.sh" 2>&1 | grep -v '^\[ *[0-9.]*\] '
	exit
fi
"$S/vm.sh" -k test -n 2 -o "$OUT/demo" -t 600 -- \
	"$SWRSS_TOP/tests/demo-guest.sh" 2>&1 | grep -v '^\[ *[0-9.]*\] '
