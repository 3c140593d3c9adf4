#!/usr/bin/env bash
# The kernel log gate (scripts/loggate.sh) on made-up console logs: what
# it must fail on, and its one exemption, the stack trace of a failed
# vmalloc or page allocation between the markers of a test that injects
# allocation failures.  Exits 1, naming the case, if any case goes wrong.
set -uo pipefail
gate=$(cd "$(dirname "$0")/.." && pwd)/scripts/loggate.sh
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rc=0

begin='[   43.2] xdp_drv: allocation failures injected from here'
end='[  148.5] xdp_drv: no more allocation failures injected'
vmalloc='[   49.9] xdp_drv: vmalloc error: size 256, vm_struct allocation failed, mode:0xcc0(GFP_KERNEL), nodemask=(null)'
cpu='[   49.9] CPU: 1 UID: 0 PID: 100 Comm: xdp_drv Not tainted 6.12.118+ #15'
trace='[   49.9] Call Trace:'
warn='[   47.3] WARNING: CPU: 0 PID: 100 at net/core/dev.h:159 page_pool_disable_direct_recycling+0xc7/0x12a'

# case NAME WANT(pass|fail) LINE...: the gate on a log of these lines
case_() {
	local name=$1 want=$2 got=fail
	shift 2
	printf '%s\n' '[    0.0] Linux version 6.12' "$@" '[  200.0] reboot: Restarting system' > "$dir/log"
	"$gate" "$dir/log" > /dev/null 2>&1 && got=pass
	if [ "$got" = "$want" ]; then
		echo "ok $name"
	else
		echo "not ok $name: the gate said $got, not $want" >&2
		rc=1
	fi
}

case_ clean pass
case_ warning fail "$warn" "$trace"
case_ vmalloc-trace-between-markers pass "$begin" "$vmalloc" "$cpu" "$trace" "$end"
case_ vmalloc-trace-outside-markers fail "$vmalloc" "$cpu" "$trace"
case_ vmalloc-trace-after-markers fail "$begin" "$end" "$vmalloc" "$cpu" "$trace"
case_ warning-between-markers fail "$begin" "$warn" "$trace" "$end"
case_ trace-without-report-between-markers fail "$begin" "$cpu" "$trace" "$end"
case_ vmalloc-then-warning-between-markers fail "$begin" "$vmalloc" "$cpu" "$trace" "$warn" "$trace" "$end"
exit $rc
