#!/usr/bin/env bash
# The arm64 guest's root file system, build/arm64-root: the host root
# cannot serve an arm64 guest, so Debian's own arm64 packages (busybox,
# iproute2, ethtool, xdp-tools, util-linux and what they depend on) are downloaded
# and unpacked there, and vm.sh -k arm64 serves it read-only over
# virtio-9p, as it serves the host root to x86_64 guests.  Nothing is
# installed on the host but the arm64 package lists.  Rebuilt when this
# script or its package list changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(dash busybox-static iproute2 iputils-ping netcat-openbsd ethtool xdp-tools bpftool libc6
	# chrt (busybox has none), for mvneta.sh's SCHED_FIFO loop
	util-linux
	# to link the cross-built selftests (selftests.sh arm64)
	libelf-dev zlib1g-dev)
root=$BUILD/arm64-root debs=$BUILD/arm64-debs
stamp=$root/.swrss-root
want=$({ cat "$0"; echo "$SWRSS_TOP"; } | sha1sum | cut -c1-12)

[ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && exit 0

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[ "$(id -u)" = 0 ] || die "need root to add the arm64 architecture to dpkg"
	info "adding arm64 to dpkg's architectures (package lists only)"
	dpkg --add-architecture arm64
	apt-get update -qq
fi

# The packages and everything they depend on, for arm64 only
mapfile -t all < <(apt-cache depends --recurse --no-recommends \
	--no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
	"${PKGS[@]/%/:arm64}" 2>/dev/null | grep '^[a-z0-9].*:arm64$' | sort -u)
[ ${#all[@]} -gt ${#PKGS[@]} ] || die "apt knows no arm64 packages: apt-get update?"
info "arm64 root: ${#all[@]} packages"
rm -rf "$debs" "$root"
mkdir -p "$debs" "$root"
(cd "$debs" && apt-get download -qq "${all[@]}" >/dev/null 2>&1) ||
	die "could not download the arm64 packages"
for d in "$debs"/*.deb; do
	dpkg-deb -x "$d" "$root"
done

# busybox provides the small tools (its applet list is the host's
# busybox's: the same Debian version).  Not the shell: Debian's static
# busybox sh runs its own applets before the real tools in PATH, so
# /bin/sh is dash.
for a in $(busybox --list-full); do
	[ -e "$root/$a" ] || [ -L "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
ln -sf dash "$root/bin/sh"
# the mount points guest-init.sh uses, and the checkout's own path, where
# the guest mounts it (see vm.sh)
mkdir -p "$root"/{proc,sys,dev,tmp,run,mnt} "$root$SWRSS_TOP"
cat > "$root/swrss-init" <<EOF
#!/bin/sh
# PID 1 of the arm64 guest (made by scripts/arm64-root.sh): the checkout
# at its host path, then the same init as the x86_64 guests.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro swrss $SWRSS_TOP
exec $SWRSS_TOP/scripts/guest-init.sh
EOF
chmod +x "$root/swrss-init"
echo "$want" > "$stamp"
info "arm64 root ready in $root ($(du -sh "$root" | cut -f1))"
