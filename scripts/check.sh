#!/usr/bin/env bash
# make check: build everything and run every test.
#
#   1. the kernels: debug (KASAN, lockdep, kmemleak, UBSAN, KFENCE) and
#      arm64;
#   2. each x86_64 selftest suite in a VM on the debug kernel, each VM run
#      followed by the kernel log gate;
#   3. QEMU with the emulated Armada 3700 NETA port (qemu/patches), the
#      arm64 root, and the mvneta suites in the arm64 VM, then its log
#      gate;
#   4. the series gate (checkpatch --strict, and per patch W=1 + sparse
#      on every kernel file it touches, in the debug or the arm64 kernel,
#      which also proves it bisects).
# The order keeps both CPUs busy to the end (see "The schedule" below).
# The test kernel (make kernel: the demo's, the bench's, make vm's) is
# the debug one without its checkers (and with bench.config's netfilter):
# make check builds only the debug kernel, and the host side (selftests,
# the tool, the gate) against it.  cpu.txt has the wall, user and
# system seconds of each step, timeline.txt when each began and ended.
# One line per test, then "N passed, N failed, N skipped"; exit 1 on any
# failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

S=$SWRSS_TOP/scripts
export SWRSS_X86_KERNEL=debug
check=$OUT/check
RESULTS=$check/results.txt
start=$(now)
rm -rf "$check"
mkdir -p "$check"
: > "$RESULTS"

step() { info "$*"; mark "$*"; }
# timeline.txt: seconds since the start, then what began or ended; and
# vmstat.txt, the machine's load every 30 s, to see where the time goes.
mark() { echo "$(($(now) - start)) $*" >> "$check/timeline.txt"; }
# timed NAME CMD...: CMD, and what it cost in cpu.txt: NAME, then its
# wall, user and system seconds, as bash's time reports them for
# everything it ran.  (The gate's once read 1465 CPU-s for 612 s on two
# CPUs: take a figure above wall x CPUs as unexplained, not as load.)
timed() {
	local TIMEFORMAT="$1 %0R %0U %0S"
	shift
	{ time "$@" 2>&3; } 3>&2 2>>"$check/cpu.txt"
}
vmstat -n 30 > "$check/vmstat.txt" 2>/dev/null &
vmstat_job=$!
trap 'kill $vmstat_job 2>/dev/null' EXIT

step "dependencies"
timed deps "$S/deps.sh" || exit 1
# timed_result NAME RESULT CMD...: CMD, timed as NAME, and the result
# RESULT it gives, PASS or FAIL; fails as CMD does
timed_result() {
	local name=$1 res=$2
	shift 2
	if timed "$name" "$@"; then
		result PASS "$res"
	else
		result FAIL "$res"
		return 1
	fi
}
# The kernel log gate that every VM's log goes through, on made-up logs:
# what it must fail on, and its exemption for injected allocation failures
timed_result loggate-test host/loggate "$SWRSS_TOP/tests/loggate-test.sh"

# build FLAVOUR: one kernel, its result; fails if it does not build
build() {
	local rc=0
	mark "build $1"
	timed_result "build-$1" "build/$1" "$S/build-kernel.sh" "$1" || rc=1
	mark "built $1"
	return $rc
}

# Bounce-buffered DMA for every VM: swiotlb=force
# bounces every DMA mapping, as on confidential-computing guests and
# behind bouncing IOMMUs, so a dma_sync over the wrong range loses data
# instead of going unseen.  Its size is explicit (65536 slots, 128 MiB):
# arm64 shrinks the default one to 1 MiB on a machine that needs no
# bouncing, less than mvneta's receive ring alone.
BOUNCE=swiotlb=65536,force

# The suites each VM run must report (tests/guest-tests.sh,
# tests/arm64-tests.sh): one that is missing fails.
run_suites() {
	case $1 in
	debug-kselftest) echo net-cpumap net-cpumap-kselftest drv-xdp-e1000e \
		drv-xdp-e1000e-kselftest page-pool ;;
	debug-tool) echo rss-tool page-pool ;;
	base-tool) echo rss-tool-base page-pool ;;
	arm64) echo mvneta drv-xdp-mvneta page-pool ;;
	esac
}

