#!/bin/sh
# Runs inside the VM (see scripts/vm.sh): every selftest suite, each one's
# TAP output saved as <suite>.tap in the result directory.  $1 is the
# kernel flavour (test or debug).  Then, on the
# debug kernel, a kmemleak scan so leaks reach the kernel log gate.
top=$(cd "$(dirname "$0")/.." && pwd)
sel=$top/build/selftests
flavour=${1:-test}

run_suite() {
	name=$1
	shift
	echo "[swrss-guest] suite $name"
	"$@" 2>&1 | tee "$SWRSS_RESULTS/$name.tap"
}

run_suite net-cpumap "$sel/cpumap/xdp_cpumap"
# Driver XDP on the two e1000e of the VM's hub (vm.sh -n 2): eth0 is the
# device under test, eth1 its peer.
if [ -e /sys/class/net/eth0 ] && [ -e /sys/class/net/eth1 ]; then
	export XDP_DRV_IF=eth0 XDP_DRV_PEER_IF=eth1
	run_suite drv-xdp-e1000e "$sel/xdp/xdp_drv"
fi
# The tool is user space and BPF: its kernel paths are the cpumap suite's,
# so it runs on the test kernel only, where TCG runs it 4x faster.
[ "$flavour" = debug ] || run_suite rss-tool "$top/tests/rss-tool.sh" "$top/build/linux"
run_suite page-pool "$top/tests/page-pool-leaks.sh" "$top/build/linux"

# Debug kernel: give a page_pool that never got its pages back time to say
# so (page_pool_release_retry() warns after 60 s, also for pools of
# devices in namespaces that are gone, which netlink no longer lists),
# then scan for leaks twice, as kmemleak reports only objects unreferenced
# in two scans.  Both reports reach the kernel log gate.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "[swrss-guest] waiting 65 s for page_pool shutdown warnings"
	echo scan > /sys/kernel/debug/kmemleak
	sleep 65
	echo "[swrss-guest] kmemleak scan"
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
# The verdicts are in the TAP files, read on the host.
exit 0
