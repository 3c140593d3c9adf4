#!/usr/bin/env bash
# Debian's own x86_64 kernel of the base: the linux-image package
# (flavour amd64, unsigned) built from the same linux-source-6.12
# version as the tree's base, extracted into build/kernel-debian (boot/,
# lib/modules/ with its modules.dep), never installed on the host.  It
# is 6.12 without the series as Debian 12's users run it (their config,
# veth, 9p and overlayfs as modules, BTF): make check runs the tool's
# base-kernel suite on it (the "debian" flavour of vm.sh; vng loads the
# modules its guest needs from an initramfs, the others from there).
# Idempotent: nothing is fetched when the version is there already.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$BUILD/kernel-debian
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "no linux-source-6.12: run scripts/deps.sh"
if [ "$(cat "$dir/version" 2>/dev/null)" = "$ver" ] && [ -f "$(kernel_image debian)" ]; then
	exit 0
fi
# its package: linux-image-<ABI name>-amd64-unsigned at that version,
# the ABI name (6.12.118+deb12) as the source's packages give it
image_package() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+[a-z0-9]+-amd64-unsigned$' |
		awk '{ print $1 }' | while read -r p; do
			apt-cache madison "$p" | awk -v p="$p" -v v="$ver" '$3 == v { print p }'
		done | head -n 1
}
pkg=$(image_package)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	# the host's lists may be older than its linux-source, or gone
	apt-get update -qq
	pkg=$(image_package)
fi
[ -n "$pkg" ] || die "no linux-image-*-amd64-unsigned at $ver in apt's lists"
info "fetching Debian's kernel: $pkg $ver"
rm -rf "$dir" "$dir.new"
mkdir -p "$dir.new/deb"
(cd "$dir.new/deb" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$ver") ||
	die "cannot fetch $pkg $ver (deb.debian.org)"
dpkg-deb -x "$dir.new"/deb/*.deb "$dir.new"
rm -rf "$dir.new/deb"
# what the package's postinst would make on an installed system
kver=$(basename "$dir.new"/lib/modules/*)
depmod -a -b "$dir.new" "$kver"
echo "$ver" > "$dir.new/version"
mv "$dir.new" "$dir"
info "Debian's kernel $kver in $dir"
