#!/bin/sh
# A swrss guest's setup, then the command vm.sh saved in its result
# directory, whose exit status goes to <results>/exit.  Two callers:
#  - x86_64: virtme-ng's init (vng --exec, see vm.sh), with the result
#    directory (vng's --rwdir, at its host path) as $1.  virtme-init has
#    mounted proc, sys, dev, /run, debugfs and tracefs, and overlays that
#    make /etc, /tmp, /var ... writable; what it does not do is below.
#  - arm64: PID 1 of the arm64 root (its /swrss-init, arm64-root.sh),
#    with the result directory's 9p share; it mounts everything itself
#    and resets at the end (QEMU runs with -no-reboot: a reset ends it).
if [ $$ = 1 ]; then
	# The arm64 root is a tree of its own, cached whole (vm.sh)
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev 2>/dev/null
	# what udev would add: bash's <(...) needs /dev/fd
	ln -sf /proc/self/fd /dev/fd
	mount -t tmpfs mnt /mnt
	mkdir -p /mnt/results /mnt/host-tmp
	# A checkout under /tmp (mounted there by /swrss-init) stays visible
	# under the guest's tmpfs
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
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /mnt/results
	ip link set lo up
	results=/mnt/results
else
	results=$1
	# The root, the host's, has no cache but the pages of mapped files
	# (vm.sh: cache=mmap): an uncached exec costs seconds of 9p round
	# trips in a debug kernel under TCG.  It cannot have a dentry cache
	# either: revalidating a cached dentry whose host directory changed
	# (/proc, /tmp, /dev on the host) unmounts what the guest mounted
	# there.  The host's /usr, exported again (vm.sh), does not change
	# during a run: mounted over virtme-init's overlay, with the page
	# cache.
	# A kernel with modules (Debian's) has them linked into a tmpfs on
	# /lib/modules by virtme-init, which that mount would hide: linked
	# again in a writable overlay of it (the host may have no
	# /usr/lib/modules)
	mods=$(readlink "/lib/modules/$(uname -r)")
	usr9p() { mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro usr "$1"; }
	if [ -z "$mods" ]; then
		usr9p /usr
	else
		u=/run/tmp/swrss-usr
		mkdir -p $u/lower $u/upper $u/work
		usr9p $u/lower
		mount -t overlay -o xino=off,lowerdir=$u/lower,upperdir=$u/upper,workdir=$u/work usr /usr
		mkdir -p /usr/lib/modules
		ln -s "$mods" "/usr/lib/modules/$(uname -r)"
	fi
	# virtme-init points /dev/stdout at a port of its own: the kselftest
	# runner's output would bypass the pipe that saves it
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	# udevd has named vng's ports; it goes, as on a machine without udev,
	# before it renames or re-addresses the devices the tests make
	udevadm control --exit
fi
mkdir -p /run/netns
mount -t bpf bpf /sys/fs/bpf
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp SWRSS_RESULTS="$results"
for arg in $(cat /proc/cmdline); do
	case $arg in swrss.flavour=*) export SWRSS_FLAVOUR="${arg#*=}" ;; esac
done
cd /tmp || exit 1
echo "[swrss-guest] $(uname -r) up, $(nproc) CPUs"
sh -c "$(cat "$results/cmd")"
rc=$?
echo $rc > "$results/exit.tmp"
sync
mv "$results/exit.tmp" "$results/exit"
echo "[swrss-guest] done, exit $rc"
[ $$ = 1 ] || exit $rc
exec busybox reboot -f
