#!/usr/bin/env bash
# Boot a swrss kernel in QEMU and run one command in it.
#
#   vm.sh [-k flavour] [-c cpus] [-m mem] [-t timeout] [-o resultdir]
#         [-n nics] [-T tap] [-a kernel-args] [-s] -- command [args...]
#
# x86_64 kernels run through virtme-ng (vng --run): the guest sees the
# host root read-only over virtio-9p (so ip, bpftool, xdp-tools, tcpdump,
# iperf3 and the test binaries just work) with virtme-init's writable
# overlays, and the result directory read-write at its host path.  What
# vng does not do is here and in guest-init.sh: the NICs, the machine,
# the time limit, the console log, the guest's own mounts.
# The command's exit status becomes vm.sh's (and a line in
# <resultdir>/status says "ok" or why the run failed); the console
# (the kernel log) is saved in <resultdir>/console.log, the command's
# output in <resultdir>/output.log (arm64: both on the console), both
# streamed to stderr unless -q.
# -a adds to the kernel command line (make check's "swiotlb=force").
# -n N adds N e1000e NICs on one QEMU hub.  -T TAP adds one more NIC
# (e1000e; on arm64 a NETA port), on the host's tap device TAP (which
# must exist), after those, with MAC address 52:54:00:12:35:56.
# -k names a kernel build-kernel.sh builds (test, debug, base, arm64) or
# debian, Debian's own 6.12 (debian-kernel.sh), whose modules vng gives
# the guest.
# -k arm64 boots the arm64 kernel on QEMU's arm "virt" machine (Cortex-A53)
# with build-qemu.sh's QEMU, without vng (README: why): the root is
# build/arm64-root (arm64-root.sh), the checkout is mounted at its host
# path, and the -n NICs are emulated Armada 3700 NETA ports, driven by
# mvneta.  -s runs TCG on one host
# thread (thread=single): QEMU 7.2's multi-threaded TCG can let a vCPU run
# an int3 that text_poke_bp() has already taken back on another, which
# the kernel then reports as an Oops (seen in bpf_dispatcher_xdp_func
# when XDP programs are swapped under traffic).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=test cpus=2 mem=1024 timeout=900 results=$OUT/vm nics=0 quiet=0
tcg_thread='' tap='' extra_args=''
while getopts k:c:m:t:o:n:T:a:qs opt; do
	case $opt in
	k) flavour=$OPTARG ;;
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	o) results=$OPTARG ;;
	n) nics=$OPTARG ;;
	T) tap=$OPTARG ;;
	a) extra_args+=" $OPTARG" ;;
	q) quiet=1 ;;
	s) tcg_thread=single ;;
	*) die "usage: vm.sh [-k flavour] [-c cpus] [-m MiB] [-t s] [-o dir] [-n nics] [-T tap] [-a args] [-q] [-s] -- cmd..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || die "vm.sh: no command to run"

