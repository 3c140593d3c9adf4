#!/bin/sh
# After the suites: every page_pool whose device is gone must have got all
# its pages back.  The kernel lists such pools (with a detach-time) over
# the netdev netlink family; a pool still holding pages 15 s after the
# last test is a leak.  Prints TAP for make check.
ynl=$1/tools/net/ynl
dump() {
	/usr/bin/python3 "$ynl/cli.py" --spec "$1/Documentation/netlink/specs/netdev.yaml" \
		--no-schema --dump page-pool-get --output-json 2>/dev/null
}
leaks() {
	dump "$1" | /usr/bin/python3 -c '
import json, sys
pools = json.load(sys.stdin)
bad = [p for p in pools if "detach-time" in p and p.get("inflight", 0)]
for p in bad:
	print("# leaked: pool %d, %d pages in flight" % (p["id"], p["inflight"]), file=sys.stderr)
print(len(bad))'
}

echo "TAP version 13"
echo "1..1"
i=0
while :; do
	n=$(leaks "$1")
	[ "$n" = 0 ] && { echo "ok 1 page_pool.no_pages_in_flight_after_detach"; exit 0; }
	[ -z "$n" ] && { echo "not ok 1 page_pool.no_pages_in_flight_after_detach # netlink dump failed"; exit 1; }
	i=$((i + 1))
	[ $i -ge 15 ] && break
	sleep 1
done
leaks "$1" >/dev/null
echo "not ok 1 page_pool.no_pages_in_flight_after_detach"
exit 1
