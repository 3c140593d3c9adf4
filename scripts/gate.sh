#!/usr/bin/env bash
# The series gate, one result per patch:
#   gate/checkpatch/<patch>  checkpatch.pl --strict
#   gate/build/<patch>       the tree at that patch compiles every kernel
#                            C file the patch touches with W=1 and sparse
#                            (C=2) without a warning: bisectable, and
#                            nothing new for W=1 or sparse; and the
#                            selftest suites and the tool it touches
#                            build without a warning.  A file is
#                            built in the x86_64 kernel (the test one, or
#                            SWRSS_X86_KERNEL's: make check's is debug),
#                            or, if only the arm64 kernel has it
#                            (mvneta), in that one.
# Findings listed in gate/allow.txt (each with its reason) are accepted.
# Needs the x86_64 and arm64 kernels built (build-kernel.sh test, arm64).
# Two streams walk the commits side by side, each one after the other
# (most of a commit's work is one compiler and one sparse, so one stream
# would leave a CPU idle): in the tree, checkpatch, then the selftest
# suites, the tool and the arm64 kernel's objects; the x86_64 kernel's
# objects in a worktree of the gate's own (build/linux-gate) with a copy
# of that kernel's object directory (build/obj-gate-x86), both made anew
# by every run.
set -uo pipefail

# As make's CHECK (see kmake_objs): sparse, whose command is recorded
# for the source file (the last argument) under $GATE_SPARSE, if set.
if [ "${1:-}" = --sparse ]; then
	shift
	if [ -n "${GATE_SPARSE:-}" ]; then
		src=${*: -1}
		printf '%q ' sparse "$@" > "$GATE_SPARSE/$(printf '%s' "$src" | tr / %)"
	fi
	exec sparse "$@"
fi
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

# The object directory the gate builds kernel $1's (x86 or arm64)
# objects in: the kernel's own, or, in the worktree's stream, the copy
# of the x86_64 one
objdir() {
	if [ "$1" = arm64 ]; then echo "$objarm64"; else echo "$objx86"; fi
}

# make, W=1 and sparse, of objects $2... of kernel $1 (x86 or arm64).
# With $record set, sparse's commands are recorded for direct_objs.
kmake_objs() {
	local k=$1 arch=x86_64 cross=
	shift
	[ "$k" = arm64 ] && arch=arm64 cross=aarch64-linux-gnu-
	GATE_SPARSE=${record:+$work/sparse-$k} make -s -k -C "$TREE" \
		O="$(objdir "$k")" ARCH=$arch ${cross:+CROSS_COMPILE=$cross} \
		W=1 C=2 CHECK="$SWRSS_TOP/scripts/gate.sh --sparse" \
		-j"$(nproc)" "$@"
}

# Without make, the commands it ran for objects: each make costs 6 to 8
# CPU-seconds here before it compiles anything (some 150 compiler probes
# of the top Makefile), more than most of the objects a commit touches.
# gcc's command (and objtool's) is in the object's .cmd file, sparse's
# was recorded by kmake_objs.  Valid until a Makefile, a Kconfig or the
# list of the kernel's files changes (kbuild_changed: build_each forgets
# them all then); a header change reaches the object through the
# compiler, as with make.

# the recorded sparse command of object $2 of kernel $1
sparse_cmd() {
	echo "$work/sparse-$1/$(printf '%s' "$TREE/${2%.o}.c" | tr / %)"
}

# Does commit $1 change what make would run for the kernel: a Makefile,
# a Kconfig, or which files there are, outside what the kernel's build
# does not read (tools/, samples/, Documentation/: their own makes)?
kbuild_changed() {
	git -C "$TREE" diff-tree --no-commit-id -r --name-status "$1" |
		awk '$2 ~ /^(tools|samples|Documentation)\// { next }
		     $1 != "M" || $2 ~ /(^|\/)(Makefile|Kbuild|Kconfig[^\/]*)$|\.mk$/ { f = 1 }
		     END { exit !f }'
}

