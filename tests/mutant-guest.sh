#!/bin/sh
# Runs inside the VM for make mutants (scripts/mutants.sh): one suite,
# limited to some of its tests, then the page_pool leak check; TAP files
# in the result directory, as for make check.
#   mutant-guest.sh SUITE TESTS [TOOL]
# SUITE: drv, drv-swiotlb (the e1000e suite; the host boots the second
# with swiotlb=force), cpumap, rss-tool (TOOL: the xdp_redirect_cpu to
# test), drv-mvneta and mvneta (tests/mvneta.sh; both in the arm64 VM).
# TESTS: the harness's test names,
# comma-separated, or "-" for all.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
suite=$1 tests=$2 tool=${3:-}

filter=
[ "$tests" = - ] || filter=$(echo "$tests" | sed 's/^/-t /; s/,/ -t /g')

"$top/tests/page-pool-leaks.sh" start
export XDP_DRV_IF=eth0 XDP_DRV_PEER_IF=eth1 XDP_DRV_NDO_XMIT=always
case $suite in
drv|drv-swiotlb) run_suite "$suite" "$top/build/selftests/kselftest/drivers/net/xdp/xdp_drv" $filter ;;
drv-mvneta) run_suite "$suite" "$top/build/selftests-arm64/xdp/xdp_drv" $filter ;;
mvneta) run_suite "$suite" "$top/tests/mvneta.sh" ;;
cpumap) run_suite "$suite" "$top/build/selftests/kselftest/net/cpumap/xdp_cpumap" $filter ;;
rss-tool) run_suite "$suite" "$top/tests/rss-tool.sh" "$tool" ;;
*) echo "mutant-guest.sh: no suite $suite" >&2; exit 2 ;;
esac
run_suite page-pool "$top/tests/page-pool-leaks.sh" check
exit 0
