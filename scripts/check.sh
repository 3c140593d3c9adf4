#!/usr/bin/env bash
# make check: build everything and run every test.
#
#   1. the kernels: test, debug (KASAN, lockdep, kmemleak) and arm64;
#   2. each selftest suite in a VM on the test and the debug kernel, each
#      VM run followed by the kernel log gate;
#   3. QEMU with the emulated Armada 3700 NETA port (qemu/patches), the
#      arm64 root, and the mvneta suites in the arm64 VM, then its log
#      gate;
#   4. the series gate (checkpatch --strict, and per patch W=1 + sparse
#      on every kernel file it touches, in the test or the arm64 kernel,
#      which also proves it bisects).
# The x86_64 VMs run TCG on one host thread each, two at a time, while
# the arm64 side and the gate build at low priority (see the end).
# One line per test, then "N passed, N failed, N skipped"; exit 1 on any
# failure.  SWRSS_KERNELS="test" limits the VM runs (default "test debug").
set -uo pipefail
. "$(dirname "$0")/lib.sh"

S=$SWRSS_TOP/scripts
check=$OUT/check
RESULTS=$check/results.txt
kernels=${SWRSS_KERNELS:-test debug}
start=$(now)
rm -rf "$check"
mkdir -p "$check"
: > "$RESULTS"

step() { info "$*"; }

# TAP from the kselftest harness: "ok N name", "not ok N name", "# SKIP".
tap_results() {
	local prefix=$1 tap=$2 line name
	if [ ! -s "$tap" ]; then
		result FAIL "$prefix" "suite produced no output"
		return
	fi
	grep -qE '^(ok|not ok) ' "$tap" || result FAIL "$prefix" "no test ran"
	while IFS= read -r line; do
		name=$(sed -E 's/^(not )?ok [0-9]+ //; s/ # .*//' <<<"$line")
		case $line in
		"ok "*"# SKIP"*) result SKIP "$prefix/$name" "${line#*# SKIP}" ;;
		"ok "*) result PASS "$prefix/$name" ;;
		"not ok "*)
			result FAIL "$prefix/$name"
			failure_detail "$tap" "$name"
			;;
		esac
	done < <(grep -E '^(ok|not ok) [0-9]+ ' "$tap")
}

# The harness's lines for test @2 in @1 (from its "RUN" line to its
# verdict), so a failure in CI says which check failed and why.
failure_detail() {
	awk -v t="$2" '
		$0 ~ "^#  *RUN  *" && index($0, t) { on = 1; n = 0 }
		on && n < 40 { print "      " $0; n++ }
		on && /^(not )?ok / { exit }
	' "$1"
}

step "dependencies"
"$S/deps.sh" || exit 1
step "kernel tree"
"$S/tree.sh" || exit 1

build() {
	if "$S/build-kernel.sh" "$1"; then
		result PASS "build/$1"
	else
		result FAIL "build/$1"
	fi
}

# One VM run of kernel $1 with suites $2 (see tests/guest-tests.sh), as
# run $3, then its log gate.  The driver suite needs the two NICs.
vm_x86() {
	local k=$1 part=$2 run=$3 mem=1024 t=1200 nics=2
	[ -f "$(kernel_image "$k")" ] || { result FAIL "vm/$run" "no kernel"; return; }
	[ "$k" = debug ] && mem=2048 t=2400
	[ "$part" = veth ] && nics=0
	"$S/vm.sh" -q -s -k "$k" -n $nics -m $mem -t $t -o "$check/vm-$run" -- \
		"$SWRSS_TOP/tests/guest-tests.sh" "$k" "$part" ||
		info "$run: guest tests exited non-zero"
	vm_results "$run"
}

