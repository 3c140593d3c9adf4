#!/usr/bin/env bash
# make mutants: prove that the suites catch bugs.  Each mutant of
# tests/mutants.py (a deliberate breakage: a wrong dma_sync offset, a
# verdict flipped, a page never recycled, ...) is applied alone to the
# kernel or QEMU tree, seen through an overlay (see build_mutant) so that
# the tree and its unbroken builds stay as they are, and rebuilt
# incrementally; then the suite that
# should catch it runs in a VM (tests/mutant-guest.sh), with the page_pool
# leak check and the kernel log gate, as in make check.  A mutant is
# caught when anything of that run fails.  First, unless
# SWRSS_MUTANTS_BASELINE=0, each suite runs once on the unbroken builds
# and must pass: a mutant "caught" by a suite that fails anyway proves
# nothing.
#
#   mutants.sh [ID...]     (default: every mutant)
#
# Prints and writes a table "mutant | suite | caught?" to
# build/out/mutants/table.md; exits 1 if a mutant was not caught or a
# baseline failed.  Not part of make check: it takes its own time (the
# test and arm64 kernels, QEMU and the arm64 root if make check has not
# built them, then a rebuild and a VM per mutant).  Needs root, for the
# overlays.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

S=$SWRSS_TOP/scripts
M=$BUILD/mutants
out=$OUT/mutants
MUTANTS=$SWRSS_TOP/tests/mutants.py

# What the unbroken side needs: make check's builds, brought up to date
# with the tree (each is incremental), so that a mutant's rebuild in its
# overlay compiles only what the mutant touches.
prepare() {
	"$S/deps.sh" && "$S/tree.sh" || die "no kernel tree"
	"$S/build-kernel.sh" test || die "test kernel"
	[ -x "$BUILD/selftests/kselftest/drivers/net/xdp/xdp_drv" ] || "$S/selftests.sh" || die "selftests"
	if [ -n "$(mutants_on arm64 qemu)" ]; then
		"$S/build-kernel.sh" arm64 || die "arm64 kernel"
		"$S/build-qemu.sh" || die "QEMU"
		[ -d "$BUILD/arm64-root" ] || "$S/arm64-root.sh" || die "arm64 root"
		[ -x "$BUILD/selftests-arm64/xdp/xdp_drv" ] ||
			"$S/selftests.sh" arm64 || die "arm64 selftests"
	fi
}

