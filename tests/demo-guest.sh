#!/bin/sh
# make demo, inside the VM: UDP flows arrive on the first of the VM's two
# NICs (e1000e with one RX queue, or in the arm64 VM the Armada 3700's
# mvneta with its one interrupt: either way one CPU takes all of its
# interrupts) from the second, in a namespace of its own; without the
# NICs (vm.sh -n 2), on a veth device whose RX runs on the sender's CPU,
# CPU 0.
# First without XDP (all work on one CPU), then with the software-RSS tool
# (samples/bpf/xdp_redirect_cpu, Toeplitz hash) spreading the flows
# through a cpumap over all CPUs, showing packets/s processed per CPU.
# The flows share one address pair and differ in the source port, which
# an address-pair hash (xdp-bench's l4-hash) would put on one CPU.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
TOOL=${SWRSS_RSS_TOOL:-$top/build/linux/samples/bpf/xdp_redirect_cpu}
secs=${SWRSS_DEMO_SECS:-8}
rate=${SWRSS_DEMO_RATE:-20000}
ncpu=$(nproc)

# Per second and per CPU: packets the network stack processed, and the
# cpumap entry's verdicts on that CPU (pass/drop/redirect).
table() {
	echo
	echo "== $1"
	printf '%-5s' "t(s)"
	i=0
	while [ $i -lt "$ncpu" ]; do
		printf ' | %-30s' "cpu$i: stack pkt/s, remote p/d/r"
		i=$((i + 1))
	done
	echo
	prev=$(softnet_processed)
	vprev=$(cpumap_verdicts "$ncpu")
	tprev=$(cut -d' ' -f1 /proc/uptime)
	t=1
	while [ $t -le "$secs" ]; do
		sleep 1
		cur=$(softnet_processed)
		vcur=$(cpumap_verdicts "$ncpu")
		# the rates are per second of the interval really elapsed: the
		# sampling itself takes time on a loaded TCG guest
		tcur=$(cut -d' ' -f1 /proc/uptime)
		dt=$(awk "BEGIN { print $tcur - $tprev }")
		printf '%-5s' "$t"
		# shellcheck disable=SC2086
		set -- $prev
		i=0
		for c in $cur; do
			printf ' | %8s  ' "$(awk "BEGIN { printf \"%d\", ($c - $1) / $dt }")"
			shift
			v=$(echo "$vcur" | cut -d' ' -f$((3 * i + 1))-$((3 * i + 3)))
			w=$(echo "$vprev" | cut -d' ' -f$((3 * i + 1))-$((3 * i + 3)))
			# shellcheck disable=SC2086
			printf '%-20s' "$(echo $v $w | awk -v dt="$dt" '{ printf "%d/%d/%d", ($1 - $4) / dt, ($2 - $5) / dt, ($3 - $6) / dt }')"
			i=$((i + 1))
		done
		echo
		prev=$cur
		vprev=$vcur
		tprev=$tcur
		t=$((t + 1))
	done
}