# One VM run of kernel $1 with suites $2 (see tests/guest-tests.sh), as
# run $3, then its log gate.  The driver suite and the tool's need the two
# NICs.  DMA bounces ($BOUNCE), in the cpumap suite on veth too: nothing
# there maps DMA, but nothing should.
vm_x86() {
	local k=$1 part=$2 run=$3 mem=1024 t=1200 nics=2 cpus=2 args=$BOUNCE rc=0
	[ -f "$(kernel_image "$k")" ] || { result FAIL "vm/$run" "no kernel"; return; }
	[ "$k" = debug ] && mem=2048 t=2400
	# autoscale from two CPUs to three
	[ "$part" = base-tool ] && nics=0 cpus=3
	mark "vm $run"
	timed "vm-$run" "$S/vm.sh" -q -s -k "$k" -c $cpus -n $nics -m $mem -t $t ${args:+-a "$args"} \
		-o "$check/vm-$run" -- "$SWRSS_TOP/tests/guest-tests.sh" "$k" "$part" || rc=$?
	mark "vm $run done"
	vm_results "$run" "$check/vm-$run" $rc $(run_suites "$run")
}

# make mutants' breakages of tree $1 (kernel or qemu) in directory $2
# still find the code they break: a result per mutant, so that a change
# that moves that code shows here and not at the next make mutants.
mutants_apply() {
	local verdict id why
	while read -r verdict id why; do
		result "$verdict" "mutants/applies/$id" $why
	done < <(python3 "$SWRSS_TOP/tests/mutants.py" check "$1" "$2")
}

# The NETA port's qtest (QEMU's own test framework, no guest): register
# by register and frame by frame against the model, with the regressions
# of its guest-triggered hang and leniencies.  TAP, at most 5 minutes.
qtest() {
	local obj=$BUILD/obj-qemu
	mark "qtest"
	# glib names the tests /aarch64/armada3700-neta/...: without the
	# architecture, as qemu/qtest/armada3700-neta/... results
	QTEST_QEMU_BINARY=$obj/qemu-system-aarch64 timeout -k 5 300 \
		"$obj/tests/qtest/armada3700-neta-test" --tap -k \
		2> "$check/qtest-neta.log" |
		sed -E 's,^((not )?ok [0-9]+ )/aarch64/,\1,' > "$check/qtest-neta.tap"
	tap_results qemu/qtest "$check/qtest-neta.tap"
	grep -q '^not ok\|^Bail out' "$check/qtest-neta.tap" &&
		tail -n 20 "$check/qtest-neta.log" >&2
	return 0
}

# QEMU with the NETA port, its qtest and QEMU's checkpatch on its series
# (build-qemu.sh makes its tree first).
qemu() {
	local p out rc=0
	mark "build qemu"
	if timed_result build-qemu build/qemu "$S/build-qemu.sh"; then
		qtest
		mutants_apply qemu "$BUILD/qemu"
	else
		rc=1
	fi
	while read -r p; do
		case $p in *0000-cover-letter.patch) continue ;; esac
		if out=$("$BUILD/qemu/scripts/checkpatch.pl" "$p" 2>&1); then
			result PASS "gate/qemu-checkpatch/$(basename "$p")"
		else
			printf '%s\n' "$out" >&2
			result FAIL "gate/qemu-checkpatch/$(basename "$p")"
		fi
	done < <(PATCHES=$SWRSS_TOP/qemu/patches series_patches)
	mark "built qemu"
	return $rc
}
# The arm64 guest's root (Debian's arm64 packages, mostly a download).
arm64_root() {
	local rc=0
	mark "arm64 root"
	timed_result arm64-root build/arm64-root "$S/arm64-root.sh" || rc=1
	mark "arm64 root done"
	return $rc
}
# Two emulated NETA ports on one hub, driven by mvneta, on multi-threaded
# TCG, a host thread for each vCPU.
# Bounce-buffered DMA, like the x86_64 runs.
arm64_vm() {
	local rc=0
	mark "vm arm64"
	timed vm-arm64 "$S/vm.sh" -q -k arm64 -n 2 -m 1024 -t 1200 -a "$BOUNCE" \
		-o "$check/vm-arm64" -- "$SWRSS_TOP/tests/arm64-tests.sh" || rc=$?
	mark "vm arm64 done"
	vm_results arm64 "$check/vm-arm64" $rc $(run_suites arm64)
}