# The chosen mutants whose tree is one of $@
mutants_on() {
	local id tree suite tests t
	while read -r id tree suite tests; do
		chosen "$id" || continue
		for t in "$@"; do [ "$tree" = "$t" ] && echo "$id"; done
	done < <(python3 "$MUTANTS" list)
}
chosen() {
	[ ${#ids[@]} = 0 ] && return 0
	local i
	for i in "${ids[@]}"; do [ "$i" = "$1" ] && return 0; done
	return 1
}

# build_mutant ID TREE: mutant ID applied to TREE (kernel, arm64, tool or
# qemu) and built, in a mount namespace of its own where the kernel and
# QEMU trees and their builds are overlays: what the mutant and the
# rebuild write lands in $M/upper, the tree and the unbroken builds are
# left as they were, and the build runs in the paths the unbroken one
# ran in, so make and ninja rebuild only what the mutant touches
# (kbuild's commands name the tree by its absolute path: a scratch copy
# elsewhere rebuilt everything).  What the VM needs is copied out to $M:
# obj-test's or obj-arm64's image, obj-qemu's binary, xdp_redirect_cpu.
build_mutant() {
	rm -rf "$M/upper" "$M/obj-test" "$M/obj-arm64" "$M/obj-qemu" "$M/xdp_redirect_cpu"
	mkdir -p "$M/upper"
	unshare -m --propagation private "$S/mutants.sh" --build-in-overlay "$1" "$2"
}
overlay() {
	local d=$1 u
	u=$M/upper/$(basename "$d")
	mkdir -p "$u/up" "$u/work"
	mount -t overlay overlay -o "lowerdir=$d,upperdir=$u/up,workdir=$u/work" "$d"
}
build_in_overlay() {
	local id=$1 tree=$2 d src=$TREE
	for d in "$TREE" "$BUILD/obj-test" "$BUILD/obj-arm64" "$BUILD/qemu" "$BUILD/obj-qemu"; do
		[ -d "$d" ] || continue
		overlay "$d" || die "overlay on $d"
	done
	[ "$tree" = qemu ] && src=$BUILD/qemu
	python3 "$MUTANTS" apply "$id" "$src" || die "does not apply"
	case $tree in
	kernel)
		"$S/build-kernel.sh" test &&
			install -D "$(kernel_image test)" "$M/obj-test/arch/x86/boot/bzImage"
		;;
	arm64)
		"$S/build-kernel.sh" arm64 &&
			install -D "$(kernel_image arm64)" "$M/obj-arm64/arch/arm64/boot/Image"
		;;
	tool)
		rm -f "$TREE"/samples/bpf/xdp_redirect_cpu{,_user.o}
		make_rss_tool && cp "$TREE/samples/bpf/xdp_redirect_cpu" "$M/xdp_redirect_cpu"
		;;
	qemu)
		# the tree as mutated (not brought back to qemu/patches); the
		# binary beside links to the rest of the unbroken build
		SWRSS_QEMU_TREE=$BUILD/qemu "$S/build-qemu.sh" &&
			mkdir -p "$M/obj-qemu" &&
			ln -s "$BUILD"/obj-qemu/* "$M/obj-qemu/" &&
			rm "$M/obj-qemu/qemu-system-aarch64" &&
			cp "$BUILD/obj-qemu/qemu-system-aarch64" "$M/obj-qemu/"
		;;
	esac
}

# A VM run for suite $2 (tests $3) as run $1, with the kernel, QEMU and
# tool of tree $4 ("none": the unbroken ones).  Its results go to
# $out/$1.results; returns 1 if anything failed.
run_vm() {
	local run=$1 suite=$2 tests=$3 tree=$4 dir=$out/$1 r=$M/run-$1 rc=0
	local kind=test args='' tool=$BUILD/selftests/xdp_redirect_cpu
	# vm.sh finds kernels, QEMU and the arm64 root under $BUILD: a
	# directory of links picks the broken or the unbroken ones
	rm -rf "$r"
	mkdir -p "$r"
	ln -s "$BUILD/obj-test" "$r/obj-test"
	ln -s "$BUILD/obj-arm64" "$r/obj-arm64"
	ln -s "$BUILD/obj-qemu" "$r/obj-qemu"
	ln -s "$BUILD/arm64-root" "$r/arm64-root"
	case $tree in
	kernel) ln -sfn "$M/obj-test" "$r/obj-test" ;;
	arm64) ln -sfn "$M/obj-arm64" "$r/obj-arm64" ;;
	qemu) ln -sfn "$M/obj-qemu" "$r/obj-qemu" ;;
	tool) tool=$M/xdp_redirect_cpu ;;
	esac
	case $suite in
	drv-mvneta|mvneta) kind=arm64 ;;
	drv-swiotlb) args=swiotlb=65536,force ;;	# see check.sh
	esac
	local -a vm=(-q -k $kind -n 2 -t 900 -o "$dir")
	[ $kind = arm64 ] || vm+=(-s)
	[ -z "$args" ] || vm+=(-a "$args")
	BUILD=$r "$S/vm.sh" "${vm[@]}" -- \
		"$SWRSS_TOP/tests/mutant-guest.sh" "$suite" "$tests" "$tool" || rc=$?
	RESULTS=$out/$run.results
	: > "$RESULTS"
	vm_results "$run" "$dir" $rc "$suite" page-pool >/dev/null
	! grep -q '^FAIL' "$RESULTS"
}

if [ "${1:-}" = --build-in-overlay ]; then
	build_in_overlay "$2" "$3"
	exit
fi
ids=("$@")
rm -rf "$out"
mkdir -p "$out" "$M"
prepare
table=$out/table.md
bad=0
{
	echo "| mutant | what it breaks | suite (tests) | caught? |"
	echo "|---|---|---|---|"
} > "$table"

if [ "${SWRSS_MUTANTS_BASELINE:-1}" != 0 ]; then
	while read -r suite tests; do
		info "baseline: $suite ($tests)"
		if run_vm "baseline-$suite" "$suite" "$tests" none; then
			echo "| (none) | nothing | $suite ($tests) | passes, as it must |" >> "$table"
		else
			echo "| (none) | nothing | $suite ($tests) | **FAILS unbroken** |" >> "$table"
			bad=1
		fi
	done < <(python3 "$MUTANTS" list | while read -r id tree suite tests; do
		chosen "$id" && echo "$suite $tests"; done |
		# one run per suite, with every test a chosen mutant needs
		sort -u | awk '
		!($1 in t) { t[$1] = $2; next }
		t[$1] == "-" || $2 == "-" { t[$1] = "-"; next }
		{ t[$1] = t[$1] "," $2 }
		END { for (s in t) print s, t[s] }' | sort)
fi

while read -r id tree suite tests; do
	chosen "$id" || continue
	info "mutant $id: $(python3 "$MUTANTS" what "$id")"
	verdict=
	if ! build_mutant "$id" "$tree" > "$out/$id.build.log" 2>&1; then
		verdict="**does not apply or build**"
	fi
	if [ -z "$verdict" ]; then
		if run_vm "$id" "$suite" "$tests" "$tree"; then
			verdict="**NO**"
		else
			verdict="yes: $(grep -m 3 '^FAIL' "$out/$id.results" |
				sed -E 's/^FAIL +//; s/  \(.*//' | paste -sd ';' | sed 's/;/; /g')"
		fi
	fi
	case $verdict in yes:*) ;; *) bad=1 ;; esac
	echo "| $id | $(python3 "$MUTANTS" what "$id") | $suite ($tests) | $verdict |" >> "$table"
done < <(python3 "$MUTANTS" list)

cat "$table"
exit $bad