# direct_objs K OBJ...: compile and check the objects with make's
# commands; 2 if one has none recorded
direct_objs() {
	local k=$1 dir o cmd out rc=0
	shift
	dir=$(objdir "$k")
	for o; do
		[ -f "$(sparse_cmd "$k" "$o")" ] || return 2
	done
	out=$(mktemp -d)
	for o; do
		cmd=$(sed -n '1s/^savedcmd_[^ ]* := //p' \
			"$dir/$(dirname "$o")/.$(basename "$o").cmd")
		# make's escape of $; no dependency file, fixdep is not here
		cmd=$(printf '%s' "${cmd//\$\$/\$}" | sed -E 's/ -Wp,-MMD,[^ ]+//')
		# the compiler and sparse side by side (the gate runs mostly
		# alone at the end of make check, on two CPUs), each one's
		# findings whole
		(cd "$dir" && sh -c "$cmd") > "$out/cc" 2>&1 &
		(cd "$dir" && eval "$(cat "$(sparse_cmd "$k" "$o")")") > "$out/sparse" 2>&1 ||
			rc=1
		wait $! || rc=1
		cat "$out/cc" "$out/sparse" >&2
	done
	rm -rf "$out"
	return $rc
}

# Compiler and sparse findings, without line numbers (they move between
# commits), sorted for comm.
findings() {
	grep -E 'warning:|error:' | sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u
}

