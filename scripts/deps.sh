#!/usr/bin/env bash
# Install the Debian packages swrss needs (build, VM, tests, series gate).
# Idempotent: installs only what is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	# base of the series
	linux-source-6.12 git
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev zlib1g-dev dwarves
	cpio kmod rsync python3 gcc-aarch64-linux-gnu
	# BPF programs and their loaders
	clang-19 llvm-19 lld-19 libbpf-dev
	# the series gate
	sparse python3-ply python3-git
	# the VM and what runs in it
	qemu-system-x86 qemu-system-arm iproute2 ethtool bpftool xdp-tools
	iperf3 tcpdump iputils-ping busybox-static procps python3-yaml jq
	# virtme-ng's guest (below) runs the host's udevd, which names the
	# ports that carry vng --exec's output and exit status
	udev
	# the check of the tool's systemd units (systemd-analyze)
	systemd
	# make bench's plots
	gnuplot-nox
	# QEMU with the NETA port (build-qemu.sh): its source package, build
	dpkg-dev meson ninja-build pkg-config libglib2.0-dev libpixman-1-dev
	libfdt-dev libcap-ng-dev
)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# virtme-ng (vng), which runs make check's x86_64 VMs: Debian 12 has no
# package of it; unstable's (architecture all) needs only bookworm's
# packages.  Fetched through an apt configuration of its own under
# build/apt-unstable (its sources list, lists, cache and state), so the
# host's sources stay as they are; apt verifies unstable's Release with
# bookworm's archive keyring, which holds its signing keys.  The host's
# apt installs the file then, with its dependencies from bookworm.
virtme_ng() {
	local apt=$BUILD/apt-unstable
	mkdir -p "$apt"/lists/partial "$apt"/cache/archives/partial \
		"$apt"/state "$apt"/sources.list.d "$apt"/deb
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"http://deb.debian.org/debian unstable main" > "$apt/sources.list"
	cat > "$apt/apt.conf" <<-EOF
	Dir::State "$apt/state";
	Dir::State::Lists "$apt/lists";
	Dir::State::status "/var/lib/dpkg/status";
	Dir::Cache "$apt/cache";
	Dir::Etc::SourceList "$apt/sources.list";
	Dir::Etc::SourceParts "$apt/sources.list.d";
	APT::Architectures { "$(dpkg --print-architecture)"; };
	APT::Sandbox::User "root";
	EOF
	info "fetching virtme-ng from Debian unstable (private apt configuration)"
	APT_CONFIG=$apt/apt.conf apt-get update -qq
	rm -f "$apt"/deb/*.deb
	(cd "$apt/deb" && APT_CONFIG=$apt/apt.conf apt-get download -qq virtme-ng) ||
		die "cannot fetch virtme-ng from Debian unstable (deb.debian.org)"
	# its dependencies from the host's lists, which may be older than
	# the packages above or gone (a container's)
	[ -n "$updated" ] || apt-get update -qq
	apt-get install -y -qq --no-install-recommends "$apt"/deb/virtme-ng_*_all.deb >/dev/null
}

missing=() updated=
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
	info "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	updated=1
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! installed virtme-ng; then
	[ "$(id -u)" = 0 ] || die "need root to install virtme-ng"
	export DEBIAN_FRONTEND=noninteractive
	virtme_ng
fi