# The TAP files and the kernel log gate of VM run $check/vm-$1
vm_results() {
	local tap
	for tap in "$check/vm-$1"/*.tap; do
		tap_results "$1/$(basename "$tap" .tap)" "$tap"
	done
	if "$S/loggate.sh" "$check/vm-$1/console.log"; then
		result PASS "$1/kernel-log"
	else
		result FAIL "$1/kernel-log" "see $check/vm-$1/console.log"
	fi
}

# What the arm64 VM needs, but its cross-built driver suite: the arm64
# kernel, QEMU with the NETA port (and QEMU's checkpatch on its series)
# and the arm64 root.
arm64() {
	local p out
	build arm64
	if "$S/build-qemu.sh"; then result PASS build/qemu; else result FAIL build/qemu; fi
	while read -r p; do
		case $p in *0000-cover-letter.patch) continue ;; esac
		if out=$("$BUILD/qemu/scripts/checkpatch.pl" "$p" 2>&1); then
			result PASS "gate/qemu-checkpatch/$(basename "$p")"
		else
			printf '%s\n' "$out" >&2
			result FAIL "gate/qemu-checkpatch/$(basename "$p")"
		fi
	done < <(PATCHES=$SWRSS_TOP/qemu/patches series_patches)
	if "$S/arm64-root.sh"; then result PASS build/arm64-root; else result FAIL build/arm64-root; fi
	! grep -q '^FAIL  build/\(arm64\|qemu\|arm64-root\)' "$RESULTS"
}
# Two emulated NETA ports on one hub, driven by mvneta, alone on the
# machine and on multi-threaded TCG, a host thread for each vCPU.
arm64_vm() {
	"$S/vm.sh" -q -k arm64 -n 2 -m 1024 -t 1200 -o "$check/vm-arm64" -- \
		"$SWRSS_TOP/tests/arm64-tests.sh" || info "arm64: guest tests exited non-zero"
	vm_results arm64
}

# The schedule.  In front, with every CPU: the test kernel, the suites
# built against its BTF, then the debug kernel.  Then the three x86_64 VM
# runs, each on one TCG thread, two at a time: the debug kernel's two
# halves first (the longest), then the test kernel's.  Behind it all, from
# the start and at the lowest priority, so that it takes only what the
# rest leaves idle: the arm64 kernel, QEMU and the arm64 root, then, once
# the x86_64 builds are done, the arm64 driver suite and the series gate
# (which checks out every commit of the tree: nothing may build from it
# meanwhile; the VMs use only build/selftests and files the series does
# not change).  Last, alone on the machine, the arm64 VM.
builds_done=$check/builds-done
background() {
	local rc=0
	renice -n 19 -p $BASHPID >/dev/null
	arm64 || rc=1
	while [ ! -e "$builds_done" ]; do sleep 5; done
	if [ $rc = 0 ] && ! "$S/selftests.sh" arm64; then
		result FAIL "selftests/arm64"
		rc=1
	fi
	step "series gate"
	RESULTS=$RESULTS "$S/gate.sh"
	[ $rc = 0 ] || result FAIL "vm/arm64" "no QEMU, arm64 kernel, root or driver suite"
	return $rc
}
background &
background_job=$!

build test
if ! "$S/selftests.sh"; then
	result FAIL "selftests/build"
	kernels=
fi
case " $kernels " in *" debug "*) build debug ;; esac
touch "$builds_done"

case " $kernels " in
*" debug "*)
	vm_x86 debug veth debug-veth &
	veth_job=$!
	vm_x86 debug nic debug-nic &
	nic_job=$!
	# the test kernel's run takes the first free CPU
	wait -n $veth_job $nic_job
	case " $kernels " in *" test "*) vm_x86 test all test ;; esac
	wait $veth_job $nic_job 2>/dev/null
	;;
*" test "*) vm_x86 test all test ;;
esac
wait $background_job && arm64_vm

pass=$(grep -c '^PASS' "$RESULTS")
fail=$(grep -c '^FAIL' "$RESULTS")
skip=$(grep -c '^SKIP' "$RESULTS")
info "make check took $(( $(now) - start ))s; results in $check"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
