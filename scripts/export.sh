#!/usr/bin/env bash
# make export: the tree's commits on swrss-base back to patches/.
#
# Deterministic: commit hashes are zeroed, there is no signature, and the
# cover letter (from the branch description, see cover.sh) is dated by the
# newest patch, so re-exporting unchanged commits gives no diff.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=$PATCHES
[ "${1:-}" = --to ] && dest=$2

git -C "$TREE" rev-parse -q --verify "$BASE_TAG" >/dev/null ||
	die "no kernel tree at $TREE: run make tree"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them first"
n=$(git -C "$TREE" rev-list --count "$BASE_TAG"..HEAD)
[ "$n" -gt 0 ] || die "no commits on $BASE_TAG to export"

"$SWRSS_TOP/scripts/cover.sh" check
mkdir -p "$dest"
rm -f "$dest"/*.patch
GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%aD HEAD) \
	git -C "$TREE" -c diff.renames=true -c format.thread=false \
	format-patch -q --zero-commit --no-signature --no-encode-email-headers \
	--cover-letter --cover-from-description=subject \
	-o "$dest" "$BASE_TAG"..HEAD
{
	echo "# swrss series, in order (git am)"
	(cd "$dest" && ls -1 -- *.patch)
} > "$dest/series"
info "exported $n patches to $dest"
