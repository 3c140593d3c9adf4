#!/usr/bin/env bash
# Build the series' selftests on the host, against the test kernel's BTF,
# into build/selftests/<suite> (the guest runs them from there), and the
# software-RSS tool, samples/bpf/xdp_redirect_cpu, in the kernel tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sel=$BUILD/selftests
mkdir -p "$sel"
for suite in net/cpumap drivers/net/xdp; do
	out=$sel/$(basename "$suite")
	info "building selftests $suite"
	make -s -C "$TREE/tools/testing/selftests/$suite" OUTPUT="$out" \
		CLANG=clang-19 VMLINUX_BTF="$BUILD/obj-test/vmlinux" \
		>"$sel/$(basename "$suite").log" 2>&1 ||
		{ tail -n 30 "$sel/$(basename "$suite").log" >&2; die "selftests $suite failed to build"; }
done

info "building samples/bpf/xdp_redirect_cpu"
make_rss_tool >"$sel/xdp_redirect_cpu.log" 2>&1 ||
	{ tail -n 30 "$sel/xdp_redirect_cpu.log" >&2; die "xdp_redirect_cpu failed to build"; }
