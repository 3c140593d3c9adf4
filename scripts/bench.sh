#!/usr/bin/env bash
# make bench: benchmarks side by side in one VM run on the test kernel;
# the table goes to build/out/bench/results.md (see tests/bench-guest.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$SWRSS_TOP/scripts/deps.sh"
"$SWRSS_TOP/scripts/tree.sh"
"$SWRSS_TOP/scripts/build-kernel.sh" test
"$SWRSS_TOP/scripts/selftests.sh"
"$SWRSS_TOP/scripts/vm.sh" -q -k test -o "$OUT/bench" -t 1200 -- \
	"$SWRSS_TOP/tests/bench-guest.sh"
cat "$OUT/bench/results.md"
