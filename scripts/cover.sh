#!/usr/bin/env bash
# The cover letter lives in patches/0000-cover-letter.patch and, in the
# tree, as the description of branch swrss (what format-patch writes it
# from).  "import" copies it from patches/ into the tree; "check" makes
# sure the tree has one; "edit" opens it in $EDITOR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cover=$PATCHES/0000-cover-letter.patch
key=branch.$BRANCH.description

# Subject (without the [PATCH n/m] prefix), a blank line, then the body up
# to the shortlog that format-patch appends ("Name (N):").
parse_cover() {
	awk '
	hdr && /^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; insub = 1; next }
	hdr && insub && /^[ \t]/ { sub(/^[ \t]+/, " "); subj = subj $0; next }
	hdr { insub = 0 }
	hdr && /^$/ { hdr = 0; print subj; print ""; next }
	!hdr && /^[^ ].* \([0-9]+\):$/ { exit }
	!hdr { body[++n] = $0 }
	END { while (n > 0 && body[n] == "") n--; for (i = 1; i <= n; i++) print body[i] }
	' hdr=1 "$1"
}

case ${1:-} in
import)
	[ -f "$cover" ] || exit 0
	git -C "$TREE" config "$key" "$(parse_cover "$cover")"
	;;
check)
	git -C "$TREE" config "$key" >/dev/null ||
		die "no cover letter: run scripts/cover.sh edit (subject, blank line, body)"
	;;
edit)
	tmp=$(mktemp)
	git -C "$TREE" config "$key" > "$tmp" || true
	"${EDITOR:-vi}" "$tmp"
	git -C "$TREE" config "$key" "$(cat "$tmp")"
	rm -f "$tmp"
	;;
*)
	die "usage: cover.sh import|check|edit"
	;;
esac
