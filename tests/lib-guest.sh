# shellcheck shell=sh
# Helpers for scripts that run inside the VM: sourced.

# A veth pair: $1 in this namespace (address 10.200.0.1), $2 in namespace
# $3 (10.200.0.2) with a static neighbour entry for $1, so traffic from
# $3 needs no ARP.  TX checksum offload is off on the source side: XDP
# frames carry no offload state, so checksums must be real.
veth_pair() {
	ip netns add "$3"
	ip link add "$1" type veth peer name "$2" netns "$3"
	ip addr add 10.200.0.1/24 dev "$1"
	ip link set "$1" up
	ip -n "$3" addr add 10.200.0.2/24 dev "$2"
	ip -n "$3" link set "$2" up
	ip -n "$3" neigh add 10.200.0.1 dev "$2" \
		lladdr "$(ip -br link show "$1" | awk '{print $3}')"
	ip netns exec "$3" ethtool -K "$2" tx off >/dev/null
}

# pktgen on kpktgend_$cpu, sending UDP from device $dev (in the current
# namespace) to 10.200.0.1 at MAC $mac: $count packets (0 = forever),
# $rate packets/s (0 = unpaced), over $flows source ports and $srcs
# source addresses 10.200.1.x (default as many as ports, at most 254).
# pktgen is a module on Debian's kernel (make check's base-tool run).
pgset() { echo "$2" > "/proc/net/pktgen/$1"; }
pktgen_setup() {
	dev=$1 mac=$2 cpu=$3 count=$4 rate=$5 flows=$6 srcs=${7:-$6}
	[ -d /proc/net/pktgen ] || modprobe pktgen
	pgset "kpktgend_$cpu" rem_device_all
	pgset "kpktgend_$cpu" "add_device $dev"
	pgset "$dev" "count $count"
	pgset "$dev" "pkt_size 64"
	pgset "$dev" "dst 10.200.0.1"
	pgset "$dev" "dst_mac $mac"
	pgset "$dev" "udp_dst_min 9"
	pgset "$dev" "udp_dst_max 9"
	pgset "$dev" "udp_src_min 1024"
	pgset "$dev" "udp_src_max $((1024 + flows - 1))"
	pgset "$dev" "src_min 10.200.1.1"
	pgset "$dev" "src_max 10.200.1.$((srcs > 254 ? 254 : srcs))"
	pgset "$dev" "flag UDPSRC_RND"
	pgset "$dev" "flag IPSRC_RND"
	[ "$rate" = 0 ] || pgset "$dev" "ratep $rate"
}
# pktgen is per namespace: start it in namespace $1 (it runs until
# stopped; "start" blocks, so in the background), or stop it there.
pktgen_start() { ip netns exec "$1" sh -c "echo start > /proc/net/pktgen/pgctrl" & }
pktgen_stop() { ip netns exec "$1" sh -c "echo stop > /proc/net/pktgen/pgctrl"; }

# Packets each CPU's network stack processed (softnet_stat, column 1).
softnet_processed() {
	while read -r p _; do printf '%d ' "0x$p"; done < /proc/net/softnet_stat
	echo
}

