#!/bin/bash
# What the software-RSS tool's suites share (tests/rss-tool.sh on the
# series' kernel, tests/rss-tool-base.sh on the base kernel): sourced after
# tests/lib-guest.sh with TOOL set to the tool's binary.  Sets up a veth
# pair (rss0 here, rss1 in namespace rsssrc, whence tests/flowgen.py and
# pktgen send) and the helpers below; rss_tool_end ends the suite.
# shellcheck disable=SC2154 # top and TOOL are the suite's
work=$(mktemp -d)
# The tool runs some sixty times: from the guest's tmpfs, not from the
# host's tree over 9p, uncached, where each run reads the binary again
# (its systemd units are beside it: tool_dir)
# shellcheck disable=SC2034 # the suites read it
tool_dir=$(cd "$(dirname "$TOOL")" && pwd)
cp "$TOOL" "$work/xdp_redirect_cpu" && TOOL=$work/xdp_redirect_cpu
# nap SECONDS: a sleep without a process, as every exec costs seconds on
# the debug kernel: a read that times out on a FIFO nobody writes to
mkfifo "$work/nap"
exec 7<> "$work/nap"
nap() { read -r -t "$1" -u 7 _ || true; }
n=0
failed=0
# py CALL ARG...: tests/flowgen.py or tests/rssjson.py (CALL), through
# one Python process for the whole suite (tests/pyhelper.py, started
# below in namespace rsssrc, on CPU 0, where flowgen sends from): every
# Python start costs seconds in the VM, 12 on the debug kernel.
py() {
	local IFS=$'\t' line
	printf '%s\n' "$*" >&"${PYH[1]}" || return 1
	while IFS= read -r -t 300 line <&"${PYH[0]}"; do
		case $line in $'\x1e'*) return "${line#?}" ;; esac
		printf '%s\n' "$line"
	done
	echo "# tests/pyhelper.py gave no answer to $1" >&2
	return 1
}
# jvals EXPR...: the value of each EXPR (tests/rssjson.py) of the tool's
# JSON, in J[0], J[1], ...
jvals() { mapfile -t J < <(py rssjson "$work/out" "$@"); }

# Nothing attached: no XDP program on any device, none of the tool's
# loaded (two commands: each exec costs seconds on the debug kernel)
# shellcheck disable=SC2317 # called through check
no_xdp_left() {
	local links progs
	links=$(ip -o link show) progs=$(bpftool prog show 2>/dev/null)
	case $links in *prog/xdp*) return 1 ;; esac
	case $progs in *xdp_rss* | *remote_pass* | *remote_drop* | *remote_redirect*) return 1 ;; esac
}

# Start the tool on rss0 (unless the test names a device) with JSON
# stats (every 0.5 s unless the test says); return once it is attached.
start_tool() {
	local i=(-i 0.5) d=(-d rss0)	# options come once
	case " $* " in *" -i "* | *" --quiet "*) i=() ;; esac
	case " $* " in *" -d "*) d=() ;; esac
	"$TOOL" "${d[@]}" -j "${i[@]}" "$@" > "$work/out" 2> "$work/err" &
	tool_pid=$!
	# attached once it prints: its first stats line comes an interval
	# after the attach (no process a check, unlike wait_xdp_attached);
	# loading takes tens of seconds on the debug kernel: 3 minutes at most
	for _ in $(seq 1800); do
		[ -s "$work/out" ] && return 0
		kill -0 "$tool_pid" 2>/dev/null || return 1
		nap 0.1
	done
	return 1
}
# kthread_handled [FILE]: frames the kthreads handled, summed over CPUs,
# in the newest stats line of the tool's JSON in FILE ($work/out).
kthread_handled() {
	awk '/^\{"type":"stats"/ { l = $0 }
	END {
		n = 0
		while (match(l, /"kthread":[0-9]+/)) {
			n += substr(l, RSTART + 10, RLENGTH - 10)
			l = substr(l, RSTART + RLENGTH)
		}
		print n
	}' "${1:-$work/out}"
}
# wait_handled FRAMES [FILE]: wait (at most 60 s) until the kthreads
# handled FRAMES frames, as the tool writing FILE ($work/out) saw them.
wait_handled() {
	for _ in $(seq 300); do
		[ "$(kthread_handled "${2:-}")" -ge "$1" ] && break
		nap 0.2
	done
}
# wait_handled $1, then stop the tool (SIGTERM).
finish_tool() {
	wait_handled "$1"
	kill -TERM "$tool_pid"
	wait_bounded "$tool_pid" 30
}
gen() { py flowgen rss1 --dst-mac "$dut_mac" "$@" > /dev/null; }
# paced FLOWS SECONDS EXPR: FLOWS UDP flows (random source ports) at 2000
# frames a second from pktgen on CPU 0 of rsssrc (flowgen's Python does
# not keep that rate on the debug kernel), until EXPR (tests/rssjson.py)
# holds for the tool's JSON or SECONDS have passed.  The guest sets the
# pace, not pktgen: the debug kernel took 150 to 380 of the 2000 a
# second, so a fixed count of frames lasted from seconds to minutes.
paced() {
	local t gen
	ip netns exec rsssrc sh -c ". $top/tests/lib-guest.sh
		pktgen_setup rss1 $dut_mac 0 $(($2 * 2000)) 2000 $1 1"
	pktgen_start rsssrc
	gen=$!
	t=$((SECONDS + $2))
	while ((SECONDS < t)); do
		nap 1
		jvals "$3"
		[ "${J[0]}" = True ] && break
	done
	pktgen_stop rsssrc
	wait_bounded $gen 30
	ip netns exec rsssrc sh -c ". $top/tests/lib-guest.sh
		pgset kpktgend_0 rem_device_all"
}