# make_touched OBJS [COMMIT]: build the objects touched_objs gave, for
# each kernel, with make, or, at a COMMIT, with make's commands where
# they are recorded; fails if one does not build
make_touched() {
	local objs=$1 c=${2:-} k o rc=0 r
	for k in x86 arm64; do
		# shellcheck disable=SC2046
		set -- $(printf '%s\n' "$objs" | awk -v k=$k '$1 == k { print $2 }')
		[ $# = 0 ] && continue
		if [ -n "$c" ]; then
			direct_objs $k "$@"
			r=$?
			[ $r = 2 ] || { [ $r = 0 ] || rc=1; continue; }
		fi
		# a failed build may leave an older .cmd: no command recorded
		record=$c kmake_objs $k "$@" && continue
		rc=1
		for o; do rm -f "$(sparse_cmd $k "$o")"; done
	done
	return $rc
}

# Check out commit $1 of the tree, or stop the gate: a result measured on
# the wrong commit would be worse than none (check.sh counts the results).
goto() {
	git -C "$TREE" checkout -q "$1" || die "gate: cannot check out $1"
}

# base_findings OBJS: $basefind, the findings of the base tree
# ($BASE_TAG) in every object of OBJS (touched_objs lines) and in those
# of earlier calls, sorted: each object is built at the base once, the
# first time a commit touching it has findings to explain.  Stricter
# than the parent's findings, which would let a commit keep what an
# earlier one of the series brought.  Leaves the base checked out.
base_findings() {
	local todo
	todo=$(printf '%s\n' "$1" | while read -r k o; do
		grep -qxF "$k $o" "$based" && continue
		echo "$k $o" >> "$based"
		git -C "$TREE" cat-file -e "$BASE_TAG:${o%.o}.c" 2>/dev/null &&
			echo "$k $o"
	done)
	[ -n "$todo" ] || return 0
	goto "$BASE_TAG"
	{ cat "$basefind"; make_touched "$todo" 2>&1 | findings; } |
		sort -u > "$basefind.new"
	mv "$basefind.new" "$basefind"
	# their .cmd files are the base's now: make builds them next
	printf '%s\n' "$todo" | while read -r k o; do
		rm -f "$(sparse_cmd "$k" "$o")"
	done
}

# What a commit without kernel C files had built: its selftests, or
# nothing (documentation, configuration)
nothing_built() {
	git -C "$TREE" diff-tree --no-commit-id --name-only -r "$1" \
		-- tools/testing/selftests | grep -q . &&
		echo "selftests only" || echo "no kernel C file or selftest"
}

# The selftest suites of the series a commit touches, each built at that
# commit into the gate's own directory (incremental from one commit to
# the next: only what the commit changed is compiled again), without a
# warning from gcc or clang: the tests bisect as the kernel does.  The
# kfuncs' BTF is the built kernel's, whose series is a superset of any
# commit's.  Prints the suites that fail.
build_suites() {
	local c=$1 s out
	for s in net/cpumap drivers/net/xdp; do
		git -C "$TREE" diff-tree --no-commit-id --name-only -r "$c" \
			-- "tools/testing/selftests/$s" | grep -q . || continue
		mkdir -p "$work/selftests/$s"
		out=$(make -s -j"$(nproc)" -C "$TREE/tools/testing/selftests/$s" \
			OUTPUT="$work/selftests/$s" SCRATCH="$BPF_TOOLS" \
			CLANG=clang-19 VMLINUX_BTF="$obj/vmlinux" 2>&1)
		if [ $? != 0 ] ||
		   [ -n "$(printf '%s\n' "$out" | grep -E 'warning:|error:' | unexplained)" ]; then
			printf '%s\n' "$out" | tail -n 30 >&2
			echo "$s"
		fi
	done
}

# Is commit $1 one of the tool's (samples/bpf/xdp_redirect_cpu*)?
tool_commit() {
	git -C "$TREE" diff-tree --no-commit-id --name-only -r "$1" |
		grep -q '^samples/bpf/xdp_redirect_cpu'
}

# The verdicts of the two streams, one line per commit in the series'
# order: PASS or FAIL, then what the result says; "-" for none.

# The selftest suites a commit touches, then, for one of the tool's, the
# tool (rebuilt: no warning from clang or gcc)
tools_verdict() {
	local c=$1 suites out
	suites=$(build_suites "$c")
	if [ -n "$suites" ]; then
		echo "FAIL selftests do not build:" $suites
	elif tool_commit "$c"; then
		rm -f "$TREE"/samples/bpf/xdp_redirect_cpu{,_user.o,.bpf.o,.lbpf.o,.skel.h}
		out=$(make_rss_tool 2>&1)
		if [ $? != 0 ] || [ -n "$(printf '%s\n' "$out" | grep -E 'warning:|error:' | unexplained)" ]; then
			printf '%s\n' "$out" | tail -n 30 >&2
			echo "FAIL xdp_redirect_cpu: warnings or errors"
		else
			echo PASS
		fi
	else
		echo -
	fi
}

# objects_verdict C K: the kernel C files commit C touches that kernel K
# (x86 or arm64) builds.  The x86 stream also fails a file neither
# kernel builds, and passes a commit without any.
objects_verdict() {
	local c=$1 k=$2 objs out unbuilt
	# make's commands of earlier commits may not be this one's
	kbuild_changed "$c" && rm -f "$work"/sparse-*/*
	objs=$(touched_objs "$c")
	if [ "$k" = x86 ]; then
		unbuilt=$(printf '%s\n' "$objs" | awk '$1 == "none" { printf " %s", $2 }')
		if [ -n "$unbuilt" ]; then
			echo "FAIL not in the x86_64 or arm64 kernel:$unbuilt"
			return
		fi
		if [ -z "$objs" ]; then
			echo "PASS $(nothing_built "$c")"
			return
		fi
	fi
	objs=$(printf '%s\n' "$objs" | awk -v k="$k" '$1 == k')
	if [ -z "$objs" ]; then
		echo -
		return
	fi
	if ! out=$(make_touched "$objs" "$c" 2>&1); then
		printf '%s\n' "$out" | tail -n 30 >&2
		echo "FAIL does not build"
		return
	fi
	# Only what the series adds: findings the base has in the same
	# files (net/core/dev.c has some) are not the commit's.
	if [ -z "$(printf '%s\n' "$out" | findings | unexplained)" ]; then
		echo PASS
		return
	fi
	base_findings "$objs"
	goto "$c"
	out=$(comm -23 <(printf '%s\n' "$out" | findings) "$basefind" |
		unexplained)
	if [ -z "$out" ]; then
		echo PASS
	else
		printf '%s\n' "$out" >&2
		echo "FAIL W=1/sparse findings"
	fi
}

# merged FIRST SECOND: the first failure of two verdicts, else a pass
# (with the second's details if only it passed), else "-"
merged() {
	case $1:${2:--} in
	FAIL*) echo "$1" ;;
	*:FAIL*) echo "$2" ;;
	PASS*) echo PASS ;;
	*:PASS*) echo "$2" ;;
	*) echo - ;;
	esac
}

# Stream 1, in the tree: the suites and the tool, and what the arm64
# kernel builds (mvneta), in its object directory
tree_verdict() {
	merged "$(tools_verdict "$1")" "$(objects_verdict "$1" arm64)"
}

# Stream 2, in the gate's worktree: what the x86_64 kernel builds
worktree_verdict() {
	objects_verdict "$1" x86
}

# stream VERDICT OUT: VERDICT of each commit, checked out in turn, to
# OUT, one line a commit (its last); what it printed on stderr under the
# commit's subject
stream() {
	local c v
	for c in $(git -C "$TREE" rev-list --reverse "$BASE_TAG..$head"); do
		goto "$c"
		v=$("$1" "$c" 2> "$2.err")
		printf '%s\n' "${v:-FAIL no verdict}" | tail -n 1 >> "$2"
		[ -s "$2.err" ] || continue
		echo "gate/build/$(git -C "$TREE" log -1 --format=%s "$c"):" >&2
		cat "$2.err" >&2
	done
	rm -f "$2.err"
}

# The second stream's worktree and object directory: the tree at the
# branch, and a copy of the x86_64 kernel's object directory (its links
# left out) whose recorded commands and dependencies name the worktree,
# everything in it newer than the worktree's files, as make built it
# after them.  make builds each object there once (W=1 is not the
# kernel's own command), then the gate runs its commands.
worktree_setup() {
	git -C "$TREE" worktree remove --force "$tree2" 2>/dev/null
	rm -rf "$tree2" "$obj2"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$tree2" "$head" || return
	rsync -a --exclude='/vmlinux*' --exclude='/.tmp_vmlinux*' \
		--exclude=/kselftest --exclude='/arch/*/boot/' \
		"$obj/" "$obj2/" || return
	{ grep -rlF --include='*.cmd' --include='*.d' --include=Makefile \
		"$TREE/" "$obj2" || :; } | xargs -r sed -i "s|$TREE/|$tree2/|g" ||
		return
	ln -sfn "$tree2" "$obj2/source"
	find "$obj2" -exec touch -h {} +
}

# stream_env DIR: a stream's own records (make's sparse commands, the
# base's findings) under $work/DIR
stream_env() {
	work=$work/$1
	basefind=$work/base-findings based=$work/based
	mkdir -p "$work/sparse-x86" "$work/sparse-arm64"
	: > "$basefind"
	: > "$based"
}

# The two streams side by side, then a result per commit in the series'
# order: the tree's failure, else the worktree's, else a pass (with what
# the worktree's built, if the tree's stream built nothing)
build_both() {
	local subj n=0 v d
	(
		stream_env worktree
		worktree_setup || die "gate: cannot set up $tree2"
		TREE=$tree2 objx86=$obj2
		stream worktree_verdict "$verdicts/worktree"
	) 2> "$verdicts/worktree.log" &
	(
		stream_env tree
		checkpatch
		stream tree_verdict "$verdicts/tree"
	) 2> "$verdicts/tree.log" || {
		kill $! 2>/dev/null
		die "gate: the tree's stream stopped"
	}
	wait $! || die "gate: the worktree's stream stopped"
	while read -r c; do
		n=$((n + 1))
		subj=$(git -C "$TREE" log -1 --format=%s "$c")
		read -r v d < <(merged "$(sed -n "${n}p" "$verdicts/tree")" \
			"$(sed -n "${n}p" "$verdicts/worktree")")
		case $v in
		PASS | FAIL) result "$v" "gate/build/$subj" ${d:+"$d"} ;;
		*) result FAIL "gate/build/$subj" "no verdict" ;;
		esac
	done < <(git -C "$TREE" rev-list --reverse "$BASE_TAG..$head")
	cat "$verdicts/tree.log" "$verdicts/worktree.log" >&2
}

[ -d "$obj" ] || die "gate: build the $X86_KERNEL kernel first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "gate: $TREE has uncommitted changes"
head=$(git -C "$TREE" rev-parse --abbrev-ref HEAD)
[ "$head" != HEAD ] || die "gate: $TREE is on no branch"
work=$(mktemp -d)
# Back on the branch however the gate ends (a stopped make check once
# left the tree at the base, and the next one's tree step failed)
trap 'git -C "$TREE" checkout -q "$head"; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
verdicts=$work/verdicts
mkdir -p "$verdicts"
tree2=$BUILD/linux-gate obj2=$BUILD/obj-gate-x86
objx86=$obj objarm64=$BUILD/obj-arm64
build_both
