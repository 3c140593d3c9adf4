#!/usr/bin/env bash
# The series gate, one result per patch:
#   gate/checkpatch/<patch>  checkpatch.pl --strict
#   gate/build/<patch>       the tree at that patch compiles every kernel
#                            C file the patch touches with W=1 and sparse
#                            (C=2) without a warning: bisectable, and
#                            nothing new for W=1 or sparse.  A file is
#                            built in the x86_64 kernel (the test one, or
#                            SWRSS_X86_KERNEL's: make check's is debug),
#                            or, if only the arm64 kernel has it
#                            (mvneta), in that one.
# Findings listed in gate/allow.txt (each with its reason) are accepted.
# Needs the x86_64 and arm64 kernels built (build-kernel.sh test, arm64).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

RESULTS=${RESULTS:-/dev/null}
allow=$SWRSS_TOP/gate/allow.txt
obj=$BUILD/obj-$X86_KERNEL

# Drop findings that gate/allow.txt explains: one extended regex a line.
unexplained() {
	grep -vE -f <(grep -v '^\s*\(#\|$\)' "$allow" | sed 's/^[^|]*| *//') || true
}

# checkpatch.pl on every patch, as many at a time as there are CPUs
# (each is one perl process); the results in the series' order.
checkpatch() {
	local p tmp out
	tmp=$(mktemp -d)
	series_patches | grep -v '0000-cover-letter.patch$' > "$tmp/list"
	xargs -a "$tmp/list" -P "$(nproc)" -I{} sh -c 'cd "$1" &&
		PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --terse \
		--show-types --no-summary "$2" > "$3/${2##*/}.out" 2>&1' \
		sh "$TREE" {} "$tmp"
	while read -r p; do
		out=$(unexplained < "$tmp/${p##*/}.out" 2>&1 ||
			echo "checkpatch did not run")
		if [ -z "$out" ]; then
			result PASS "gate/checkpatch/$(basename "$p")"
		else
			printf '%s\n' "$out" >&2
			result FAIL "gate/checkpatch/$(basename "$p")"
		fi
	done < "$tmp/list"
	rm -rf "$tmp"
}

# Kernel C files (not tools/, samples/, scripts/) a commit touches, as
# objects of the kernel that builds them: "x86 path.o", or, for files
# only the arm64 config has (mvneta), "arm64 path.o"; "none path.c" for
# a file neither kernel builds.
touched_objs() {
	git -C "$TREE" diff-tree --no-commit-id --name-only -r "$1" |
		grep -E '^(arch|block|crypto|drivers|fs|init|io_uring|ipc|kernel|lib|mm|net|security|sound|virt)/.*\.c$' |
		while read -r f; do
			if [ -f "$obj/${f%.c}.o" ]; then
				echo "x86 ${f%.c}.o"
			elif [ -f "$BUILD/obj-arm64/${f%.c}.o" ]; then
				echo "arm64 ${f%.c}.o"
			else
				echo "none $f"
			fi
		done
}

# make, W=1 and sparse, of objects $2... of kernel $1 (x86 or arm64)
kmake_objs() {
	local k=$1
	shift
	if [ "$k" = arm64 ]; then
		make -s -k -C "$TREE" O="$BUILD/obj-arm64" ARCH=arm64 \
			CROSS_COMPILE=aarch64-linux-gnu- W=1 C=2 -j"$(nproc)" "$@"
	else
		make -s -k -C "$TREE" O="$obj" ARCH=x86_64 W=1 C=2 \
			-j"$(nproc)" "$@"
	fi
}

# Compiler and sparse findings, without line numbers (they move between
# commits), sorted for comm.
findings() {
	grep -E 'warning:|error:' | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u
}

# make_touched OBJS: kmake_objs on the objects touched_objs gave, for
# each kernel; fails if one of them does not build
make_touched() {
	local objs=$1 k rc=0
	for k in x86 arm64; do
		# shellcheck disable=SC2046
		set -- $(printf '%s\n' "$objs" | awk -v k=$k '$1 == k { print $2 }')
		[ $# = 0 ] || kmake_objs $k "$@" || rc=1
	done
	return $rc
}

# Check out commit $1 of the tree, or stop the gate: a result measured on
# the wrong commit would be worse than none (check.sh counts the results).
goto() {
	git -C "$TREE" checkout -q "$1" || die "gate: cannot check out $1"
}

build_each() {
	local head c subj objs out unbuilt
	head=$(git -C "$TREE" rev-parse --abbrev-ref HEAD)
	for c in $(git -C "$TREE" rev-list --reverse "$BASE_TAG"..HEAD); do
		subj=$(git -C "$TREE" log -1 --format=%s "$c")
		goto "$c"
		objs=$(touched_objs "$c")
		if git -C "$TREE" diff-tree --no-commit-id --name-only -r "$c" |
			grep -q '^samples/bpf/xdp_redirect_cpu'; then
			# the tool, rebuilt: no warning from clang or gcc
			rm -f "$TREE"/samples/bpf/xdp_redirect_cpu{,_user.o,.bpf.o,.lbpf.o,.skel.h}
			out=$(make_rss_tool 2>&1)
			if [ $? != 0 ] || [ -n "$(printf '%s\n' "$out" | grep -E 'warning:|error:' | unexplained)" ]; then
				printf '%s\n' "$out" | tail -n 30 >&2
				result FAIL "gate/build/$subj" "xdp_redirect_cpu: warnings or errors"
			else
				result PASS "gate/build/$subj"
			fi
			continue
		fi
		unbuilt=$(printf '%s\n' "$objs" | awk '$1 == "none" { printf " %s", $2 }')
		if [ -n "$unbuilt" ]; then
			result FAIL "gate/build/$subj" "not in the x86_64 or arm64 kernel:$unbuilt"
			continue
		fi
		if [ -z "$objs" ]; then
			result PASS "gate/build/$subj" "no kernel C file"
			continue
		fi
		if ! out=$(make_touched "$objs" 2>&1); then
			printf '%s\n' "$out" | tail -n 30 >&2
			result FAIL "gate/build/$subj" "does not build"
			continue
		fi
		# Only what the commit adds: the same files at its parent give
		# the findings the base already had (net/core/dev.c has some).
		# Built only when the commit has findings to explain.
		if [ -z "$(printf '%s\n' "$out" | findings | unexplained)" ]; then
			result PASS "gate/build/$subj"
			continue
		fi
		goto "$c^"
		base=$(make_touched "$objs" 2>&1 | findings)
		goto "$c"
		out=$(comm -23 <(printf '%s\n' "$out" | findings) <(printf '%s\n' "$base") |
			unexplained)
		if [ -z "$out" ]; then
			result PASS "gate/build/$subj"
		else
			printf '%s\n' "$out" >&2
			result FAIL "gate/build/$subj" "W=1/sparse findings"
		fi
	done
	goto "$head"
}

[ -d "$obj" ] || die "gate: build the $X86_KERNEL kernel first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "gate: $TREE has uncommitted changes"
checkpatch
build_each