veth_pair rss0 rss1 rsssrc
dut_mac=$(ip -br link show rss0 | awk '{print $3}')
# Only flowgen's frames on the link: no IPv6 neighbour discovery or MLD,
# and no ARP exchange when the stack answers a frame (ICMP unreachable)
sysctl -qw net.ipv6.conf.rss0.disable_ipv6=1
ip netns exec rsssrc sysctl -qw net.ipv6.conf.rss1.disable_ipv6=1
ip neigh add 10.200.0.2 dev rss0 lladdr "$(ip -n rsssrc -br link show rss1 | awk '{print $3}')"
coproc PYH { PYTHONPATH=$top/tests taskset -c 0 ip netns exec rsssrc python3 "$top/tests/pyhelper.py"; }

# hash_flows_check NAME CPUS: the flows stay on their CPUs.  128 flows
# of 1 to 7 frames each, over CPUs 0 to CPUS - 1; the per-CPU counts
# must equal what the program says of each flow, and every CPU have some.
hash_flows_check() {
	local name=$1 last=$(($2 - 1)) c exprs=() total expect got spread=ok
	py flowgen rss1 --dst-mac "$dut_mac" --flows 128 --ramp --print-flows > "$work/flows"
	# shellcheck disable=SC2046
	"$TOOL" -c "0-$last" -j $(awk '{printf " --flow %s", $1}' "$work/flows") > "$work/query"
	expect=$(paste -d' ' "$work/flows" <(jq -r .cpu "$work/query") |
		awk -v last="$last" '{c[$3] += $2}
		END {for (i = 0; i <= last; i++) printf "%s%d", i ? " " : "", c[i]}')
	start_tool -p hash -c "0-$last"
	gen --flows 128 --ramp
	total=$(awk '{s += $2} END {print s}' "$work/flows")
	finish_tool "$total"
	for ((c = 0; c <= last; c++)); do
		exprs+=("cpu($c).get(\"kthread\", 0)")
	done
	jvals "${exprs[@]}"
	got="${J[*]}"
	for c in $expect; do
		[ "$c" != 0 ] || spread=
	done
	check "$name" "per CPU got $got, the flows' CPUs say $expect" \
		test "$got" = "$expect" -a "$spread" = ok
}

# autoscale_check NAME NAME-FEWEST LAST MIN FLOWS MOVED: autoscale over
# CPUs 0 to LAST, from MIN of them, under FLOWS paced flows: one CPU more
# under the load, one fewer after it (thresholds below what the debug
# kernel takes a second on a slow machine; traffic until CPU LAST has
# taken frames after the first event).  NAME checks the sets of the two
# events and that CPU LAST handled frames, NAME-FEWEST that each moved
# MOVED buckets.
autoscale_check() {
	local last=$3 min=$4 up down
	up=$(seq -s, 0 "$last") down=$(seq -s, 0 $((last - 1)))
	start_tool -p hash -c "0-$last" --autoscale --scale-min "$min" --scale-up 100 \
		--scale-down 10 --scale-hold 1 -i 1
	paced "$5" 90 "bool(events('autoscale')) and any(cpu($last, s).get('kthread_pps', 0) > 0 for s in stats if s['time'] > events('autoscale')[0]['time'])"
	wait_event "$work/out" autoscale 2
	kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
	jvals "[e['active'] for e in events('autoscale')][:2] == [[$up], [$down]] and cpu($last)['kthread'] > 0" \
		"[e['active'] for e in events('autoscale')]" "cpu($last).get('kthread', 0)" \
		"[e['moved'] for e in events('autoscale')][:2] == [$6, $6]" "[e['moved'] for e in events('autoscale')]"
	check "$1" "events: ${J[1]}, cpu$last handled ${J[2]}" test "${J[0]}" = True
	check "$2" "moved: ${J[4]}" test "${J[3]}" = True
}

# wait_event FILE TYPE [N]: until the tool's JSON in FILE has N (1)
# events of TYPE, 30 s at most
wait_event() {
	for _ in $(seq 150); do
		[ "$(grep -c "^{\"type\":\"$2\"" "$1")" -ge "${3:-1}" ] && return 0
		nap 0.2
	done
	return 1
}

# The end of a suite: its plan, the helper and the veth pair gone; exits
# with the verdict
rss_tool_end() {
	echo "1..$n"
	# the helper ends at the end of its input
	eval "exec ${PYH[1]}>&-"
	wait_bounded "$PYH_PID" 10
	ip link del rss0
	ip netns del rsssrc
	rm -rf "$work"
	exit $failed
}
