#!/usr/bin/env bash
# Build the series' selftests on the host, against the BTF of the x86_64
# kernel (the test kernel, or SWRSS_X86_KERNEL's, see lib.sh), the way
# kernel developers do: "make O=<kernel objects> kselftest-install
# TARGETS=..." (below), installed in build/selftests/kselftest (run_kselftest.sh
# and a directory per suite; the guest runs them from there), and the
# software-RSS tool, samples/bpf/xdp_redirect_cpu, in the kernel tree
# (and a copy in build/selftests, with its systemd units).
# "selftests.sh arm64" cross-builds the driver suite for the arm64 guest
# instead, against the arm64 kernel's BTF, into build/selftests-arm64/xdp,
# with the arm64 root (arm64-root.sh) as the compiler's sysroot: its libc,
# libelf and zlib.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = arm64 ]; then
	out=$BUILD/selftests-arm64/xdp
	mkdir -p "$out"
	info "building selftests drivers/net/xdp for arm64"
	# its libbpf is arm64's; the bootstrap bpftool, a host program, is
	# the x86_64 suites' (see below)
	make -s -j"$(nproc)" -C "$TREE/tools/testing/selftests/drivers/net/xdp" \
		ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- OUTPUT="$out" \
		CC="aarch64-linux-gnu-gcc --sysroot=$BUILD/arm64-root" \
		CLANG=clang-19 VMLINUX_BTF="$BUILD/obj-arm64/vmlinux" \
		BPFTOOL_OUT="$BPF_TOOLS/bpftool" \
		>"$out.log" 2>&1 ||
		{ tail -n 30 "$out.log" >&2; die "arm64 selftests failed to build"; }
	exit 0
fi

sel=$BUILD/selftests
# One libbpf and one bootstrap bpftool, built by the first suite, for
# both suites and the tool (libbpf_skel.mk's SCRATCH; make_rss_tool, in
# lib.sh, gives samples/bpf the same): each would build its own, the
# same three times (78 of 134 CPU-seconds).  HOSTCC: libbpf_skel.mk
# hands it to the bootstrap bpftool's build.
mkdir -p "$sel"
rm -rf "$sel/kselftest"
info "building selftests $KSFT_TARGETS"
# What "make kselftest-install" does, in two steps: the kernel's make
# runs the selftests' with -r, and the selftests' Makefile then drops
# every variable given on the command line (SCRATCH) for its suites.
{
	make -s -C "$TREE" O="$BUILD/obj-$X86_KERNEL" headers &&
	make -s -j"$(nproc)" -C "$TREE/tools/testing/selftests" \
		O="$BUILD/obj-$X86_KERNEL" install \
		TARGETS="$KSFT_TARGETS" KSFT_INSTALL_PATH="$sel/kselftest" \
		SCRATCH="$BPF_TOOLS" HOSTCC=gcc CLANG=clang-19 \
		VMLINUX_BTF="$BUILD/obj-$X86_KERNEL/vmlinux"
} >"$sel/kselftest.log" 2>&1 ||
	{ tail -n 30 "$sel/kselftest.log" >&2; die "selftests failed to build"; }

info "building samples/bpf/xdp_redirect_cpu"
make_rss_tool >"$sel/xdp_redirect_cpu.log" 2>&1 ||
	{ tail -n 30 "$sel/xdp_redirect_cpu.log" >&2; die "xdp_redirect_cpu failed to build"; }
# make check's tool tests run this copy, and read these units: the series
# gate checks out older commits of the tree meanwhile
cp "$TREE/samples/bpf/xdp_redirect_cpu" "$TREE"/samples/bpf/xdp_redirect_cpu*@.service "$sel/"
