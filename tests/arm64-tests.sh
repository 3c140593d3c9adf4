#!/bin/sh
# Runs inside the arm64 VM (vm.sh -k arm64 -n 2): the suites of the
# emulated Armada 3700 NETA ports, each one's TAP output saved as
# <suite>.tap in the result directory.  eth0 is the port under test,
# eth1 its peer; both are mvneta.  The run ends with the page_pool leak
# check.
top=$(cd "$(dirname "$0")/.." && pwd)

. "$top/tests/lib-guest.sh"

"$top/tests/page-pool-leaks.sh" start
run_suite mvneta "$top/tests/mvneta.sh"
export XDP_DRV_IF=eth0 XDP_DRV_PEER_IF=eth1 XDP_DRV_NDO_XMIT=always
run_suite drv-xdp-mvneta "$top/build/selftests-arm64/xdp/xdp_drv"
run_suite page-pool "$top/tests/page-pool-leaks.sh" check
# The verdicts are in the TAP files, read on the host.
exit 0
