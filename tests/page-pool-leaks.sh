#!/bin/sh
# Every page_pool destroyed during a VM run must get all its pages back.
#
#   page-pool-leaks.sh start   before the suites: record page_pool_release
#   page-pool-leaks.sh check   after them: TAP for make check
#
# page_pool_destroy() and its retries, every second until the last page
# is back, report the pool's pages in flight through the page_pool_release
# tracepoint.  That covers every pool, with or without a netdev (veth's
# and mvneta's have none, so the netdev netlink family never lists them),
# on every kernel with tracing, and needs no wait for the kernel's own
# warning after 60 s.  "check" takes the interfaces down first, so that
# the pools of the NICs under test are destroyed too, then gives each
# destroyed pool up to 15 s: one whose last report still has pages in
# flight has leaked them.  The events go to a tracing instance of their
# own, away from what the suites trace.
inst=/sys/kernel/tracing/instances/swrss-page-pool
ev=$inst/events/page_pool/page_pool_release

# For each pool (hashed %p) its last report: "pools leaked" on stdout,
# a comment per leaking pool on stderr.
last_reports() {
	awk '/page_pool_release:/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^page_pool=/) p = $i
			if ($i ~ /^inflight=/) f = substr($i, 10) + 0
		}
		last[p] = f
	}
	END {
		n = 0; bad = 0
		for (p in last) {
			n++
			if (last[p] != 0) {
				bad++
				printf "# %s: %d pages in flight\n", p, last[p] > "/dev/stderr"
			}
		}
		print n, bad
	}' "$inst/trace"
}

case ${1:-} in
start)
	mkdir -p "$inst" && echo 1 > "$ev/enable"
	;;
check)
	echo "TAP version 13"
	echo "1..1"
	name=page_pool.every_destroyed_pool_got_its_pages_back
	if [ ! -e "$ev/enable" ] || [ "$(cat "$ev/enable")" != 1 ]; then
		echo "not ok 1 $name # page_pool_release was not traced (no start?)"
		exit 1
	fi
	for d in /sys/class/net/*; do
		[ "${d##*/}" = lo ] || ip link set "${d##*/}" down 2>/dev/null
	done
	i=0
	while :; do
		set -- $(last_reports 2>/dev/null)
		[ "${2:-1}" = 0 ] && break
		i=$((i + 1))
		[ $i -ge 15 ] && break
		sleep 1
	done
	set -- $(last_reports)
	echo "# $1 pools destroyed, $2 with pages in flight"
	echo 0 > "$ev/enable"
	# a check that saw no pool at all checked nothing
	if [ "$1" -gt 0 ] && [ "$2" = 0 ]; then
		echo "ok 1 $name"
	else
		echo "not ok 1 $name"
		exit 1
	fi
	;;
*)
	echo "usage: page-pool-leaks.sh start|check" >&2
	exit 2
	;;
esac
