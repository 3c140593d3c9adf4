#!/usr/bin/env bash
# make qemu: QEMU with the swrss QEMU series (the emulated Armada 3700
# NETA port), for the arm64 VM.  Only qemu-system-aarch64 is built, with
# no optional feature but libfdt and virtio-9p (the guest's root):
# build/obj-qemu/qemu-system-aarch64, and the NETA port's qtest,
# build/obj-qemu/tests/qtest/armada3700-neta-test.
# Incremental: ninja rebuilds what the tree's changes touch.
# SWRSS_QEMU_TREE builds that tree as it is, without bringing it back to
# qemu/patches first (make mutants' mutated tree, in its overlay);
# SWRSS_QEMU_OBJ builds into another directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -n "${SWRSS_QEMU_TREE:-}" ] || SWRSS_SERIES=qemu "$SWRSS_TOP/scripts/tree.sh"
TREE=${SWRSS_QEMU_TREE:-$BUILD/qemu}
obj=${SWRSS_QEMU_OBJ:-$BUILD/obj-qemu}
# The virt machine's devices only (qemu/devices-aarch64.mak: with the
# NETA port and virtio-9p): 959 objects to build instead of 1154 with
# "minimal", which has the SBSA machine and every PCI device.  -O1 and no
# debug information: half the compile time of QEMU's -O2 -g, for a
# guest that runs about a minute.
conf=(--target-list=aarch64-softmmu --without-default-devices
	--with-devices-aarch64=swrss
	--without-default-features --enable-fdt=system
	--enable-virtfs --enable-attr --enable-cap-ng
	--disable-docs --disable-werror
	--disable-debug-info --extra-cflags=-O1)
# configure takes a devices file by its name in the tree
cp "$SWRSS_TOP/qemu/devices-aarch64.mak" "$TREE/configs/devices/aarch64-softmmu/swrss.mak"
if [ ! -f "$obj/build.ninja" ] || [ "$(cat "$obj/.swrss-conf" 2>/dev/null)" != "${conf[*]}" ]; then
	info "configuring QEMU in $obj"
	rm -rf "$obj"
	mkdir -p "$obj"
	(cd "$obj" && "$TREE/configure" "${conf[@]}" >configure.log 2>&1) || {
		tail -20 "$obj/configure.log" >&2
		die "QEMU configure failed (log: $obj/configure.log)"
	}
	echo "${conf[*]}" > "$obj/.swrss-conf"
fi
start=$(now)
ninja -C "$obj" -j "${SWRSS_JOBS:-$(nproc)}" qemu-system-aarch64 \
	tests/qtest/armada3700-neta-test >"$obj/ninja.log" 2>&1 || {
	grep -B2 -A10 'error' "$obj/ninja.log" | head -40 >&2
	die "QEMU build failed (log: $obj/ninja.log)"
}
info "qemu-system-aarch64 built in $(($(now) - start))s"