# The schedule: everything is CPU-bound on this 2-CPU machine, so the
# run takes about its CPU time over two as long as two things are always
# ready to run.  In front, at normal priority:
#   1. the debug and the arm64 kernels, side by side;
#   2. the suites built against their BTF (the x86_64 ones and the tool,
#      then, as the x86_64 VMs start, the arm64 driver suite);
#   3. the VM runs, two at a time (an x86_64 VM is one TCG thread): the
#      tool's and the two kselftest suites' (of about the same length;
#      one boot each, as vng's init takes about 100 s on the debug
#      kernel), then the arm64 VM (one thread per vCPU) when a CPU frees,
#      and last the tool on Debian's kernel (fetched, not built).
# Behind them, at the lowest priority, so that they take only what the
# rest leaves idle (the kernels' links, the guests' waits, the last VM
# alone): from the start, Debian's kernel, the arm64 root, then QEMU
# with the NETA port;
# from the VM runs on, the series gate, which checks out every commit of
# the tree (nothing in front builds from the tree then: the VMs use only
# build/selftests, the tool's copy and the kernel images).
# Every patch must have its checkpatch and its build result, whatever
# stopped the gate.
gate_complete() {
	local n kind got
	n=$(series_patches | grep -vc '0000-cover-letter.patch$')
	for kind in checkpatch build; do
		got=$(grep -cE "^[A-Z]+  gate/$kind/" "$RESULTS")
		[ "$got" = "$n" ] || result FAIL "gate/$kind" "$got results for $n patches"
	done
}
root_ready=$check/arm64-root-ready
qemu_ready=$check/qemu-ready
# The base kernel for the tool's run there: Debian's own 6.12 kernel
# image, of the base's version (6.12 without the series, as Debian's
# users run it); fetched, not built
debian_ready=$check/debian-ready
debian_kernel() {
	mark "debian kernel"
	timed_result debian-kernel kernel/debian "$S/debian-kernel.sh" &&
		touch "$debian_ready"
	mark "debian kernel done"
}
background() {
	renice -n 19 -p $BASHPID >/dev/null
	debian_kernel
	arm64_root && touch "$root_ready"
	qemu && touch "$qemu_ready"
}
background &
background_job=$!
# The kernel tree (a minute or two on one CPU, from a fresh clone) with
# the background already on the other
step "kernel tree"
# kill_tree PID: PID and every process under it
kill_tree() {
	local c
	for c in $(pgrep -P "$1"); do kill_tree "$c"; done
	kill "$1" 2>/dev/null
}
if ! timed tree "$S/tree.sh"; then
	kill_tree $background_job
	exit 1
fi
mutants_apply kernel "$TREE"
# The software-RSS tool's steering policy (the Toeplitz hash, the
# indirection table's fill, grow, shrink and rebalance: the series'
# samples/bpf/xdp_redirect_cpu_table.c) in unit tests on the host,
# under AddressSanitizer and UBSan
rss_table_test() {
	local bin=$check/rss-table-test
	gcc -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
		-Wall -Werror -I"$TREE/samples/bpf" -o "$bin" \
		"$SWRSS_TOP/tests/host/rss-table-test.c" \
		"$TREE/samples/bpf/xdp_redirect_cpu_table.c" -lm || return
	"$bin" "$SWRSS_TOP/tests/data/rss-toeplitz-vectors.tsv"
}
rss_table_test > "$check/rss-table-test.tap" 2>&1
tap_results host/rss-table "$check/rss-table-test.tap"
grep -A1 '^not ok' "$check/rss-table-test.tap" >&2
# Its systemd units (samples/bpf/xdp_redirect_cpu*@.service) as systemd
# reads them; the guest runs their commands (tests/rss-tool.sh)
"$SWRSS_TOP/tests/host/systemd-units.sh" "$TREE/samples/bpf" > "$check/systemd-units.tap" 2>&1
tap_results host/systemd-units "$check/systemd-units.tap"
grep -A2 '^not ok' "$check/systemd-units.tap" >&2
# wait_for FILE: until the background makes FILE, or stops without it
wait_for() {
	while [ ! -e "$1" ] && kill -0 $background_job 2>/dev/null; do
		sleep 2
	done
	[ -e "$1" ]
}

