#!/bin/sh
# Runs inside the VM (see scripts/vm.sh): every selftest suite, each one's
# TAP output saved as <suite>.tap in the result directory.  Then, on the
# debug kernel, a kmemleak scan so leaks reach the kernel log gate.
top=$(cd "$(dirname "$0")/.." && pwd)
sel=$top/build/selftests
rc=0

run_suite() {
	name=$1
	shift
	echo "[swrss-guest] suite $name"
	"$@" 2>&1 | tee "$SWRSS_RESULTS/$name.tap"
}

run_suite net-cpumap "$sel/cpumap/xdp_cpumap"

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "[swrss-guest] kmemleak scan"
	echo scan > /sys/kernel/debug/kmemleak
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
exit $rc
