#!/usr/bin/env bash
# Kernel log gate: fail (and print) on anything in a guest's console log
# that says the kernel went wrong, whatever the tests concluded.
#   loggate.sh console.log
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=${1:?usage: loggate.sh console.log}
[ -f "$log" ] || die "no console log $log"

# KASAN, UBSAN, lockdep, sleeping-in-atomic, WARN_ON, BUG_ON, oopses
# (x86's "Call Trace:", arm64's "Call trace:"), soft/hard lockups and hung
# tasks, RCU stalls, kmemleak, page_pool pages never returned, list and
# refcount corruption.
pattern='BUG:|WARNING:|Oops|general protection fault|Kernel panic|UBSAN:'
pattern+='|INFO: task .* blocked|detected stall|rcu_.* self-detected'
pattern+='|possible (circular|recursive) locking|inconsistent lock state'
pattern+='|unreferenced object|suspected memory leak|stalled pool shutdown'
pattern+='|page_pool_release_retry|list_(add|del) corruption|refcount_t:'
pattern+='|Call Trace:|Call trace:|bad page state'
# a stuck TX queue (a crit message, not a WARN) and e1000e's own hang
# detector; the OOM killer; kmemleak switching itself off (it then
# reports nothing); DMA-API debugging turning itself off or finding
# overlapping mappings (its other reports are WARNs, KFENCE's are BUGs)
pattern+='|NETDEV WATCHDOG|Detected Hardware Unit Hang'
pattern+='|Out of memory|invoked oom-killer'
pattern+='|kmemleak: .*(disabled|Cannot allocate)'
pattern+='|DMA-API: (debugging out of memory|exceeded|cpu touching)'

if grep -nE "$pattern" "$log" >/dev/null; then
	echo "kernel log gate: $log" >&2
	grep -nE -A 12 "$pattern" "$log" | head -n 80 >&2
	exit 1
fi
exit 0