build debug &
arm64=
build arm64 && arm64=ok
wait $!
mark "selftests"
selftests=ok
timed selftests "$S/selftests.sh" || { result FAIL "selftests/build"; selftests=; }
# The x86_64 VMs need nothing more (the debug kernel, build/selftests):
# they start while the arm64 suite builds
if [ -n "$selftests" ]; then
	vm_x86 debug tool debug-tool &
	tool_job=$!
	vm_x86 debug kselftest debug-kselftest &
	ksft_job=$!
fi
if [ -n "$arm64" ] && wait_for "$root_ready"; then
	mark "selftests arm64"
	timed selftests-arm64 "$S/selftests.sh" arm64 ||
		{ result FAIL "selftests/arm64"; arm64=; }
else
	arm64=
fi
# The series gate, behind the VM runs, at the lowest priority: it takes
# what they leave idle (their guests' waits, the end, when one VM is
# left), and no guest slows for it.  It checks out each commit of the
# tree and of a worktree of its own, and builds in the tree, in the
# arm64 kernel's object directory and in a copy of the x86_64 one: no VM
# reads the tree, and the kernel images it boots are not touched.  Its
# two streams use both CPUs once the VMs are done.
series_gate() {
	renice -n 19 -p $BASHPID >/dev/null
	step "series gate"
	timed gate env RESULTS="$RESULTS" "$S/gate.sh" ||
		result FAIL gate "gate.sh stopped (exit $?)"
	gate_complete
	mark "series gate done"
}
series_gate &
gate_job=$!

# The arm64 VM, when QEMU is there too.
arm64_run() {
	if [ -n "$arm64" ] && wait_for "$qemu_ready"; then
		arm64_vm
	else
		result FAIL "vm/arm64" "no QEMU, arm64 kernel, root or driver suite"
	fi
}
# The tool on Debian's kernel, three vCPUs: short
base_tool_run() {
	if wait_for "$debian_ready"; then
		vm_x86 debian base-tool base-tool
	else
		result FAIL "vm/base-tool" "no Debian kernel"
	fi
}
if [ -n "$selftests" ]; then
	# The first free CPU: the arm64 VM, or, if QEMU (built at the lowest
	# priority) is not there yet, the base-tool VM first
	wait -n $tool_job $ksft_job
	if [ -e "$qemu_ready" ]; then
		arm64_run
		wait $tool_job $ksft_job 2>/dev/null
		base_tool_run
	else
		base_tool_run
		arm64_run
		wait $tool_job $ksft_job 2>/dev/null
	fi
else
	arm64_run
fi
wait $background_job $gate_job

pass=$(grep -c '^PASS' "$RESULTS")
fail=$(grep -c '^FAIL' "$RESULTS")
skip=$(grep -c '^SKIP' "$RESULTS")
mark "end"
info "make check took $(( $(now) - start ))s; results in $check"
# where the time went, in two lines (CI shows only the end of the output)
info "timeline (s): $(paste -sd '|' "$check/timeline.txt" | sed 's/|/, /g')"
info "cpu.txt (step wall user sys): $(paste -sd '|' "$check/cpu.txt" | sed 's/|/, /g')"
if [ -s "$check/timings.txt" ]; then
	info "slowest tests (seconds in the guest; all in $check/timings.txt):"
	sort -rn "$check/timings.txt" | head -n 8 >&2
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
