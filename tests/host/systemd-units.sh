#!/bin/bash
# The systemd units of xdp_redirect_cpu (the series' samples/bpf/*.service)
# as systemd reads them: systemd-analyze verify on an instance of each,
# for interface eth0 (together: one names the other), with the tool's
# path made one that exists here.  Any message fails, warnings (an
# unknown key, a bad setting) included.  TAP on stdout.
# Usage: systemd-units.sh SAMPLES_BPF_DIR
src=${1:?the samples/bpf directory of the tree}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
insts=()
for unit in "$src"/xdp_redirect_cpu*@.service; do
	[ -e "$unit" ] || continue
	name=$(basename "$unit")
	insts+=("./${name/@./@eth0.}")
	sed 's|/usr/local/sbin/xdp_redirect_cpu|/bin/true|' "$unit" > "$work/${insts[-1]}"
done
out=$(cd "$work" && systemd-analyze verify --man=no "${insts[@]}" 2>&1)
rc=$?
if [ "${#insts[@]}" = 2 ] && [ "$rc" = 0 ] && [ -z "$out" ]; then
	echo "ok 1 verify"
else
	echo "not ok 1 verify"
	printf '# %s\n' "${#insts[@]} units (want 2): ${insts[*]}, exit $rc" "${out//$'\n'/ }"
fi
echo "1..1"
