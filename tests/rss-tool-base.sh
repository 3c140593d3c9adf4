#!/bin/bash
# The software-RSS tool on 6.12 without the series (the base kernel, or
# Debian's own of the base's version in make check's base-tool run), in
# a VM with three vCPUs: it loads without the series' kfuncs and names
# those it lacks, steers each flow to its CPU, and autoscale goes from
# two CPUs to three and back under 256 flows, moving the fewest buckets
# each way.  TAP on stdout.
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
autoscale_check autoscale-2-to-3-cpus-and-back autoscale-2-to-3-moves-the-fewest-buckets \
	2 2 256 42

rss_tool_end
