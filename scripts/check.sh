#!/usr/bin/env bash
# make check: build everything and run every test.
#
#   1. the series gate (checkpatch --strict, and per patch W=1 + sparse
#      on every kernel file it touches, which also proves it bisects);
#   2. the kernels: test, debug (KASAN, lockdep, kmemleak) and arm64;
#   3. each selftest suite in a VM on the test and the debug kernel, each
#      VM run followed by the kernel log gate.
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

build test
step "series gate"
RESULTS=$RESULTS "$S/gate.sh"
for k in $kernels arm64; do
	[ "$k" = test ] || build "$k"
done

if "$S/selftests.sh"; then
	for k in $kernels; do
		[ -f "$(kernel_image "$k")" ] || { result FAIL "vm/$k" "no kernel"; continue; }
		mem=1024 t=1200
		[ "$k" = debug ] && mem=2048 t=2400
		"$S/vm.sh" -q -s -k "$k" -n 2 -m $mem -t $t -o "$check/vm-$k" -- \
			"$SWRSS_TOP/tests/guest-tests.sh" "$k" ||
			info "$k: guest tests exited non-zero"
		for tap in "$check/vm-$k"/*.tap; do
			tap_results "$k/$(basename "$tap" .tap)" "$tap"
		done
		if "$S/loggate.sh" "$check/vm-$k/console.log"; then
			result PASS "$k/kernel-log"
		else
			result FAIL "$k/kernel-log" "see $check/vm-$k/console.log"
		fi
	done
else
	result FAIL "selftests/build"
fi

pass=$(grep -c '^PASS' "$RESULTS")
fail=$(grep -c '^FAIL' "$RESULTS")
skip=$(grep -c '^SKIP' "$RESULTS")
info "make check took $(( $(now) - start ))s; results in $check"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
