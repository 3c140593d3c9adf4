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

# A test that makes allocations fail on purpose (failslab, see the
# driver suite's attach_detach_failing_allocations) writes markers to the
# kernel log around them.  Between the markers, the stack trace of the
# kernel's report of a failed vmalloc or page allocation (warn_alloc())
# is what was asked for; the line that reports it is kept, and so is
# every other finding (a WARNING or a BUG is one wherever it is).
gated=$(mktemp)
trap 'rm -f "$gated"' EXIT
awk '/allocation failures injected from here/ { inj = 1 }
     /no more allocation failures injected/ { inj = 0 }
     inj && /(vmalloc error|page allocation failure): / { report = NR }
     inj && report && NR - report <= 6 && /Call [Tt]race:/ { next }
     { print }' "$log" > "$gated"
if grep -nE "$pattern" "$gated" >/dev/null; then
	echo "kernel log gate: $log" >&2
	grep -nE -A 12 "$pattern" "$gated" | head -n 80 >&2
	exit 1
fi
exit 0
