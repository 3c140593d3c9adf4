#!/bin/bash
# The software-RSS tool on the base kernel (6.12 without the series), in
# a VM with three vCPUs (make check's base-tool run): it loads without the
# series' kfuncs and names those it lacks, steers each flow to its CPU,
# and autoscale goes from two CPUs to three and back under 256 flows,
# moving the fewest buckets each way.  TAP on stdout.
# Usage: rss-tool-base.sh XDP_REDIRECT_CPU (the tool's binary)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
TOOL=${1:?the xdp_redirect_cpu binary}
. "$top/tests/lib-rss-tool.sh"

# --- 6.12 has the NIC's hash and VLAN tag kfuncs, not the series' ones
# that store them for the skb: the tool says so, and what it costs
"$TOOL" --version > "$work/version" 2>&1
rc=$?
check features-of-the-base-kernel "exit $rc: $(cat "$work/version")" \
	test "$rc" = 0 -a "$(grep -c '^kernel features: nic-hash yes nic-vlan yes hash-to-skb no vlan-to-skb no; without hash-to-skb ' "$work/version")" = 1

# --- and steers as on the series' kernel, over three CPUs
hash_flows_check hash-flows-stay-on-their-cpu-3-cpus 3

# --- autoscale between two CPUs (--scale-min) and three, 256 flows:
# growing moves 42 of 128 buckets to CPU 2 (a third, from both others),
# shrinking moves them back, and CPU 2 handles frames in between
start_tool -p hash -c 0-2 --autoscale --scale-min 2 --scale-up 100 --scale-down 10 \
	--scale-hold 1 -i 1
paced 256 90 'bool(events("autoscale")) and any(cpu(2, s).get("kthread_pps", 0) > 0 for s in stats if s["time"] > events("autoscale")[0]["time"])'
for _ in $(seq 60); do
	[ "$(grep -c '^{"type":"autoscale"' "$work/out")" -ge 2 ] && break
	nap 0.5
done
kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
jvals '[e["active"] for e in events("autoscale")][:2] == [[0, 1, 2], [0, 1]] and cpu(2)["kthread"] > 0' \
	'[e["active"] for e in events("autoscale")]' 'cpu(2).get("kthread", 0)' \
	'[e["moved"] for e in events("autoscale")][:2] == [42, 42]' '[e["moved"] for e in events("autoscale")]'
check autoscale-2-to-3-cpus-and-back "events: ${J[1]}, cpu2 handled ${J[2]}" test "${J[0]}" = True
check autoscale-2-to-3-moves-the-fewest-buckets "moved: ${J[4]}" test "${J[3]}" = True

rss_tool_end
