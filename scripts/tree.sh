#!/usr/bin/env bash
# make tree: the kernel work tree, base + series as git commits.
#
# build/linux is a git repository: its first commit (tag swrss-base) is
# Debian's linux-source-6.12 exactly as shipped, then branch "swrss" holds
# one commit per patch in patches/series, applied with git am.  When the
# branch already matches patches/ nothing is done; when it differs it is
# kept as swrss-old-<time> and the series is applied afresh, so no work
# is lost.
#
# With SWRSS_SERIES=qemu (make qemu-tree), the same for QEMU: build/qemu,
# Debian's qemu source package (the version in base-version) as tag
# qemu-base, and qemu/patches on branch "neta".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

make_kernel_base() {
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing: run make deps"
	local have want
	have=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	want=$(awk '/^linux-source-6.12/ { print $2 }' "$SWRSS_TOP/base-version")
	[ "$have" = "$want" ] ||
		info "note: base is linux-source-6.12 $have, series exported against $want"
	info "extracting linux-source-6.12 $have into $TREE"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	tar -C "$TREE" --strip-components=1 -xf "$BASE_TARBALL"
	git -C "$TREE" init -q -b "$BRANCH"
	git -C "$TREE" config core.autocrlf false
	git -C "$TREE" config gc.auto 0
	# Debian's .gitignore ends with "/*" (ignore everything at the top
	# level, for its packaging repository), which would hide every new
	# file of the series: drop that block, nothing else.
	sed -i '/^# Debian packaging: ignore everything/,$d' "$TREE/.gitignore"
	printf '%s\n' "$(sed '$d' "$TREE/.gitignore")" > "$TREE/.gitignore.new"
	mv "$TREE/.gitignore.new" "$TREE/.gitignore"
	git -C "$TREE" add -A -f .
	git_fixed commit -q -m "Debian linux-source-6.12 $have" \
		-m "Without Debian's top-level ignore-everything rule in .gitignore."
	git -C "$TREE" tag "$BASE_TAG"
	echo "$have" > "$TREE/.git/swrss-base-version"
}

# A deb-src entry for Debian's own mirror, if apt has none.
deb_src() {
	grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list \
		/etc/apt/sources.list.d/ && return
	[ "$(id -u)" = 0 ] || die "need root to add a deb-src entry to apt"
	info "adding a deb-src entry for deb.debian.org"
	cat > /etc/apt/sources.list.d/swrss-deb-src.sources <<-EOF
	Types: deb-src
	URIs: http://deb.debian.org/debian
	Suites: bookworm bookworm-updates
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get update -qq
}

# Debian's QEMU source: the version the series was made on if the
# mirror still has it, else the one it has now (the series then has to
# apply to it).
make_qemu_base() {
	local want have dl=$BUILD/qemu-dl
	want=$(awk '$1 == "qemu" { print $2 }' "$SWRSS_TOP/base-version")
	if ! ls "$dl"/qemu_*.dsc >/dev/null 2>&1; then
		deb_src
		rm -rf "$dl"
		mkdir -p "$dl"
		(cd "$dl" && { apt-get source -qq --download-only "qemu=$want" ||
			apt-get source -qq --download-only qemu; }) >/dev/null 2>&1 ||
			die "could not download Debian's qemu source package"
	fi
	have=$(awk '$1 == "Version:" { print $2 }' "$dl"/qemu_*.dsc)
	[ "$have" = "$want" ] ||
		info "note: base is qemu $have, series exported against $want"
	info "extracting qemu $have into $TREE"
	rm -rf "$TREE"
	dpkg-source -q -x "$dl"/qemu_*.dsc "$TREE" >/dev/null 2>&1 ||
		die "dpkg-source could not extract $dl"
	git -C "$TREE" init -q -b "$BRANCH"
	git -C "$TREE" config core.autocrlf false
	git -C "$TREE" config gc.auto 0
	git -C "$TREE" add -A -f .
	git_fixed commit -q -m "Debian qemu $have" \
		-m "dpkg-source -x, with Debian's patches applied."
	git -C "$TREE" tag "$BASE_TAG"
	echo "$have" > "$TREE/.git/swrss-base-version"
}

# True when the branch exports to exactly what patches/ holds.
tree_matches_series() {
	local tmp
	tmp=$(mktemp -d)
	"$SWRSS_TOP/scripts/export.sh" --to "$tmp" >/dev/null 2>&1 || { rm -rf "$tmp"; return 1; }
	diff -rq "$tmp" "$PATCHES" >/dev/null
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

apply_series() {
	local p
	git -C "$TREE" checkout -q -B "$BRANCH" "$BASE_TAG"
	while read -r p; do
		case $p in *0000-cover-letter.patch) continue ;; esac
		if ! git_fixed am -q --keep-cr "$p" >/dev/null 2>&1; then
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			die "patch $(basename "$p") does not apply to ${SWRSS_SERIES:-kernel} base $(cat "$TREE/.git/swrss-base-version")"
		fi
	done < <(series_patches)
	"$SWRSS_TOP/scripts/cover.sh" import
}

git -C "$TREE" rev-parse -q --verify "$BASE_TAG" >/dev/null 2>&1 ||
	"make_${SWRSS_SERIES:-kernel}_base"

# A series gate that was stopped can leave the tree detached at one of
# its commits: back to the branch first
if [ "$(git -C "$TREE" rev-parse --abbrev-ref HEAD)" = HEAD ] &&
   git -C "$TREE" rev-parse -q --verify "refs/heads/$BRANCH" >/dev/null &&
   [ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
	git -C "$TREE" checkout -q "$BRANCH"
fi
if [ "$(git -C "$TREE" rev-list --count "$BASE_TAG"..HEAD)" != 0 ] ||
   [ "$(git -C "$TREE" rev-parse --abbrev-ref HEAD)" != "$BRANCH" ]; then
	if tree_matches_series; then
		info "tree matches patches/: nothing to do"
		exit 0
	fi
	[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
		die "$TREE has uncommitted changes: commit or stash them first"
	old=$BRANCH-old-$(date +%Y%m%d%H%M%S)
	git -C "$TREE" branch -m "$(git -C "$TREE" rev-parse --abbrev-ref HEAD)" "$old"
	info "tree differed from patches/: kept it as branch $old"
fi
info "applying $(series_patches | grep -vc 0000-cover-letter) patches"
apply_series
info "tree ready: $TREE ($(git -C "$TREE" log --oneline "$BASE_TAG"..HEAD | wc -l) commits on $BASE_TAG)"
