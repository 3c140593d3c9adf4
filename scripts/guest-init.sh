#!/bin/sh
# PID 1 of a swrss guest: mount what a test needs on top of the read-only
# host root, run the command vm.sh saved, record its exit status, reset
# (QEMU runs with -no-reboot: a reset ends it; the x86_64 kernels have no
# ACPI to power off with).
# Every program and library comes from /usr.  The root has no cache: an
# uncached exec costs seconds of 9p round trips in a debug kernel under
# TCG.  It cannot have one either: revalidating a cached dentry whose
# host directory changed (/proc, /tmp, /dev on the host) unmounts what
# the guest mounted there.  The host's /usr, exported again (vm.sh),
# does not change during a run: mounted over the root's, with the page
# cache.  (The arm64 guest's root is a tree of its own, cached whole.)
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro usr /usr 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
# what udev would add: bash's <(...) needs /dev/fd
ln -sf /proc/self/fd /dev/fd
mount -t tmpfs mnt /mnt
mkdir -p /mnt/results /mnt/host-tmp
# A checkout under the host's /tmp stays visible under the guest's tmpfs
# (recursively: in the arm64 VM the checkout is a mount of its own).
mount -o rbind /tmp /mnt/host-tmp
mount -t tmpfs tmp /tmp
case $0 in
/tmp/*)
	top=$(dirname "$(dirname "$0")")
	mkdir -p "$top"
	mount --bind "/mnt/host-tmp/${top#/tmp/}" "$top"
	;;
esac
mount -t tmpfs run /run
mkdir -p /run/netns
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /mnt/results
ip link set lo up
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp SWRSS_RESULTS=/mnt/results
for arg in $(cat /proc/cmdline); do
	case $arg in swrss.flavour=*) export SWRSS_FLAVOUR=${arg#*=} ;; esac
done
cd /tmp
echo "[swrss-guest] $(uname -r) up, $(nproc) CPUs"
sh -c "$(cat /mnt/results/cmd)"
echo $? > /mnt/results/exit.tmp
sync
mv /mnt/results/exit.tmp /mnt/results/exit
echo "[swrss-guest] done, exit $(cat /mnt/results/exit)"
exec busybox reboot -f