# With SWRSS_DEMO_HOST set (scripts/demo.sh, as root), the VM's one NIC
# is on a host tap and the host sends (tests/udpsend.c, through the
# bench's requests: tests/lib-guest.sh's host_run) at a rate one CPU
# cannot take, to a socket per CPU (tests/udpsink.c): the three ways a
# one-queue NIC's traffic can go, each a table of seconds: without XDP
# or RPS, with RPS over all CPUs, with the software-RSS tool.
if [ -n "${SWRSS_DEMO_HOST:-}" ]; then
	dev=$(basename "$(dirname "$(grep -l '52:54:00:12:35:56' /sys/class/net/*/address)")")
	case $(uname -m) in
	aarch64) sink=$top/build/arm64-tools/udpsink rate=${SWRSS_DEMO_RATE:-60000} ;;
	*) sink=$top/build/bin/udpsink rate=${SWRSS_DEMO_RATE:-120000} ;;
	esac
	secs=${SWRSS_DEMO_SECS:-15}
	nic="$(basename "$(readlink "/sys/class/net/$dev/device/driver")") $dev"
	ip addr add 10.201.0.1/24 dev "$dev"
	ip link set "$dev" up
	wait_carrier "$dev"
	irqs_on "$dev" 0
	udp_sink_start "$sink" 9000
	q=/sys/class/net/$dev/queues/rx-0
	: > "$SWRSS_RESULTS/demo.dat"
	# live N TITLE: a table of each second of phase N, the host sending
	live() {
		echo
		echo "== $2"
		printf '%-4s | %11s | %11s' "t(s)" "delivered/s" "lost/s"
		for i in $(seq 0 $((ncpu - 1))); do printf ' | cpu%d busy' "$i"; done
		echo
		# this shell and its children (the sampling, the wait for the
		# host) on the last CPU, their time not counted as its busy time
		taskset -pc $((ncpu - 1)) $$ > /dev/null
		host_run udp 10.201.0.1 9000 256 64 "$rate" "$secs" > /tmp/sent &
		sender=$!
		first=$(udp_cpu_counters) prev=$first
		own0=$(own_ticks) own=$own0
		tprev=$(cut -d' ' -f1 /proc/uptime) t0=$tprev
		t=0
		# until the host is done: a guest second under load can take
		# two of the host's
		while kill -0 $sender 2>/dev/null; do
			sleep 1
			t=$((t + 1))
			cur=$(udp_cpu_counters) tcur=$(cut -d' ' -f1 /proc/uptime)
			ocur=$(own_ticks)
			# no line for the second the host stopped in
			kill -0 $sender 2>/dev/null || break
			echo "$prev $cur" | udp_cpu_rates "$t" "$tprev" "$tcur" "$rate" $((ocur - own)) |
				awk '{ printf "%-4s | %11d | %11d", $1, $2, $3
					for (i = 4; i <= NF; i++) printf " | %8d%%", $i
					print "" }'
			prev=$cur tprev=$tcur own=$ocur
		done
		ocur=$(own_ticks)
		wait $sender
		taskset -pc 0-$((ncpu - 1)) $$ > /dev/null
		echo "$first $cur" | udp_cpu_rates "$1" "$t0" "$tcur" "$rate" $((ocur - own0)) >> "$SWRSS_RESULTS/demo.dat"
	}
	# The ticks this shell, its children and the sender's wait took so far
	own_ticks() {
		cat "/proc/$$/stat" "/proc/$sender/stat" 2>/dev/null |
			awk '{ t += $14 + $15 + $16 + $17 } END { print t + 0 }'
	}
	# "$1 delivered/s lost/s busy%..." from two udp_cpu_counters samples
	# taken at uptimes $2 and $3, $4 sent per second, less $5 ticks of
	# the last CPU's busy time (own_ticks)
	udp_cpu_rates() {
		awk -v t="$1" -v dt="$(awk "BEGIN { print $3 - $2 }")" -v rate="$4" -v own="$5" '{
			n = NF / 2; del = ($(n + 1) - $1) / dt
			printf "%s %d %d", t, del, (rate > del ? rate - del : 0)
			for (i = 3; i < n; i += 2) {
				b = $(n + i) - $i; all = $(n + i + 1) - $(i + 1)
				if (i + 2 >= n) b = b > own ? b - own : 0
				printf " %d", all ? 100 * b / all : 0
			}
			print ""
		}'
	}
	live none "$nic without XDP or RPS: the host sends $rate UDP datagrams/s, 64 bytes, 256 flows of one address pair"
	printf %x $(((1 << ncpu) - 1)) > "$q/rps_cpus"
	live rps "with RPS over all CPUs (rps_cpus $(cat "$q/rps_cpus"))"
	echo 0 > "$q/rps_cpus"
	"$TOOL" -d "$dev" -r pass -i 1 > /tmp/rss.log 2>&1 &
	rss=$!
	wait_xdp_attached "$dev" $rss
	wait_carrier "$dev"
	sleep 1
	live swrss "with XDP + cpumap (xdp_redirect_cpu -r pass, Toeplitz hash over addresses and ports)"
	kill -INT $rss
	wait $rss
	kill $sinkpid
	wait $sinkpid
	# Each phase in one line: what reached sockets, and each CPU's busy
	# share as a bar of 20 characters
	echo
	echo "== each CPU's busy share (less the demo's own sampling, on cpu$((ncpu - 1))), and datagrams delivered to sockets per second, over each phase"
	awk '{
		printf "%-6s", $1
		for (i = 4; i <= NF; i++) {
			bar = ""
			for (j = 0; j < 20; j++) bar = bar (j < $i / 5 ? "#" : ".")
			printf "  cpu%d [%s] %3d%%", i - 4, bar, $i
		}
		printf "  delivered %d/s\n", $2
	}' "$SWRSS_RESULTS/demo.dat"
	exit 0
fi

modprobe pktgen 2>/dev/null
cpumap_hist_on
if [ -e /sys/class/net/eth1 ]; then
	dev=eth0 src_dev=eth1
	nic=$(basename "$(readlink /sys/class/net/eth0/device/driver)")
	case $nic in
	mvneta) nic="mvneta (Armada 3700: one interrupt, no RSS)" ;;
	*) nic="$nic (one RX queue)" ;;
	esac
	nic_pair src 10.200.0.1/24
else
	dev=dut0 src_dev=src0 nic="veth"
	veth_pair dut0 src0 src
fi
mac=$(cat "/sys/class/net/$dev/address")
ip netns exec src sh -c ". $top/tests/lib-guest.sh; pktgen_setup $src_dev $mac 0 0 $rate 256 1"
pktgen_start src
pg=$!

table "$nic without XDP: UDP, one address pair, 256 source ports (pktgen ratep $rate), all on one CPU"

# The program goes on and off while no traffic runs: under QEMU 7.2's
# multi-threaded TCG, a vCPU running the XDP dispatcher while another
# patches it can execute a stale int3 (see scripts/vm.sh).
pktgen_stop src
wait $pg
"$TOOL" -d "$dev" -r pass -i 1 > /tmp/rss.log 2>&1 &
rss=$!
wait_xdp_attached "$dev" $rss
wait_carrier "$dev" src "$src_dev"	# e1000e resets when its first XDP program is attached
pktgen_start src
pg=$!
sleep 1
table "with XDP + cpumap (xdp_redirect_cpu -r pass, Toeplitz hash): spread over $ncpu CPUs"
pktgen_stop src
wait $pg
kill -INT $rss
wait $rss
echo
echo "== xdp_redirect_cpu's own last interval"
tail -n $((ncpu + 4)) /tmp/rss.log
cpumap_hist_off