# The cpumap kthreads' own counts, from the xdp_cpumap_kthread tracepoint
# through a histogram keyed by the CPU it ran on (a kthread is bound to
# its entry's CPU).
cpumap_hist=/sys/kernel/tracing/events/xdp/xdp_cpumap_kthread/trigger
# A histogram holds at most two values besides its hit count: two of them.
# Appended (>>): opening the trigger file with O_TRUNC removes them all.
cpumap_hists='keys=common_cpu:vals=xdp_pass,xdp_drop keys=common_cpu:vals=xdp_redirect'
cpumap_hist_on() {
	for h in $cpumap_hists; do echo "hist:$h" >> "$cpumap_hist"; done
}
cpumap_hist_off() {
	for h in $cpumap_hists; do echo "!hist:$h" >> "$cpumap_hist"; done
}
# "pass drop redirect" for each CPU 0..$1-1 on one line, cumulative.
cpumap_verdicts() {
	awk -v n="$1" '
	/^\{ common_cpu:/ {
		c = $3
		for (i = 4; i < NF; i++) {
			if ($i == "xdp_pass:") p[c] = $(i + 1)
			if ($i == "xdp_drop:") d[c] = $(i + 1)
			if ($i == "xdp_redirect:") r[c] = $(i + 1)
		}
	}
	END { for (c = 0; c < n; c++) printf "%d %d %d ", p[c], d[c], r[c]; print "" }
	' "${cpumap_hist%/trigger}/hist"
}

# What the RX side steered to each CPU: frames offered to each cpumap
# entry (enqueued plus dropped on a full ring), from the
# xdp_cpumap_enqueue tracepoint, keyed by target CPU.  Counting offers
# rather than what the kthreads handled measures the steering, not how
# much CPU time each kthread got.
enqueue_hist=/sys/kernel/tracing/events/xdp/xdp_cpumap_enqueue/trigger
enqueue_hist_on() { echo "hist:keys=to_cpu:vals=processed,drops" >> "$enqueue_hist"; }
enqueue_hist_off() { echo "!hist:keys=to_cpu:vals=processed,drops" >> "$enqueue_hist"; }
# Offers to each CPU 0..$1-1 on one line, cumulative.
cpumap_offered() {
	awk -v n="$1" '
	/^\{ to_cpu:/ {
		c = $3
		for (i = 4; i < NF; i++)
			if ($i == "processed:" || $i == "drops:") o[c] += $(i + 1)
	}
	END { for (c = 0; c < n; c++) printf "%d ", o[c]; print "" }
	' "${enqueue_hist%/trigger}/hist"
}

# The id of the XDP program attached to device $1, empty if there is none.
xdp_prog_id() { ip link show "$1" | sed -n 's|.*prog/xdp id \([0-9]*\).*|\1|p'; }
# Wait up to 30 s for an XDP program on device $1; $2, if given, is the
# pid of whoever attaches it, and its exit ends the wait.
wait_xdp_attached() {
	for _ in $(seq 300); do
		[ -n "$(xdp_prog_id "$1")" ] && return 0
		[ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# The VM's two e1000e (vm.sh -n 2) as a link, like veth_pair's: eth1 moves
# into namespace $1, eth0 gets address $2 if given, both come up without
# IPv6 (only the callers' traffic on the wire), and with a carrier.
nic_pair() {
	ip netns add "$1"
	ip link set eth1 netns "$1"
	sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.eth1.disable_ipv6=1
	[ -z "${2:-}" ] || ip addr add "$2" dev eth0
	ip link set eth0 up
	ip -n "$1" link set eth1 up
	wait_carrier eth0 "$1" eth1
}

# Wait (up to 10 s) for a carrier on $1 and, if given, on $3 in namespace
# $2: e1000e renegotiates its link when its first XDP program is attached.
wait_carrier() {
	for _ in $(seq 100); do
		[ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ] &&
			{ [ -z "${2:-}" ] ||
				[ "$(ip netns exec "$2" cat "/sys/class/net/$3/carrier" 2>/dev/null)" = 1 ]; } &&
			return 0
		sleep 0.1
	done
	return 1
}

# The interrupts of devices $1 (a regex of /proc/interrupts) on CPU $2
# alone (CPU 0: as a one-queue NIC's are)
irqs_on() {
	for irq in $(awk -F: "/$1/ { print \$1 }" /proc/interrupts); do
		printf %x $((1 << $2)) > "/proc/irq/${irq# }/smp_affinity" 2>/dev/null
	done
}

# tests/udpsink.c's receivers (binary $1) on UDP port $2, in the
# background (its pid in sinkpid), once their sockets are bound
udp_sink_start() {
	"$1" "$2" > /tmp/udpsink.out &
	sinkpid=$!
	for _ in $(seq 100); do
		grep -q ready /tmp/udpsink.out && return 0
		sleep 0.1
	done
	return 1
}

# Busy (user, nice, system, irq, softirq) and total ticks of CPUs $@
# (numbers, in that order; all CPUs without any), on one line
cpu_ticks() {
	awk -v want="$*" '
		/^cpu[0-9]/ { b = $2 + $3 + $4 + $7 + $8; t[$1] = b " " b + $5 + $6; order[++n] = $1 }
		END {
			if (want == "") for (i = 1; i <= n; i++) printf "%s ", t[order[i]]
			else { k = split(want, w, " "); for (i = 1; i <= k; i++) printf "%s ", t["cpu" w[i]] }
			print ""
		}' /proc/stat
}

# make bench: the caption of a table, $1 its title, $2 how its rows were
# measured (runs and their length): with the kernel, the vCPUs and the
# host machine (scripts/bench.sh writes it to the results directory)
bench_caption() {
	echo
	echo "$1"
	echo
	echo "_$(uname -r), $(nproc) vCPUs under QEMU TCG on $(cat "$SWRSS_RESULTS/machine" 2>/dev/null || echo "an unnamed host"); $2_"
	echo
}

# Rows measured in runs, from file $1 (lines "NAME<TAB>values", see
# tests/runs-mean.awk): a line "NAME<TAB>means<TAB>mark<TAB>runs" each
runs_mean() { awk -f "$top/tests/runs-mean.awk" "$1"; }
# " (varies)" for runs_mean's mark $1 "(varies)", nothing for "-"
varies() { [ "$1" = - ] || printf ' %s' "$1"; }

# UDP datagrams delivered to sockets so far (Udp InDatagrams), those
# their sockets dropped (RcvbufErrors), then cpu_ticks of every CPU, on
# one line
udp_cpu_counters() {
	awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 }
			    else printf "%d %d ", $c["InDatagrams"], $c["RcvbufErrors"] }' /proc/net/snmp
	cpu_ticks
}

# Ask the host (scripts/lib-hostnet.sh's host_requests, which watches the
# results directory while the VM runs) to run one sender on its side of
# the tap NIC of vm.sh -T, and print its answer, "0" if it failed.  The
# request is its words, $1 the kind: "tcp ADDR PORT SECONDS" (one TCP
# stream, answer Mbit/s) or "udp ADDR PORT FLOWS PAYLOAD RATE SECONDS"
# (tests/udpsend.c, answer the datagrams sent).  The last word is how
# long the sender runs.
host_run() {
	echo "$*" > "$SWRSS_RESULTS/stream.tmp"
	eval "hr_secs=\${$#}"
	hr_n=$(find "$SWRSS_RESULTS" -name 'stream.*.req' | wc -l)
	mv "$SWRSS_RESULTS/stream.tmp" "$SWRSS_RESULTS/stream.$hr_n.req"
	for _ in $(seq $(((hr_secs + 60) * 5))); do
		if [ -e "$SWRSS_RESULTS/stream.$hr_n.rate" ]; then
			cat "$SWRSS_RESULTS/stream.$hr_n.rate"
			return
		fi
		sleep 0.2
	done
	echo 0
}
# Mbit/s of one TCP stream that the host sends for $3 seconds to $1 port $2
host_stream() { host_run tcp "$@"; }

# Run suite $1 (the command $2...), its TAP output shown and saved as
# <suite>.tap in the result directory, which make check reads.  Each
# result line is followed by a comment with the seconds the test took
# ("# time 12.3"), for make check's timings.txt.
run_suite() {
	name=$1
	shift
	echo "[swrss-guest] suite $name"
	"$@" 2>&1 | timed_results | tee "$SWRSS_RESULTS/$name.tap"
}

# A kselftest collection ($2, such as net/cpumap) as kselftest runs it:
# run_kselftest.sh of the installed tree (scripts/selftests.sh; $top is
# the checkout).  Its
# TAP has a result for each program of the collection and each program's
# own TAP nested in it as "# " comments: the whole in $1-kselftest.tap,
# the nested results, timed, in $1.tap.
run_kselftest() {
	name=$1
	echo "[swrss-guest] suite $name: run_kselftest.sh -c $2"
	"$top/build/selftests/kselftest/run_kselftest.sh" -c "$2" 2>&1 |
		tee "$SWRSS_RESULTS/$name-kselftest.tap" |
		sed -u -n 's/^# //p' | timed_results | tee "$SWRSS_RESULTS/$name.tap"
}

# Uptime in centiseconds, in $_cs: no process, as an exec costs
# seconds on the debug kernel in TCG.
uptime_cs() {
	read -r _cs _ < /proc/uptime
	_cs=${_cs%.*}${_cs#*.}
	while :; do case $_cs in 0?*) _cs=${_cs#0} ;; *) break ;; esac; done
}
# Copy stdin to stdout line by line, each TAP result followed by the time
# since the previous one.  A shell loop, as awk may hold its input back.
timed_results() {
	uptime_cs
	_t=$_cs
	while IFS= read -r _l || [ -n "$_l" ]; do
		printf '%s\n' "$_l"
		case $_l in
		"ok "[0-9]*|"not ok "[0-9]*)
			uptime_cs
			printf '# time %d.%02d\n' $(((_cs - _t) / 100)) $(((_cs - _t) % 100))
			_t=$_cs
			;;
		esac
	done
}

# Wait at most $2 seconds for background job $1 and return its status; a
# job still running then is killed, and the wait fails (124), so that a
# hung peer fails its test instead of the whole VM run.
wait_bounded() {
	for _ in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return; }
		sleep 0.1
	done
	# its children first: a shell function run in the background (such
	# as "P nc ... &") is a subshell, and the command it runs would
	# live on, holding the suite's output pipe open
	for _s in /proc/[0-9]*/stat; do
		read -r _p _ _ _pp _ < "$_s" 2>/dev/null || continue
		[ "$_pp" = "$1" ] && kill -KILL "$_p" 2>/dev/null
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	echo "# pid $1 still running after $2 s: killed" >&2
	return 124
}

# TAP lines for the shell suites: the caller sets n=0 and failed=0.
# ok NAME; not_ok NAME [COMMENT...] (and failed=1); check NAME "what was
# wrong" COMMAND... (ok if the command succeeds)
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)); failed=1
	echo "not ok $n $1"
	shift
	for m in "$@"; do echo "# $m"; done
}
check() {
	name=$1 why=$2
	shift 2
	if "$@"; then ok "$name"; else not_ok "$name" "$why"; fi
}
