#!/usr/bin/env bash
# make demo: set up everything, then show software RSS in a VM (see
# tests/demo-guest.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$SWRSS_TOP/scripts/deps.sh"
"$SWRSS_TOP/scripts/tree.sh"
"$SWRSS_TOP/scripts/build-kernel.sh" test
"$SWRSS_TOP/scripts/selftests.sh"
"$SWRSS_TOP/scripts/vm.sh" -k test -n 2 -o "$OUT/demo" -t 600 -- \
	"$SWRSS_TOP/tests/demo-guest.sh" 2>&1 | grep -v '^\[ *[0-9.]*\] '
