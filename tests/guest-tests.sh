#!/bin/sh
# Runs inside the VM (see scripts/vm.sh): the selftest suites, each one's
# TAP output saved as <suite>.tap in the result directory.  $1 is the
# kernel flavour (test, debug, base or debian); $2 picks the suites:
# "veth" (the cpumap suite, on veth), "nic" (the driver suite, on the VM's two
# e1000e), "tool" (the software-RSS tool's suite, on veth and the two
# e1000e), "kselftest" (the first two), "all" (the default: those three)
# or "base-tool" (the tool's suite for the base kernel, 6.12 without the
# series, on veth, three vCPUs).  The two kselftest suites run through
# run_kselftest.sh, from the tree selftests.sh installed.  make check
# runs "kselftest" and "tool" as two VMs of the debug kernel side by
# side, and base-tool on Debian's kernel.  Every run ends with the
# page_pool leak check (tests/page-pool-leaks.sh) and, on the debug
# kernel, a kmemleak scan, whose reports reach the kernel log gate.
top=$(cd "$(dirname "$0")/.." && pwd)
sel=$top/build/selftests
flavour=${1:-test}
part=${2:-all}

. "$top/tests/lib-guest.sh"

case $part in
all|veth|nic|kselftest|tool|base-tool) ;;
*) echo "guest-tests.sh: suites are all, veth, nic, kselftest, tool or base-tool, not $part" >&2; exit 2 ;;
esac

# Debug kernel: no automatic kmemleak scan every 10 minutes (each walks
# all of memory, slowly in TCG); the two scans at the end find what it
# would.
[ ! -w /sys/kernel/debug/kmemleak ] || echo scan=off > /sys/kernel/debug/kmemleak

"$top/tests/page-pool-leaks.sh" start

# part $1 runs in this VM
runs() {
	case $part:$1 in all:* | kselftest:veth | kselftest:nic) return 0 ;; esac
	[ "$part" = "$1" ]
}

# The debug kernel runs about 4x slower in TCG: the suites' long TCP
# streams shrink there (KSFT_MACHINE_SLOW, as in the kernel's own
# selftests), but the driver suite's XDP_PASS stream, which stays 16 MiB
# (with its digest) for the bounce buffers' sake.
[ "$flavour" != debug ] || export KSFT_MACHINE_SLOW=yes
runs veth && run_kselftest net-cpumap net/cpumap
runs tool && run_suite rss-tool "$top/tests/rss-tool.sh" "$sel/xdp_redirect_cpu"
[ "$part" != base-tool ] ||
	run_suite rss-tool-base "$top/tests/rss-tool-base.sh" "$sel/xdp_redirect_cpu"
# Driver XDP on the two e1000e of the VM's hub (vm.sh -n 2): eth0 is the
# device under test, eth1 its peer, given in the environment as the
# suite's header says
if runs nic; then
	if [ -e /sys/class/net/eth0 ] && [ -e /sys/class/net/eth1 ]; then
		export XDP_DRV_IF=eth0 XDP_DRV_PEER_IF=eth1 XDP_DRV_NDO_XMIT=always
		run_kselftest drv-xdp-e1000e drivers/net/xdp
	else
		echo "not ok 1 drv-xdp-e1000e # the VM has no eth0 and eth1" |
			tee "$SWRSS_RESULTS/drv-xdp-e1000e.tap"
	fi
fi
run_suite page-pool "$top/tests/page-pool-leaks.sh" check

# Debug kernel: scan for leaks twice, as kmemleak reports only objects
# unreferenced in two scans and older than 5 s.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 10
	echo "[swrss-guest] kmemleak scan"
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
# The verdicts are in the TAP files, read on the host.
exit 0
