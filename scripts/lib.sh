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

# The x86_64 kernel the host builds against, its BTF, headers and
# objects: the selftests, the tool and the series gate.  make check
# builds no other x86_64 kernel than the debug one, and sets it to debug.
X86_KERNEL=${SWRSS_X86_KERNEL:-test}

# The host's libbpf and bootstrap bpftool, shared by the selftests and
# the tool (selftests.sh, make_rss_tool).
BPF_TOOLS=$BUILD/selftests/tools
# The series' kselftest suites (selftests.sh installs them in
# build/selftests/kselftest)
KSFT_TARGETS="net/cpumap drivers/net/xdp"

# The kernel image of a flavour (see build-kernel.sh).
kernel_image() {
	case $1 in
	arm64) echo "$BUILD/obj-arm64/arch/arm64/boot/Image" ;;
	# Debian's own (debian-kernel.sh)
	debian) echo "$BUILD"/kernel-debian/boot/vmlinuz-* ;;
	*) echo "$BUILD/obj-$1/arch/x86/boot/bzImage" ;;
	esac
}

# One result line per test, collected in $RESULTS (see check.sh).
result() {
	local verdict=$1 name=$2
	shift 2
	printf '%-4s  %s%s\n' "$verdict" "$name" "${*:+  ($*)}" | tee -a "$RESULTS"
}

# TAP from the kselftest harness and the shell suites: "ok N name",
# "not ok N name", "# SKIP", and the plan "1..N" (first or last).  A
# suite with no plan or fewer results than planned stopped early and
# fails; a skip not listed in tests/expected-skips.txt fails.
tap_results() {
	local prefix=$1 tap=$2 line name plan ran
	if [ ! -s "$tap" ]; then
		result FAIL "$prefix" "suite produced no output"
		return
	fi
	plan=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$tap" | tail -n 1)
	ran=$(grep -cE '^(ok|not ok) [0-9]+ ' "$tap")
	if [ -z "$plan" ]; then
		result FAIL "$prefix" "no TAP plan: the suite stopped early ($ran results)"
	elif [ "$plan" != "$ran" ]; then
		result FAIL "$prefix" "planned $plan tests, $ran reported"
	elif [ "$ran" = 0 ]; then
		result FAIL "$prefix" "no test ran"
	fi
	while IFS= read -r line; do
		name=$(sed -E 's/^(not )?ok [0-9]+ //; s/ # .*//' <<<"$line")
		case $line in
		"ok "*"# SKIP"*)
			if skip_expected "$prefix/$name"; then
				result SKIP "$prefix/$name" "${line#*# SKIP}"
			else
				result FAIL "$prefix/$name" "unexpected skip:${line#*# SKIP}"
			fi
			;;
		"ok "*) result PASS "$prefix/$name" ;;
		"not ok "*)
			result FAIL "$prefix/$name"
			failure_detail "$tap" "$name"
			;;
		esac
	done < <(grep -E '^(ok|not ok) [0-9]+ ' "$tap")
}

# "SECONDS run/suite/test" for each result of TAP file $2, from the
# "# time" comment that tests/lib-guest.sh's run_suite puts after it.
tap_times() {
	awk -v p="$1" '
	/^(not )?ok [0-9]+ / { name = $0; sub(/^(not )?ok [0-9]+ /, "", name); sub(/ # .*/, "", name) }
	/^# time [0-9.]+$/ && name != "" { printf "%8s %s/%s\n", $3, p, name; name = "" }
	' "$2"
}

# Is test $1 (run/suite/test) in tests/expected-skips.txt?
skip_expected() {
	grep -v '^[[:space:]]*\(#\|$\)' "$SWRSS_TOP/tests/expected-skips.txt" |
		sed 's/[[:space:]]*|.*//' | grep -qxF "$1"
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

# The outcome of VM run $1, whose results are in directory $2 and whose
# vm.sh exited $3: the run itself, the TAP files of the suites it must
# report ($4...), its kernel log gate.  Results as result() lines.
vm_results() {
	local run=$1 dir=$2 rc=$3 tap suite
	shift 3
	if [ "$rc" = 0 ]; then
		result PASS "vm/$run"
	else
		result FAIL "vm/$run" "$(cat "$dir/status" 2>/dev/null ||
			echo "vm.sh failed before booting ($rc)")"
	fi
	for suite in "$@"; do
		[ -e "$dir/$suite.tap" ] || result FAIL "$run/$suite" "suite did not run"
	done
	for tap in "$dir"/*.tap; do
		[ -e "$tap" ] || continue
		tap_results "$run/$(basename "$tap" .tap)" "$tap"
		tap_times "$run/$(basename "$tap" .tap)" "$tap" >> "${RESULTS%/*}/timings.txt"
	done
	if "$SWRSS_TOP/scripts/loggate.sh" "$dir/console.log"; then
		result PASS "$run/kernel-log"
	else
		result FAIL "$run/kernel-log" "see $dir/console.log"
	fi
	# QEMU's guest-error log (vm.sh -k arm64): any line is a driver bug
	if [ -e "$dir/guest-errors.log" ]; then
		if [ -s "$dir/guest-errors.log" ]; then
			head -n 20 "$dir/guest-errors.log" >&2
			result FAIL "$run/guest-errors" "see $dir/guest-errors.log"
		else
			result PASS "$run/guest-errors"
		fi
	fi
}

# Build samples/bpf/xdp_redirect_cpu in the tree against the x86_64
# kernel ($X86_KERNEL).
# samples/bpf builds every sample by default, and most need a kernel far
# bigger than the test kernel: build only the tool (its program, its
# skeleton and its loader), through the samples' own kbuild rules, with
# the libbpf and the bootstrap bpftool of the selftests (selftests.sh),
# which it builds there if they are not.
make_rss_tool() {
	make -s -C "$TREE" O="$BUILD/obj-$X86_KERNEL" headers_install >/dev/null &&
	make -s -C "$TREE" O="$BUILD/obj-$X86_KERNEL" M="$TREE/samples/bpf" \
		LIBBPF_OUTPUT="$BPF_TOOLS/libbpf" LIBBPF_DESTDIR="$BPF_TOOLS" \
		BPFTOOL_OUTPUT="$BPF_TOOLS/bpftool" \
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
		-I"$TREE/tools/include" "$s"/xdp_redirect_cpu_*.c \
		"$sel/libbpf/libbpf.a" -lelf -lz -lm \
		-o "$BUILD/arm64-tools/xdp_redirect_cpu"
}
