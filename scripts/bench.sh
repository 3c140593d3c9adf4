#!/usr/bin/env bash
# make bench: benchmarks side by side in one VM run on the test kernel;
# the table goes to build/out/bench/results.md (see tests/bench-guest.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$SWRSS_TOP/scripts/deps.sh"
"$SWRSS_TOP/scripts/tree.sh"
"$SWRSS_TOP/scripts/build-kernel.sh" test
"$SWRSS_TOP/scripts/selftests.sh"
# The base kernel (6.12 without the series), for e1000e's stack path
# before the series; built once, from a worktree at the base tag.
base_tree=$BUILD/linux-base
[ -d "$base_tree" ] ||
	git -C "$TREE" worktree add -q --detach "$base_tree" "$BASE_TAG"
TREE=$base_tree "$SWRSS_TOP/scripts/build-kernel.sh" base
"$SWRSS_TOP/scripts/vm.sh" -q -k base -n 2 -o "$OUT/bench-base" -t 600 -- \
	"$SWRSS_TOP/tests/bench-e1000e.sh" stack
base_stack=$(tr -d '\r' < "$OUT/bench-base/console.log" |
	awk '/^e1000e-stack / { print $2 "," $3 }')
"$SWRSS_TOP/scripts/vm.sh" -q -k test -n 2 -o "$OUT/bench" -t 1800 -- \
	"$SWRSS_TOP/tests/bench-guest.sh" "$base_stack"
cat "$OUT/bench/results.md"
