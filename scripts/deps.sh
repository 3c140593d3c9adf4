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
	# the check of the tool's systemd units (systemd-analyze)
	systemd
	# make bench's plots
	gnuplot-nox
	# QEMU with the NETA port (build-qemu.sh): its source package, build
	dpkg-dev meson ninja-build pkg-config libglib2.0-dev libpixman-1-dev
	libfdt-dev libcap-ng-dev
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
info "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