kernel=$(kernel_image "$flavour")
[ -f "$kernel" ] || die "no $flavour kernel at $kernel: run make kernel (debian: scripts/debian-kernel.sh)"
mkdir -p "$results"
results=$(cd "$results" && pwd)
# vng hands its paths and QEMU options on through a shell, unquoted
case "$kernel$results$SWRSS_TOP$tap" in
*[[:space:]\'\"\\\$\`\;\&\|\<\>\(\)\*\?]*)
	die "vm.sh: no spaces or shell characters in the paths ($kernel, $results, $SWRSS_TOP) or the tap's name" ;;
esac
rm -f "$results/exit" "$results/console.log" "$results/output.log" "$results/status"
{ printf "cd %q && " "$PWD"; printf "%q " "$@"; } > "$results/cmd"

# KVM hangs on some hosts: use it only when a probe boot finishes.
accel() {
	local probe=$BUILD/.kvm-probe
	if [ "${SWRSS_KVM:-auto}" = 0 ] || [ ! -w /dev/kvm ]; then
		echo tcg
		return
	fi
	if [ ! -f "$probe" ]; then
		if timeout -k 2 20 qemu-system-x86_64 -accel kvm -M pc -m 256 \
			-display none -no-reboot -kernel "$kernel" \
			-append "console=ttyS0 panic=-1 init=/bin/false" \
			-serial none >/dev/null 2>&1; then
			echo kvm > "$probe"
		else
			echo tcg > "$probe"
		fi
	fi
	cat "$probe"
}

# QEMU options for vng (--qemu-opts; vng's own come first, the last
# -machine, -cpu wins).  vng passes them through a shell unquoted: no
# spaces in a path.
vng_qemu_opts() {
	local i a cpu
	a=$(accel)
	cpu=max
	# TCG runs a "rep movsb" or "rep stosb" one byte, one loop turn, at
	# a time: without ERMS the kernel clears pages with rep stosq and
	# copies to and from user space eight bytes a turn
	[ "$a" = tcg ] && cpu=max,erms=off
	# q35 (vng's under TCG; with KVM it leaves QEMU's default, pc, whose
	# ACPI _PRT loop times out on the debug kernel), with qboot, which
	# boots faster than SeaBIOS
	echo -machine q35 -bios /usr/share/qemu/qboot.rom -cpu "$cpu"
	[ "$a" = tcg ] && echo -accel tcg${tcg_thread:+,thread=$tcg_thread}
	# /usr again, for guest-init.sh to mount with the guest's page cache
	# (see there)
	echo -fsdev local,id=usr,path=/usr,security_model=none,readonly=on
	echo -device virtio-9p-pci,fsdev=usr,mount_tag=usr
	for ((i = 0; i < nics; i++)); do
		echo -netdev hubport,id=hp$i,hubid=0
		echo -device e1000e,netdev=hp$i,mac=52:54:00:12:34:$((56 + i))
	done
	if [ -n "$tap" ]; then
		echo -netdev tap,id=tap0,ifname="$tap",script=no,downscript=no
		echo -device e1000e,netdev=tap0,mac=52:54:00:12:35:56
	fi
}

qemu_args_arm64() {
	local i
	echo -M virt -cpu cortex-a53 -accel tcg${tcg_thread:+,thread=$tcg_thread}
	echo -smp "$cpus" -m "$mem"
	echo -display none -no-reboot -monitor none
	echo -serial "file:$results/console.log"
	# what a device model reports the guest did wrong (the NETA port:
	# wrapped counters, bad rings, headerless frames): make check fails on it
	echo -d guest_errors,unimp -D "$results/guest-errors.log"
	# virtio 1.0 over MMIO: the legacy transport logs a guest error for
	# every feature word above the first that Linux writes
	echo -global virtio-mmio.force-legacy=false
	echo -kernel "$kernel"
	echo -fsdev local,id=root,path="$BUILD/arm64-root",security_model=none,readonly=on
	echo -device virtio-9p-device,fsdev=root,mount_tag=/dev/root
	echo -fsdev local,id=top,path="$SWRSS_TOP",security_model=none,readonly=on
	echo -device virtio-9p-device,fsdev=top,mount_tag=swrss
	echo -fsdev local,id=res,path="$results",security_model=none
	echo -device virtio-9p-device,fsdev=res,mount_tag=results
	echo -nic none
	for ((i = 0; i < nics; i++)); do
		echo -netdev hubport,id=hp$i,hubid=0
		# without dma-coherent, as on the SoC: safe in TCG
		echo -device armada3700-neta,netdev=hp$i,mac=52:54:00:12:36:$((56 + i)),dma-coherent=off
	done
	if [ -n "$tap" ]; then
		echo -netdev tap,id=tap0,ifname="$tap",script=no,downscript=no
		echo -device armada3700-neta,netdev=tap0,mac=52:54:00:12:35:56,dma-coherent=off
	fi
}

# The kernel command line, vm.sh's part of it
cmdline="panic=-1 oops=panic swrss.flavour=$flavour"
# The debug kernel runs ~4x slower in TCG: a soft lockup is reported
# after 120 s instead of 20 s (a real hang still shows).
# SLUB's sanity checks and red zones (configs/debug.config says why not
# more).
[ "$flavour" = debug ] && cmdline+=" kmemleak=on watchdog_thresh=60 slub_debug=FZ"
cmdline+=$extra_args

rm -f "$results/vng-rc" "$results/console.done"
vng=()
if [ "$flavour" = arm64 ]; then
	qemu=$BUILD/obj-qemu/qemu-system-aarch64
	[ -x "$qemu" ] || die "no $qemu: run scripts/build-qemu.sh"
	[ -d "$BUILD/arm64-root" ] || die "no arm64 root: run scripts/arm64-root.sh"
	# the arm64 root is ours and does not change while a guest runs: cached
	cmdline="console=ttyAMA0 init=/swrss-init root=/dev/root rootfstype=9p
		rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro
		$cmdline"
	info "booting arm64 kernel (tcg, $cpus vCPUs): $*"
	# shellcheck disable=SC2046
	timeout -k 10 "$timeout" "$qemu" $(qemu_args_arm64) -append "${cmdline//[$'\t\n']/ }" \
		</dev/null >"$results/qemu.log" 2>&1 &
	qpid=$!
else
	command -v vng >/dev/null || die "no vng (virtme-ng): run scripts/deps.sh"
	vng=(vng --run "$kernel" --force-9p --verbose --cpus "$cpus" --memory "$mem"
		--rwdir="$results" --qemu-opts="$(vng_qemu_opts | tr '\n' ' ')"
		# vng's "debug" shows every message on the console: the
		# default level again.  Interface names as the kernel gives
		# them, eth0 and up: the guest runs the host's udevd, which
		# reads net.ifnames from this variable first (from the kernel
		# command line only outside a container)
		# The host root keeps the pages of programs and libraries
		# (cache=mmap: 4 s less of vng's init on the test kernel) and
		# no dentry cache (guest-init.sh says why)
		--append="rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=mmap"
		--append="$cmdline loglevel=7 SYSTEMD_PROC_CMDLINE=net.ifnames=0"
		--exec "$SWRSS_TOP/scripts/guest-init.sh $results 2>&1")
	[ "$(accel)" = kvm ] || vng+=(--disable-kvm)
	info "booting $flavour kernel through vng ($(accel), $cpus vCPUs): $*"
	# The console (kernel log) in console.log, apart from the command's
	# output (output.log), so that no line of one splits a line of the
	# other; through pipes, as QEMU opens vng's standard output and error
	# again by name, which would truncate a file.
	{
		{
			rc=0
			timeout -k 10 "$timeout" "${vng[@]}" </dev/null || rc=$?
			echo $rc > "$results/vng-rc"
		} 2> >(cat > "$results/console.log"; touch "$results/console.done") |
			cat > "$results/output.log"
	} &
	qpid=$!
fi
if [ $quiet = 0 ]; then
	touch "$results/console.log" "$results/output.log"
	tail -n +1 -q -F --pid=$qpid "$results/console.log" "$results/output.log" >&2 2>/dev/null &
fi
rc=0
wait $qpid || rc=$?
if [ ${#vng[@]} -gt 0 ]; then
	# the console's copy ends after the command's output
	for _ in $(seq 100); do [ -e "$results/console.done" ] && break; sleep 0.1; done
	rc=$(cat "$results/vng-rc" 2>/dev/null || echo 255)
fi
sleep 0.2
# Why the run failed, in <resultdir>/status for make check, and on stderr.
run_failed() {
	echo "$1" > "$results/status"
	die "$1 (console: $results/console.log)"
}
# vng's status is the command's (the exit file's), or 255 if the guest
# died first, or timeout's
if [ ${#vng[@]} -gt 0 ] && [ -f "$results/exit" ]; then
	:
elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	run_failed "guest timed out after ${timeout}s"
elif [ "$flavour" = arm64 ] && [ "$rc" != 0 ]; then
	cat "$results/qemu.log" >&2
	run_failed "qemu failed ($rc)"
fi
[ -f "$results/exit" ] ||
	run_failed "guest died before the command finished${vng:+ (vng: $rc)}"
# vng must have passed the command's status on
if [ ${#vng[@]} -gt 0 ] && [ "$rc" != "$(cat "$results/exit")" ]; then
	run_failed "vng returned $rc, the command $(cat "$results/exit")"
fi
rc=$(cat "$results/exit")
if [ "$rc" = 0 ]; then echo ok; else echo "the command exited $rc"; fi > "$results/status"
exit "$rc"
