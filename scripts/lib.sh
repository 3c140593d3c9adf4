# shellcheck shell=bash
# Shared helpers for swrss scripts: sourced, never run.

SWRSS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$SWRSS_TOP/build}
OUT=${OUT:-$BUILD/out}

info() { printf '[swrss] %s\n' "$*" >&2; }
die() { printf '[swrss] error: %s\n' "$*" >&2; exit 1; }

BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz

# The series a script works on: the kernel's, or with SWRSS_SERIES=qemu
# the QEMU one that adds the emulated NETA port.  Each has a work tree
# (its Debian source as the first commit, tagged, then one commit per
# patch on a branch) and a directory of patches.
case ${SWRSS_SERIES:-kernel} in
kernel)
	TREE=${TREE:-$BUILD/linux} PATCHES=$SWRSS_TOP/patches
	BASE_TAG=swrss-base BRANCH=swrss ;;
qemu)
	TREE=${TREE:-$BUILD/qemu} PATCHES=$SWRSS_TOP/qemu/patches
	BASE_TAG=qemu-base BRANCH=neta ;;
*) die "SWRSS_SERIES is kernel or qemu, not $SWRSS_SERIES" ;;
esac

# Fixed identity and dates for commits that must hash the same on every
# machine (the base commit, re-applied patches).
git_fixed() {
	GIT_AUTHOR_NAME=swrss GIT_AUTHOR_EMAIL=swrss@localhost \
	GIT_COMMITTER_NAME=swrss GIT_COMMITTER_EMAIL=swrss@localhost \
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' \
	GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' git -C "$TREE" "$@"
}

# The patches of the series, in order, from patches/series.
series_patches() {
	grep -v '^[[:space:]]*\(#\|$\)' "$PATCHES/series" |
		sed "s|^|$PATCHES/|"
}

# Wall-clock stamp for log lines and summaries.
now() { date +%s; }

# The kernel image of a flavour (see build-kernel.sh).
kernel_image() {
	case $1 in
	arm64) echo "$BUILD/obj-arm64/arch/arm64/boot/Image" ;;
	*) echo "$BUILD/obj-$1/arch/x86/boot/bzImage" ;;
	esac
}

# One result line per test, collected in $RESULTS (see check.sh).
result() {
	local verdict=$1 name=$2
	shift 2
	printf '%-4s  %s%s\n' "$verdict" "$name" "${*:+  ($*)}" | tee -a "$RESULTS"
}

# Build samples/bpf/xdp_redirect_cpu in the tree against the test kernel.
# samples/bpf builds every sample by default, and most need a kernel far
# bigger than the test kernel: build only the tool (its program, its
# skeleton and its loader), through the samples' own kbuild rules.
make_rss_tool() {
	make -s -C "$TREE" O="$BUILD/obj-test" headers_install >/dev/null &&
	make -s -C "$TREE" O="$BUILD/obj-test" M="$TREE/samples/bpf" \
		CLANG=clang-19 LLC=llc-19 OPT=opt-19 LLVM_DIS=llvm-dis-19 \
		LLVM_OBJCOPY=llvm-objcopy-19 LLVM_READELF=llvm-readelf-19 \
		tprogs-y=xdp_redirect_cpu \
		always-y="$TREE/samples/bpf/xdp_redirect_cpu" \
		BPF_SRCS_LINKED=xdp_redirect_cpu.bpf.c "$@"
}

# The tool for the arm64 guest, build/arm64-tools/xdp_redirect_cpu: its
# loader cross-compiled against the arm64 root, with the libbpf that
# "selftests.sh arm64" cross-built and the skeleton of make_rss_tool (the
# BPF object is the same for both little-endian architectures).
make_rss_tool_arm64() {
	local s=$TREE/samples/bpf sel=$BUILD/selftests-arm64/xdp/tools
	mkdir -p "$BUILD/arm64-tools"
	aarch64-linux-gnu-gcc --sysroot="$BUILD/arm64-root" -O2 -Wall -Werror \
		-I"$s" -I"$sel/include" -I"$TREE/tools/include/uapi" \
		-I"$TREE/tools/include" "$s/xdp_redirect_cpu_user.c" \
		"$sel/libbpf/libbpf.a" -lelf -lz -lm \
		-o "$BUILD/arm64-tools/xdp_redirect_cpu"
}
