#!/usr/bin/env bash
# Build one kernel flavour from the work tree:
#   test   x86_64, configs/x86_64.config + bench.config on tinyconfig
#          -> build/obj-test
#   debug  x86_64.config + debug.config (KASAN, lockdep, kmemleak, ...)
#   arm64  configs/arm64.config on arm64 tinyconfig, cross-built
#   base   as test, from 6.12 without the series (build/linux-base, a
#          worktree of the tree at its base tag) -> build/obj-base
# Every flavour also has configs/virtme-ng.config (what vng needs).
# Every option a fragment asks for must survive olddefconfig: a fragment
# line that Kconfig silently drops fails the build instead.  SWRSS_JOBS
# sets make's -j (default: every CPU).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: build-kernel.sh test|debug|arm64|base}
obj=$BUILD/obj-$flavour
frags=("$SWRSS_TOP/configs/x86_64.config" "$SWRSS_TOP/configs/virtme-ng.config")
kargs=(ARCH=x86_64)
target=bzImage
case $flavour in
test) frags+=("$SWRSS_TOP/configs/bench.config") ;;
base)
	frags+=("$SWRSS_TOP/configs/bench.config")
	base_tree=$BUILD/linux-base
	want=$(git -C "$TREE" rev-parse "$BASE_TAG^{commit}")
	# made again if missing, stale (a tree made anew) or at another base
	if [ "$(git -C "$base_tree" rev-parse HEAD 2>/dev/null)" != "$want" ]; then
		rm -rf "$base_tree"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$base_tree" "$want"
	fi
	TREE=$base_tree
	;;
debug) frags+=("$SWRSS_TOP/configs/debug.config") ;;
arm64)
	frags=("$SWRSS_TOP/configs/arm64.config" "$SWRSS_TOP/configs/virtme-ng.config")
	kargs=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	target=Image
	;;
*) die "unknown flavour $flavour" ;;
esac

kmake() { make -s -C "$TREE" O="$obj" "${kargs[@]}" "$@"; }

# The options each fragment sets, as they must read in .config.
check_config() {
	local f line opt val bad=0
	for f in "${frags[@]}"; do
		while IFS= read -r line; do
			case $line in CONFIG_*=*) ;; *) continue ;; esac
			opt=${line%%=*} val=${line#*=}
			if [ "$val" = n ]; then
				grep -qx "$opt=[ym]" "$obj/.config" || continue
			else
				grep -qx "$opt=$val" "$obj/.config" && continue
			fi
			info "$flavour: $(basename "$f"): $line did not take (Kconfig dependency?)"
			bad=1
		done < "$f"
	done
	return $bad
}

[ -e "$TREE/.git" ] || die "no kernel tree: run make tree"
mkdir -p "$obj"
kmake tinyconfig >/dev/null
(cd "$obj" && "$TREE/scripts/kconfig/merge_config.sh" -m -O "$obj" .config "${frags[@]}" >/dev/null)
kmake olddefconfig >/dev/null
check_config || die "$flavour: configuration incomplete"
info "building $flavour kernel in $obj"
start=$(now)
log=$obj/build.log
if ! kmake -j"${SWRSS_JOBS:-$(nproc)}" "$target" > "$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "$flavour build failed (full log: $log)"
fi
info "$flavour kernel built in $(( $(now) - start ))s"
