#!/usr/bin/env bash
# make bench: benchmarks side by side in one VM run on the test kernel;
# the table goes to build/out/bench/results.md (see tests/bench-guest.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-hostnet.sh"

"$SWRSS_TOP/scripts/deps.sh"
"$SWRSS_TOP/scripts/tree.sh"
"$SWRSS_TOP/scripts/build-kernel.sh" test
"$SWRSS_TOP/scripts/selftests.sh"
# The base kernel (6.12 without the series), for e1000e's stack path
# before the series
"$SWRSS_TOP/scripts/build-kernel.sh" base
# e1000e's stack path without a program, on the base kernel and on the
# series' (the test kernel), side by side: VMs that measure only that,
# right after boot, the two kernels taking turns, two boots each (three
# runs a boot, with rxhash on, then three with it off).
rm -rf "$OUT"/bench-stack-*
for round in 1 2; do
	for k in base test; do
		"$SWRSS_TOP/scripts/vm.sh" -q -k $k -n 2 -o "$OUT/bench-stack-$k-$round" \
			-t 600 -- "$SWRSS_TOP/tests/bench-e1000e.sh" stack
	done
done
# stack_row NAME KERNEL RUNS: a table row of the runs named RUNS
# (e1000e-stack-run, e1000e-nohash-run) in KERNEL's boots
stack_row() {
	cat "$OUT"/bench-stack-"$2"-*/output.log | tr -d '\r' |
		awk -v n="$3" '$1 == n { print $2, $3, $4 }' |
		awk -f "$SWRSS_TOP/tests/runs-summary.awk" |
		awk -v name="$1" '{ printf "| %s | %d | %d | %s | %d%%%s |\n", name, $1, $3, $4, $5, ($5 > 10 ? " (varies)" : "") }'
}

# "RELEASE, N vCPUs" of the first fresh boot of kernel $1
booted() {
	tr -d '\r' < "$OUT/bench-stack-$1-1/output.log" |
		sed -n 's/^\[swrss-guest\] \([^ ]*\) up, \([0-9]*\) CPUs$/\1, \2 vCPUs/p' | head -1
}

build_udp_tools

# A third e1000e on a tap device, so that the TCP and UDP senders run
# on the host, outside the VM (10.201.0.2 on the tap, 10.201.0.1 in the
# VM), in a network namespace of the bench's own that goes when the
# bench ends (scripts/lib-hostnet.sh).  Without one (not root), the rows
# that need a host sender are skipped.
hostnet_up swrss-bench swrss-bench0 || true
[ ${#tap_args[@]} != 0 ] ||
	info "no tap device (not root?): no rows with a host sender"
mkdir -p "$OUT/bench"
rm -f "$OUT/bench"/stream.* "$OUT/bench"/*.dat "$OUT/bench"/*.png
# The host, for every table's caption (tests/lib-guest.sh's bench_caption)
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) host CPUs,"
machine+=" $(free -g | awk '/^Mem:/ { print $2 }') GiB, $(qemu-system-x86_64 --version | head -1)"
echo "$machine" > "$OUT/bench/machine"
"${in_ns[@]}" "$SWRSS_TOP/scripts/vm.sh" -q -k test -n 2 "${tap_args[@]}" \
	-o "$OUT/bench" -t 1800 -- "$SWRSS_TOP/tests/bench-guest.sh" &
vm=$!
host_requests $vm "$OUT/bench"
wait $vm
{
	echo
	echo "e1000e's stack path, no program, 64-byte UDP to a closed port (as above),"
	echo "in fresh boots that measure only this, the kernels in turn"
	echo
	echo "_6.12 without the series ($(booted base)) and with it ($(booted test))," \
		"under QEMU TCG on $machine;" \
		"2 boots x 3 runs of 6 s a kernel; median, (varies): the runs spread over 10%_"
	echo
	echo "| kernel | packets/s | CPU 1 ns/packet | runs (packets/s) | spread |"
	echo "|---|---|---|---|---|"
	stack_row "base (6.12 without the series)" base e1000e-stack-run
	stack_row "the series" test e1000e-stack-run
	stack_row "base, rxhash off" base e1000e-nohash-run
	stack_row "the series, rxhash off (the emulated 82574 computes no RSS hash)" test e1000e-nohash-run
} >> "$OUT/bench/results.md"
"$SWRSS_TOP/tests/bench-plots.sh" "$OUT/bench"
cat "$OUT/bench/results.md"
