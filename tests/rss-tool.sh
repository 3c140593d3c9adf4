#!/bin/bash
# The software-RSS tool (samples/bpf/xdp_redirect_cpu) on real traffic, in
# the VM: frames from tests/flowgen.py on a veth, sent from CPU 0 in
# namespace rsssrc to rss0, where the tool is attached. TAP on stdout.
# Usage: rss-tool.sh XDP_REDIRECT_CPU (the tool's binary)
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
TOOL=${1:?the xdp_redirect_cpu binary}
VECTORS=$top/tests/data/rss-toeplitz-vectors.tsv
. "$top/tests/lib-rss-tool.sh"

# --- The Toeplitz hash against the Microsoft verification suite, through
# BPF_PROG_TEST_RUN on the loaded program (4-tuple as TCP, 2-tuple as ICMP).
vector_args=() vec_want=()
while IFS=$'\t' read -r fam src sport dst dport h2 h4; do
	case $fam in ipv4|ipv6) ;; *) continue ;; esac
	vector_args+=(--flow "tcp,$src,$dst,$sport,$dport" --flow "icmp,$src,$dst")
	vec_want+=("$h4" "$h2")
done < "$VECTORS"
mapfile -t vec_got < <("$TOOL" -j "${vector_args[@]}" | jq -r '.flow + " " + .hash')
vector_errors=
for i in "${!vec_want[@]}"; do
	[ "${vec_got[i]#* }" = "${vec_want[i]}" ] || vector_errors="$vector_errors ${vec_got[i]:-?} (want ${vec_want[i]})"
done
rows=$(grep -cE '^ipv[46]' "$VECTORS")
check toeplitz-verification-suite "mismatches:$vector_errors" \
	test -z "$vector_errors" -a "$rows" -ge 8 -a "${#vec_got[@]}" = $((rows * 2))

# --- round-robin: exactly even over the CPUs
start_tool -p round-robin -c 0-1
gen --flows 1 --count 2000
finish_tool 2000
jvals 'cpu(0)["kthread"] == 1000 and cpu(1)["kthread"] == 1000 and total["rx"] == 2000' \
	'[handled({"cpus":[cpu(0)]}), handled({"cpus":[cpu(1)]})]' 'total["rx"]'
check round-robin-exactly-even "per CPU: ${J[1]}, rx ${J[2]}" test "${J[0]}" = True

# --- cpu: all on one CPU
start_tool -p cpu -c 1
gen --flows 8 --count 100
finish_tool 800
jvals 'cpu(1)["kthread"] == 800 and cpu(0).get("kthread", 0) == 0' \
	'cpu(0).get("kthread", 0)' 'cpu(1)["kthread"]'
check cpu-mode-one-cpu "cpu0 ${J[1]} cpu1 ${J[2]}" test "${J[0]}" = True

# --- proto: TCP and other to the first CPU, UDP to the second
start_tool -p proto -c 0,1
gen --proto tcp --flows 3 --count 100
gen --proto udp --flows 7 --count 100
gen --proto icmp --flows 1 --count 100
finish_tool 1100
jvals 'cpu(0)["kthread"]' 'cpu(1)["kthread"]'
check proto-mode-separates "cpu0 ${J[0]} (want 400), cpu1 ${J[1]} (want 700)" \
	test "${J[0]} ${J[1]}" = "400 700"

# --- hash: every flow stays on its CPU (its frames all counted there)
hash_flows_check hash-flows-stay-on-their-cpu 2

# --- hash: 256 flows of one IP pair spread within 15% of the mean
start_tool -p hash -c 0-1
gen --flows 256 --count 4
finish_tool 1024
jvals 'max(c["kthread"] for c in total["cpus"]) * 2 / 1024 <= 1.15 and cpus_sum("kthread") == 1024' \
	'round(max(c["kthread"] for c in total["cpus"]) * 2 / 1024, 3)'
check hash-imbalance-256-flows "max/mean ${J[1]}" test "${J[0]}" = True

# --- hash on the wire, beyond plain IPv4: VLAN tags in the frame (one,
# and 802.1ad + 802.1Q), PPPoE sessions (IPv4 and IPv6 inside), IPv6,
# and IPv4 first fragments (their addresses only, as NICs hash them).
# One tool run; each kind's per-CPU counts must equal what the program
# says of each flow, asked with the flow's own (inner) tuple: fragments
# all land on one CPU, the others on both.
start_tool -p hash -c 0-1
sent=0 prev="0 0"
v6="--src 2001:db8::2 --dst 2001:db8::1"
for kind in "vlan:--vlan 100" "qinq:--vlan 100 --vlan 200" "pppoe:--pppoe 7" \
	"pppoe-ipv6:--pppoe 7 $v6" "ipv6:$v6" "fragments:--fragment"; do
	name=${kind%%:*}
	read -ra kargs <<< "${kind#*:}"
	py flowgen rss1 --dst-mac "$dut_mac" --flows 64 --ramp "${kargs[@]}" --print-flows > "$work/kflows"
	# shellcheck disable=SC2046
	"$TOOL" -c 0-1 -j $(awk '{printf " --flow %s", $1}' "$work/kflows") > "$work/kquery"
	expect=$(paste -d' ' "$work/kflows" <(jq -r .cpu "$work/kquery") |
		awk '{c[$3] += $2} END {printf "%d %d", c[0], c[1]}')
	gen --flows 64 --ramp "${kargs[@]}"
	sent=$((sent + $(awk '{s += $2} END {print s}' "$work/kflows")))
	wait_handled "$sent"
	nap 0.6	# the next stats line has them all
	jvals 'cpu(0, stats[-1]).get("kthread", 0)' 'cpu(1, stats[-1]).get("kthread", 0)'
	got="$((J[0] - ${prev% *})) $((J[1] - ${prev#* }))"
	prev="${J[0]} ${J[1]}"
	case $name in
	fragments) spread=$([ "${expect% *}" = 0 ] || [ "${expect#* }" = 0 ] && echo ok) ;;
	*) spread=$([ "${expect% *}" != 0 ] && [ "${expect#* }" != 0 ] && echo ok) ;;
	esac
	check "hash-$name-flows-on-their-cpus" "per CPU got $got, the flows' CPUs say $expect" \
		test "$got" = "$expect" -a "$spread" = ok
done
kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30

# --- a VLAN tag the NIC stripped (veth passes a VLAN device's tag out of
# band, as NICs that strip tags do) reaches the remote skb: the frames
# arrive at the VLAN device, not at the bare one.  With static
# neighbours, so that no ARP through the cpumap is needed.
# vlan_through_cpumap DEV NS PEER: pings from PEER.100 in namespace NS to
# DEV.100 through the tool on DEV; "received-on-DEV.100 replies"
vlan_through_cpumap() {
	local dev=$1 ns=$2 peer=$3 a b
	ip link add link "$dev" name "$dev.100" type vlan id 100
	ip -n "$ns" link add link "$peer" name "$peer.100" type vlan id 100
	sysctl -qw "net.ipv6.conf.$dev/100.disable_ipv6=1"
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$peer/100.disable_ipv6=1"
	ip addr add 10.100.0.1/24 dev "$dev.100"
	ip -n "$ns" addr add 10.100.0.2/24 dev "$peer.100"
	ip link set "$dev.100" up
	ip -n "$ns" link set "$peer.100" up
	ip neigh add 10.100.0.2 dev "$dev.100" lladdr "$(ip -n "$ns" -br link show "$peer" | awk '{print $3}')"
	ip -n "$ns" neigh add 10.100.0.1 dev "$peer.100" lladdr "$(ip -br link show "$dev" | awk '{print $3}')"
	a=$(cat "/sys/class/net/$dev.100/statistics/rx_packets")
	b=$(ip netns exec "$ns" ping -n -q -c 50 -i 0.05 -W 2 10.100.0.1 |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	echo "$(($(cat "/sys/class/net/$dev.100/statistics/rx_packets") - a)) ${b:-0}"
	ip link del "$dev.100"
	ip -n "$ns" link del "$peer.100"
}
# vlan_check NAME DEV NS PEER: vlan_through_cpumap with the tool on DEV
vlan_check() {
	local vrx vping
	start_tool -p hash -c 0-1 -r pass -d "$2"
	[ "$2" = rss0 ] || wait_carrier "$2" "$3" "$4"
	read -r vrx vping < <(vlan_through_cpumap "$2" "$3" "$4")
	kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
	jvals 'cpus_sum("kthread")'
	check "$1" "$2.100 received $vrx of 50 pings, $vping replies; the kthreads handled ${J[0]}" \
		test "${vrx:-0}" -ge 50 -a "${vping:-0}" = 50 -a "${J[0]}" -ge 50
}
vlan_check vlan-tag-kept-through-cpumap rss0 rsssrc rss1

# --- symmetric: reversed tuples on the same CPU (and hash); without it
# they are not, or the test could not tell.
sym_args=''
rev_args=''
for i in $(seq 0 31); do
	s4=10.$i.1.$((i * 7 % 250 + 1)) d4=192.0.2.$((i * 13 % 250 + 1))
	s6=2001:db8:$i::1 d6=2001:db8:ff::$((i + 2))
	sp=$((1024 + i * 977)) dp=$((80 + i))
	sym_args="$sym_args --flow tcp,$s4,$d4,$sp,$dp --flow udp,$s6,$d6,$sp,$dp --flow icmp,$s4,$d4"
	rev_args="$rev_args --flow tcp,$d4,$s4,$dp,$sp --flow udp,$d6,$s6,$dp,$sp --flow icmp,$d4,$s4"
done
# shellcheck disable=SC2086
sym_same=$(paste <("$TOOL" --symmetric -j $sym_args | jq -r .hash) <("$TOOL" --symmetric -j $rev_args | jq -r .hash) |
	awk '$1 == $2' | wc -l)
# shellcheck disable=SC2086
plain_same=$(paste <("$TOOL" -j $sym_args | jq -r .hash) <("$TOOL" -j $rev_args | jq -r .hash) |
	awk '$1 == $2' | wc -l)
check symmetric-mode "symmetric: $sym_same of 96 reversed tuples hash alike; plain: $plain_same" \
	test "$sym_same" = 96 -a "$plain_same" -lt 96

# --- hw: veth gives its skb hash through the rx_hash kfunc
start_tool -p hw -c 0-1
gen --flows 64 --count 8
finish_tool 512
jvals 'total["hw_hash"] == 512 and total["sw_hash"] == 0 and cpus_sum("kthread") == 512' \
	'total["hw_hash"]' 'total["sw_hash"]'
check hw-mode-uses-driver-hash "hw_hash ${J[1]} sw_hash ${J[2]}" test "${J[0]}" = True

# --- remote programs. drop: counted, nothing reaches a socket.
# udp_sink SECS READY: count datagrams to port 9 until SECS pass without
# one; READY is created once the socket is bound. The receive buffer holds
# every datagram of a run, so a slow reader cannot lose any.
udp_sink() { python3 - "$@" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
s.bind(("10.200.0.1", 9))
s.settimeout(float(sys.argv[1]))
open(sys.argv[2], "w").close()
n = bad = 0
try:
    while True:
        d = s.recv(2048)
        n += 1
        bad += not d.endswith(b"swrss-flowgen.....")
except socket.timeout:
    pass
print(n, bad)
EOF
}
# the UDP counters that tell where datagrams were lost, as "name=value ..."
udp_errors() {
	nstat -az UdpNoPorts UdpInErrors UdpRcvbufErrors | awk 'NR > 1 {printf "%s=%s ", $1, $2}'
}
# remote_run PROG: 800 datagrams through the tool with remote program
# PROG, while a socket on the DUT counts what reaches it into $work/sink
remote_run() {
	start_tool -p hash -r "$1"
	rm -f "$work/bound"
	udp_sink 8 "$work/bound" > "$work/sink" &
	sink=$!
	# a Python start: 12 s and more on the debug kernel
	for _ in $(seq 1200); do [ -e "$work/bound" ] && break; nap 0.1; done
	gen --flows 16 --count 50
	finish_tool 800
	wait_bounded $sink 60
}
remote_run drop
jvals 'cpus_sum("drop")' 'cpus_sum("pass")'
check remote-drop "drop ${J[0]} pass ${J[1]}, socket got $(cat "$work/sink")" \
	test "${J[0]} ${J[1]}" = "800 0" -a "$(cut -d' ' -f1 "$work/sink")" = 0

# pass: counted, and every datagram reaches the socket intact
remote_run pass
jvals 'cpus_sum("pass") == 800 and cpu(0)["pass"] > 0 and cpu(1)["pass"] > 0' \
	'[cpu(0)["pass"], cpu(1)["pass"]]'
check remote-pass "pass per CPU ${J[1]}, socket got (count, bad) $(cat "$work/sink"), UDP $(udp_errors)" \
	test "${J[0]}" = True -a "$(cat "$work/sink")" = "800 0"

# redirect: through a devmap out of another veth, received by its peer
# (GRO on gives the peer the NAPI that XDP frames need)
rx_of() { ip -n rssdst -s link show rsr1 | awk '/RX:/ {getline; print $2}'; }
ip netns add rssdst
ip link add rsr0 type veth peer name rsr1 netns rssdst
ip link set rsr0 up
ip -n rssdst link set rsr1 up
ip netns exec rssdst ethtool -K rsr1 gro on >/dev/null
before=$(rx_of)
start_tool -p hash -r redirect -R rsr0
gen --flows 16 --count 50
finish_tool 800
after=$(rx_of)
jvals 'cpus_sum("redirect")'
check remote-redirect "redirect ${J[0]}, peer rx $before -> $after" \
	test "${J[0]}" = 800 -a "$((after - before))" -ge 800
ip link del rsr0
ip netns del rssdst

# --- rebalance: a 3:1 table makes CPU 0 hot; buckets move until the load
# is even, moving no more than needed (a third of the table at most).
# The table moves on one interval's counts, so intervals long enough for
# counts above the noise: 16 s ones take 2500 to 4500 frames from the
# debug kernel (150 to 280 a second; pktgen's 2000 a second are not
# reached there), and 1000 make a rebalance.  Remote CPUs drop what they
# get: the stack's work is no part of this test.  Traffic until a whole
# interval has passed since the last move, 5 min at most.
start_tool -p hash -c 0-1 -w 3,1 --rebalance -i 16 -r drop
paced 256 300 'len(settled("rebalance", 100)) >= 1'
kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
jvals 'sum(e["moved"] for e in events("rebalance"))' \
	'events("rebalance")[0]["imbalance_before"] if events("rebalance") else 0' \
	'len(settled("rebalance", 100))' \
	'round(imbalance(settled("rebalance", 100), "enqueue_pps"), 3)' \
	'max([s["rx_pps"] for s in stats] or [0])'
moved=${J[0]} first=${J[1]} settled=${J[2]} imb=${J[3]}
echo "# moved $moved buckets; imbalance $first, then $imb over $settled intervals (at most ${J[4]} frames/s)"
check rebalance-moves-load "see above" \
	awk -v s="$settled" -v m="$moved" -v f="$first" -v i="$imb" 'BEGIN {
		n = "^[0-9]+([.][0-9]+)?$"	# a number, not an error message
		exit !(s ~ n && m ~ n && f ~ n && i ~ n &&
		       s + 0 > 0 && m + 0 > 0 && m + 0 <= 43 && f + 0 > 1.3 && i + 0 <= 1.15)
	}'

# --- autoscale: one CPU when idle, two under load, one again after;
# the fewest buckets move: half of the 128 to the second CPU, and back
autoscale_check autoscale-grows-and-shrinks autoscale-moves-the-fewest-buckets 1 1 64 64

# --- --quiet: no statistics, while autoscale still acts, at its own
# --control-interval
start_tool -p hash -c 0-1 --autoscale --scale-up 100 --scale-down 10 --scale-hold 1 \
	--control-interval 0.5 --quiet
paced 64 90 'bool(events("autoscale"))'
kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
jvals 'len(events("autoscale"))' 'len(stats)' 'bool(total)' 'len(events("features"))'
check quiet-keeps-events-only "autoscale events ${J[0]}, stats lines ${J[1]}, totals ${J[2]}, features ${J[3]}" \
	test "${J[0]}" -ge 1 -a "${J[1]}" = 0 -a "${J[2]}" = True -a "${J[3]}" = 1

# --- CPU hotplug: CPU 1 goes offline under traffic, then comes back.
# Its buckets (64 of 128) go to CPU 0 and come back; every frame the
# program steered is handled (the remote program drops it) or dropped
# at a full ring, none lost; CPU 1 handles frames again at the end.
if [ -w /sys/devices/system/cpu/cpu1/online ]; then
	start_tool -p hash -c 0-1 -r drop
	(
		nap 3
		echo 0 > /sys/devices/system/cpu/cpu1/online
		nap 4
		echo 1 > /sys/devices/system/cpu/cpu1/online
	) &
	plug=$!
	paced 64 120 'len(events("hotplug")) >= 2 and any(cpu(1, s).get("kthread_pps", 0) > 0 for s in stats if s["time"] > events("hotplug")[1]["time"] + 1)'
	wait "$plug"
	echo 1 > /sys/devices/system/cpu/cpu1/online 2>/dev/null
	kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
	jvals '[(e["what"], e["active"], e["moved"]) for e in events("hotplug")]' \
		'[(e["what"], e["active"], e["moved"]) for e in events("hotplug")] == [("cpu 1 offline", [0], 64), ("cpu 1 online", [0, 1], 64)]' \
		'total["rx"]' 'cpus_sum("kthread") + cpus_sum("enqueue_drops")' 'total["no_target"]' \
		'any(cpu(1, s).get("kthread_pps", 0) > 0 for s in stats if s["time"] > events("hotplug")[1]["time"] + 1)'
	check cpu-hotplug-followed "events ${J[0]}; rx ${J[2]}, handled or dropped at a ring ${J[3]}, no target ${J[4]}, CPU 1 busy again: ${J[5]}" \
		test "${J[1]}" = True -a "${J[2]}" = "${J[3]}" -a "${J[4]}" = 0 -a "${J[5]}" = True -a "${J[2]}" -gt 0
else
	echo "ok $((n += 1)) cpu-hotplug-followed # SKIP CPU 1 cannot go offline"
fi

# --- signals: the tool detaches on SIGINT, SIGTERM and SIGHUP, and only
# its own
for sig in INT TERM HUP; do
	start_tool -p hash
	attached=$(xdp_prog_id rss0)
	kill -"$sig" "$tool_pid"
	wait_bounded "$tool_pid" 30
	rc=$?
	check "detach-on-sig$sig" "attached '$attached', exit $rc, XDP program id after '$(xdp_prog_id rss0)'" \
		test -n "$attached" -a "$rc" = 0 -a -z "$(xdp_prog_id rss0)"
done
# and on SIGKILL: the kernel releases the tool's bpf_link with its
# process, and the program goes with it
start_tool -p hash
attached=$(xdp_prog_id rss0)
kill -KILL "$tool_pid"
wait_bounded "$tool_pid" 30
for _ in $(seq 100); do
	[ -z "$(xdp_prog_id rss0)" ] && break
	nap 0.1
done
check detach-on-sigKILL "attached '$attached', XDP program id after '$(xdp_prog_id rss0)'" \
	test -n "$attached" -a -z "$(xdp_prog_id rss0)"
# and on SIGPIPE, when the reader of its output goes: here after the
# first stats line, which the tool prints once attached
rm -f "$work/fifo"
mkfifo "$work/fifo"
sed '/^{"type":"stats"/q' "$work/fifo" > "$work/line" &
"$TOOL" -d rss0 -p hash -j -i 0.5 > "$work/fifo" 2> "$work/err" &
tool_pid=$!
wait_bounded "$tool_pid" 60
rc=$?
check detach-on-sigPIPE "lines read '$(head -c 120 "$work/line")', exit $rc, XDP program id after '$(xdp_prog_id rss0)'" \
	test "$(grep -c '^{"type":"stats"' "$work/line")" = 1 -a "$rc" = 0 -a -z "$(xdp_prog_id rss0)"

# --- pinned (attach, control, status, detach): steering outlives the
# tool; under paced traffic, a controller's restart and a program swap
# (hash on CPU 0 to round-robin on CPUs 0-1 with the remote program
# drop: the swap must create CPU 1's entry and replace CPU 0's) lose no
# frame and keep the link; detach removes everything, and the running
# controller ends by itself.
pins=/sys/fs/bpf/xdp_redirect_cpu
# shellcheck disable=SC2317 # called through check
nothing_left() { no_xdp_left && [ ! -e "$pins" ]; }
# pinned_status: status -j's "attached" line, then its totals, in $work/out
pinned_status() { "$TOOL" status -d rss0 -j > "$work/out"; }
"$TOOL" attach -d rss0 -p hash -c 0 > "$work/attach" 2>&1
rc=$?
prog=$(xdp_prog_id rss0)
pinned_status
jvals 'events("attached")[-1]["link_id"]' 'events("attached")[-1]["prog_id"]' \
	'events("attached")[-1]["program_mode"]'
link=${J[0]} status_prog=${J[1]}
check pinned-attach-exits-and-stays "exit $rc: $(head -c 300 "$work/attach"); XDP program '$prog', status says link '$link' program '$status_prog' mode ${J[2]}; pins: $(find "$pins/rss0" 2>&1 | tr "\n" " ")" \
	test "$rc" = 0 -a -n "$prog" -a "$prog" = "$status_prog" -a "${J[2]}" = hash \
	-a -e "$pins/rss0/link" -a -e "$pins/rss0/cpu_map" -a -e "$pins/rss0/bss"
ip netns exec rsssrc sh -c ". $top/tests/lib-guest.sh
	pktgen_setup rss1 $dut_mac 0 0 2000 64 1"
"$TOOL" control -d rss0 -j -i 0.5 > "$work/ctl1" 2> "$work/ctl1.err" &
ctl1=$!
pktgen_start rsssrc
gen=$!
wait_handled 300 "$work/ctl1"
kill -TERM "$ctl1"
wait_bounded "$ctl1" 30
ctl1_rc=$?
after_ctl1=$(xdp_prog_id rss0)
"$TOOL" control -d rss0 -j -i 0.5 > "$work/ctl2" 2> "$work/ctl2.err" &
ctl2=$!
wait_handled 600 "$work/ctl2"
"$TOOL" control -d rss0 -t 1 > /dev/null 2> "$work/ctl3.err"
ctl3_rc=$?
"$TOOL" attach -d rss0 -p round-robin -c 0-1 -r drop > "$work/attach" 2>&1
swap_rc=$?
swapped=$(xdp_prog_id rss0)
wait_event "$work/ctl2" attach
wait_handled 900 "$work/ctl2"
pktgen_stop rsssrc
wait_bounded "$gen" 30
# shellcheck disable=SC2016 # awk's own $2
sent=$(ip netns exec rsssrc awk '/pkts-sofar/ {print $2}' /proc/net/pktgen/rss1)
ip netns exec rsssrc sh -c ". $top/tests/lib-guest.sh
	pgset kpktgend_0 rem_device_all"
for _ in $(seq 50); do
	pinned_status
	jvals 'handled(events("totals")[-1])'
	[ "${J[0]}" = "$sent" ] && break
	nap 0.2
done
jvals 'events("attached")[-1]["link_id"]' 'events("attached")[-1]["program_mode"]' \
	'events("totals")[-1]["rx"]' 'handled(events("totals")[-1])' \
	'sum(c["enqueue_drops"] + c["kthread_drops"] for c in events("totals")[-1]["cpus"])' \
	'cpu(1, events("totals")[-1]).get("kthread", 0) > 0 and sum(c["drop"] for c in events("totals")[-1]["cpus"]) > 0' \
	'[(c["cpu"], c["kthread"], c["drop"]) for c in events("totals")[-1]["cpus"]]'
check pinned-controller-restart-and-swap-lose-nothing "sent $sent, rx ${J[2]}, handled ${J[3]}, dropped ${J[4]}, CPU 1 and drop verdicts after the swap ${J[5]} (cpu, handled, drop: ${J[6]}); link $link -> ${J[0]}, program $prog -> $swapped (${J[1]}), after the first controller '$after_ctl1' (exit $ctl1_rc); second controller's attach event: $(grep -c '"type":"attach"' "$work/ctl2"); swap exit $swap_rc: $(head -c 200 "$work/attach")" \
	test -n "$sent" -a "$sent" -gt 900 -a "${J[2]}" = "$sent" -a "${J[3]}" = "$sent" \
	-a "${J[4]}" = 0 -a "${J[5]}" = True -a "${J[0]}" = "$link" -a "${J[1]}" = round-robin \
	-a "$ctl1_rc" = 0 -a "$after_ctl1" = "$prog" -a "$swap_rc" = 0 \
	-a -n "$swapped" -a "$swapped" != "$prog" \
	-a "$(grep -c '"type":"attach"' "$work/ctl2")" = 1
check pinned-one-controller "exit $ctl3_rc: $(cat "$work/ctl3.err")" \
	test "$ctl3_rc" = 1 -a "$(grep -c 'rss0: another controller runs' "$work/ctl3.err")" = 1
"$TOOL" -d rss0 > /dev/null 2> "$work/bad.err"
rc=$?
"$TOOL" attach -d rss0 -m skb > /dev/null 2> "$work/bad2.err"
rc2=$?
check bad-input-pinned-already "exit $rc and $rc2: $(cat "$work/bad.err" "$work/bad2.err"); program $swapped -> $(xdp_prog_id rss0)" \
	test "$rc" = 1 -a "$rc2" = 1 -a "$(xdp_prog_id rss0)" = "$swapped" \
	-a "$(grep -c 'steered by a pinned xdp_redirect_cpu' "$work/bad.err")" = 1 \
	-a "$(grep -c 'runs in native mode: detach it to change --mode' "$work/bad2.err")" = 1
"$TOOL" detach -d rss0 > "$work/detach" 2>&1
rc=$?
wait_bounded "$ctl2" 30
ctl2_rc=$?
check pinned-detach-removes-everything "exit $rc: $(cat "$work/detach"); controller exit $ctl2_rc; XDP '$(xdp_prog_id rss0)'; pins: $(find "$pins" 2>&1 | head -c 200)" \
	test "$rc" = 0 -a "$ctl2_rc" = 0 -a -z "$(xdp_prog_id rss0)" -a ! -e "$pins"
check pinned-detach-left-no-program "one of the tool's programs is still loaded" \
	no_xdp_left

# --- pinned, what goes wrong: the device goes away under a pinned
# attachment and its controller (the controller ends; the next attach,
# on a new device of the same name, starts afresh), and an attach that
# died after pinning its maps, before its link (the next attach clears
# its pins and starts afresh)
st_pair() {
	ip link add rsst0 type veth peer name rsst1 &&
		ip link set rsst1 up && ip link set rsst0 up
}
st_pair
"$TOOL" attach -d rsst0 -p hash -c 0-1 > "$work/stale" 2>&1
rc1=$?
"$TOOL" control -d rsst0 -j -i 0.5 > "$work/stale-ctl" 2>&1 &
stctl=$!
for _ in $(seq 100); do
	grep -q '"type":"stats"' "$work/stale-ctl" && break
	nap 0.2
done
ip link del rsst0
wait_bounded "$stctl" 30
rcctl=$?
st_pair
"$TOOL" attach -d rsst0 -p hash -c 0-1 >> "$work/stale" 2>&1
rc2=$?
prog=$(xdp_prog_id rsst0)
rm -f "$pins/rsst0/link"
"$TOOL" attach -d rsst0 -p round-robin -c 0-1 >> "$work/stale" 2>&1
rc3=$?
"$TOOL" status -d rsst0 -j > "$work/out" 2>> "$work/stale"
jvals 'events("attached")[-1]["program_mode"]'
"$TOOL" detach -d rsst0 >> "$work/stale" 2>&1
rc4=$?
ip link del rsst0
check pinned-stale-state-cleared "attach $rc1, controller after the device went $rcctl, attach on the new device $rc2 (program '$prog'), attach after a lost link $rc3 (mode ${J[0]}), detach $rc4: $(head -c 400 "$work/stale"); pins left: $(find "$pins" 2>&1 | head -c 200)" \
	test "$rc1 $rcctl $rc2 $rc3 $rc4" = "0 0 0 0 0" -a -n "$prog" -a "${J[0]}" = round-robin -a ! -e "$pins"

# --- the systemd units' commands as the units give them (the VM runs no
# systemd; make check verifies the units on the host): the unit's start
# attaches, the controller unit's runs with its --quiet and the
# CONTROL_OPTS of a .conf, the reload swaps the program under it, and
# the stop, after the controller's, detaches.
units=$tool_dir
# unit_cmd UNIT KEY: the command line KEY= of UNIT, for rss0, with
# $ATTACH_OPTS and $CONTROL_OPTS split on spaces as systemd splits them,
# in array UC
unit_cmd() {
	local w o line
	UC=()
	read -ra line <<< "$(sed -n "s|^$2=||p" "$units/$1")"
	for w in "${line[@]}"; do
		case $w in
		\$ATTACH_OPTS) read -ra o <<< "$ATTACH_OPTS"; UC+=("${o[@]}") ;;
		\$CONTROL_OPTS) read -ra o <<< "$CONTROL_OPTS"; UC+=("${o[@]}") ;;
		/usr/local/sbin/xdp_redirect_cpu) UC+=("$TOOL") ;;
		*) UC+=("${w//%[iI]/rss0}") ;;
		esac
	done
}
ATTACH_OPTS="-p hash -c 0-1" CONTROL_OPTS="--rebalance --json"
unit_cmd xdp_redirect_cpu@.service ExecStart
"${UC[@]}" > "$work/unit" 2>&1
rc1=$?
p1=$(xdp_prog_id rss0)
unit_cmd xdp_redirect_cpu-control@.service ExecStart
"${UC[@]}" > "$work/unit-ctl" 2>&1 &
uctl=$!
ATTACH_OPTS="-p round-robin -c 0-1"
unit_cmd xdp_redirect_cpu@.service ExecReload
"${UC[@]}" >> "$work/unit" 2>&1
rc2=$?
p2=$(xdp_prog_id rss0)
wait_event "$work/unit-ctl" attach
kill -TERM "$uctl"
wait_bounded "$uctl" 30
rcc=$?
unit_cmd xdp_redirect_cpu@.service ExecStop
"${UC[@]}" >> "$work/unit" 2>&1
rc3=$?
check systemd-unit-commands "start $rc1, reload $rc2, stop $rc3, controller $rcc: $(head -c 300 "$work/unit"); controller: $(head -c 300 "$work/unit-ctl"); program '$p1' -> '$p2' -> '$(xdp_prog_id rss0)'" \
	test "$rc1 $rc2 $rc3 $rcc" = "0 0 0 0" -a -n "$p1" -a -n "$p2" -a "$p1" != "$p2" \
	-a "$(grep -c '"type":"attach"' "$work/unit-ctl")" = 1 \
	-a "$(grep -c '"type":"stats"' "$work/unit-ctl")" = 0 -a -z "$(xdp_prog_id rss0)" -a ! -e "$pins"

# --- bad input: the message and the exit status, then nothing attached
# (a program one left would still be there: checked once, after them all,
# with the tool's only process each: every exec costs seconds on the
# debug kernel).
# bad NAME STATUS REGEX ARGS...
bad() {
	local name=$1 want=$2 re=$3 rc err
	shift 3
	"$TOOL" "$@" > "$work/bad.out" 2> "$work/bad.err"
	rc=$?
	err=$(< "$work/bad.err")
	if [ "$rc" = "$want" ] && [[ $err =~ $re ]]; then
		ok "bad-input-$name"
	else
		not_ok "bad-input-$name" "exit $rc (want $want): ${err:0:300}"
	fi
}
bad unknown-interface 2 "unknown interface 'nosuch0'" -d nosuch0
bad cpu-out-of-range 2 "out of range: this machine has CPUs 0-" -d rss0 -c 0-63
bad cpu-list-malformed 2 "malformed CPU list" -d rss0 -c 1-x
if echo 0 > /sys/devices/system/cpu/cpu1/online; then
	bad cpu-offline 2 "CPU 1 is offline" -d rss0 -c 0-1
	echo 1 > /sys/devices/system/cpu/cpu1/online
else
	echo "ok $((n += 1)) bad-input-cpu-offline # SKIP CPU 1 cannot go offline"
fi
bad qsize-zero 2 "queue size '0' is out of range 1-16384" -d rss0 -q 0
bad qsize-too-big 2 "queue size '16385' is out of range" -d rss0 -q 16385
bad key-short 2 "RSS key has 4 bytes, it needs 40" -d rss0 -k 6d:5a:56:da
bad key-not-hex 2 "malformed RSS key" -d rss0 -k 6d:5a:zz
bad weights-malformed 2 "malformed weights '3,x'" -d rss0 -w 3,x
bad weights-all-zero 2 "give no CPU a share" -d rss0 -w 0,0
bad weights-too-many 2 "3 weights for 2 CPUs" -d rss0 -c 0-1 -w 1,1,1
bad weights-not-hash 2 "need --program-mode hash or hw" -d rss0 -p round-robin -w 1,1
bad mode-unknown 2 "unknown program mode 'rss'" -d rss0 -p rss
bad xdp-mode-unknown 2 "unknown XDP mode 'rss'" -d rss0 -m rss
bad steering-as-xdp-mode 2 "'hash' is a --program-mode" -d rss0 -m hash
bad mode-and-skb-mode 2 "give one of them" -d rss0 -m native -S
bad remote-unknown 2 "unknown remote program 'tx'" -d rss0 -r tx
bad redirect-no-dev 2 "needs --redirect-dev" -d rss0 -r redirect
bad scale-thresholds 2 "must be below --scale-up" -d rss0 --autoscale --scale-up 10 --scale-down 10
bad hw-skb-mode 2 "needs native XDP" -d rss0 -p hw --skb-mode
bad no-native-xdp 1 "lo: the driver has no native XDP support" -d lo
# numbers are decimal; an option comes once (but --flow); options that
# would mean nothing in the combination given are refused, not ignored
bad number-not-decimal 2 "queue size '0x10' is out of range" -d rss0 -q 0x10
bad option-twice 2 "cpu given twice" -d rss0 -c 0 -c 1
bad key-not-hash 2 "key needs --program-mode hash or hw" -d rss0 -p round-robin -k "$(printf '6d%.0s' $(seq 40))"
bad buckets-not-hash 2 "buckets needs --program-mode hash or hw" -d rss0 -p cpu -b 64
bad symmetric-not-hash 2 "symmetric needs --program-mode hash" -d rss0 -p hw --symmetric
bad scale-without-autoscale 2 "scale-up needs --autoscale" -d rss0 --scale-up 5
bad hold-without-rebalance 2 "rebalance-hold needs --rebalance" -d rss0 --rebalance-hold 3
bad control-without-controller 2 "control-interval needs --rebalance or --autoscale" -d rss0 --control-interval 1
bad quiet-with-interval 2 "interval sets how often statistics come" -d rss0 --quiet -i 1
bad attach-option-without-dev 2 "interval needs an interface" -i 1 --flow tcp,10.0.0.1,10.0.0.2,1,2
bad flow-extra-field 2 "malformed flow" --flow 'tcp,10.0.0.1,10.0.0.2,1,2,"'
bad flow-empty-field 2 "malformed flow" --flow tcp,10.0.0.1,,10.0.0.2
# the commands: what each takes, and one that is not there
bad command-unknown 2 "unknown command 'start' \\(attach, status, detach or control\\)" start -d rss0
bad command-without-dev 2 "no interface given" status
bad attach-with-interval 2 "attach takes no --interval" attach -d rss0 -i 1
bad attach-with-force 2 "attach takes no --force" attach -d rss0 -F
bad control-with-cpu 2 "control takes no --cpu" control -d rss0 -c 0
bad status-with-rebalance 2 "status takes no --rebalance" status -d rss0 --rebalance
bad detach-with-json 2 "detach takes no --json" detach -d rss0 -j
bad control-not-attached 1 "rss0: not attached by xdp_redirect_cpu attach" control -d rss0
bad status-not-attached 1 "rss0: not attached by xdp_redirect_cpu attach" status -d rss0
bad detach-not-attached 1 "rss0: nothing pinned by xdp_redirect_cpu attach" detach -d rss0
check bad-input-left-nothing "an XDP program, or one of the tool's, is left after the bad inputs; pins: $(find "$pins" 2>&1 | head -c 200)" \
	nothing_left
"$TOOL" --version > "$work/version" 2>&1
rc=$?
check version "exit $rc: $(head -c 200 "$work/version")" \
	test "$rc" = 0 -a "$(grep -c "^xdp_redirect_cpu [0-9]*\.[0-9]*, running on Linux $(uname -r)\$" "$work/version")" = 1
# A program somebody else attached stays, and the tool says why it
# stops: held by another tool's bpf_link, not even --force replaces it
start_tool -p hash
other=$(xdp_prog_id rss0)
"$TOOL" -d rss0 > /dev/null 2> "$work/bad.err"
rc=$?
"$TOOL" -d rss0 -F > /dev/null 2> "$work/bad2.err"
rc2=$?
now=$(xdp_prog_id rss0)
check bad-input-already-attached "exit $rc and $rc2 (--force), $(cat "$work/bad.err" "$work/bad2.err"), attached: $other -> $now" \
	test "$rc" = 1 -a "$rc2" = 1 -a -n "$other" -a "$other" = "$now" -a \
	"$(cat "$work/bad.err" "$work/bad2.err" | grep -c 'another XDP program is attached, held by a bpf_link')" = 2
kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
# attached through netlink (--force): another run is told to use
# --force, and with it replaces the program; each detaches only its own
start_tool -p hash -F
other=$(xdp_prog_id rss0)
first=$tool_pid
"$TOOL" -d rss0 > /dev/null 2> "$work/bad.err"
rc=$?
mv "$work/out" "$work/out.first"
start_tool -p cpu -F
now=$(xdp_prog_id rss0)
kill -TERM "$first"; wait_bounded "$first" 30
after_first=$(xdp_prog_id rss0)
kill -TERM "$tool_pid"; wait_bounded "$tool_pid" 30
check force-replaces-a-netlink-program "exit $rc: $(cat "$work/bad.err"); attached $other, replaced by $now, after the first's exit $after_first, at the end '$(xdp_prog_id rss0)'" \
	test "$rc" = 1 -a "$(grep -c 'another XDP program is attached (use --force' "$work/bad.err")" = 1 \
	-a -n "$other" -a -n "$now" -a "$now" != "$other" -a "$after_first" = "$now" -a -z "$(xdp_prog_id rss0)"

# --- hw on e1000e (vm.sh -n 2): the NIC's own Toeplitz hash of TCP flows
# must put each flow on the CPU that the tool's software hash, with the
# key the NIC reports (ethtool -x), names for it.
if [ -e /sys/class/net/eth1 ]; then
	nic_pair rsse
	key=$(ethtool -x eth0 | awk '/^RSS hash key:/ { getline; print }')
	# 64 flows whose source ports differ in their low bits: with 1 key
	# in 128 or so, the hash bits that pick the CPU are the same for all
	# of them; then the flows from another port range
	for sport in 10000 20011 33333 47777; do
		eargs="eth1 --proto tcp --dst-mac $(cat /sys/class/net/eth0/address) --flows 64 --ramp --sport $sport"
		# shellcheck disable=SC2086
		py flowgen $eargs --print-flows > "$work/eflows"
		# shellcheck disable=SC2046
		"$TOOL" -c 0-1 -k "$key" -j $(awk '{printf " --flow %s", $1}' "$work/eflows") > "$work/equery"
		expect=$(paste -d' ' "$work/eflows" <(jq -r .cpu "$work/equery") |
			awk '{c[$3] += $2} END {printf "%d %d", c[0], c[1]}')
		[ "${expect% *}" != 0 ] && [ "${expect#* }" != 0 ] && break
	done
	total=$(awk '{s += $2} END {print s}' "$work/eflows")
	"$TOOL" -d eth0 -p hw -k "$key" -c 0-1 -j -i 0.5 > "$work/out" 2> "$work/err" &
	tool_pid=$!
	wait_xdp_attached eth0 "$tool_pid"
	wait_carrier eth0 rsse eth1	# e1000e resets for its first program
	# shellcheck disable=SC2086
	taskset -c 0 ip netns exec rsse python3 "$top/tests/flowgen.py" $eargs > /dev/null
	finish_tool "$total"
	jvals 'cpu(0)["kthread"]' 'cpu(1)["kthread"]' 'total["hw_hash"]' 'total["sw_hash"]'
	got="${J[0]} ${J[1]}"
	check hw-mode-e1000e-toeplitz "hw_hash ${J[2]} sw_hash ${J[3]} of $total; per CPU got $got, the key says $expect" \
		test "${J[2]} ${J[3]}" = "$total 0" \
		-a "$got" = "$expect" -a "${expect% *}" != 0 -a "${expect#* }" != 0
	# e1000e strips the tag into the descriptor, the driver gives it
	# through the rx_vlan_tag kfunc
	vlan_check vlan-tag-kept-through-cpumap-e1000e eth0 rsse eth1
	# pinned: a swap replaces the program in place, where a detach and
	# an attach would reset the port (its carrier goes down and up)
	"$TOOL" attach -d eth0 -p hash -c 0-1 > "$work/attach" 2>&1
	rc=$?
	wait_carrier eth0 rsse eth1
	cc=$(cat /sys/class/net/eth0/carrier_changes)
	p1=$(xdp_prog_id eth0)
	"$TOOL" attach -d eth0 -p round-robin -c 0-1 > "$work/attach2" 2>&1
	rc2=$?
	p2=$(xdp_prog_id eth0)
	nap 1
	cc2=$(cat /sys/class/net/eth0/carrier_changes)
	"$TOOL" detach -d eth0 > "$work/detach" 2>&1
	rc3=$?
	wait_carrier eth0 rsse eth1
	check pinned-swap-keeps-the-e1000e-link "attach exit $rc, swap exit $rc2, detach exit $rc3: $(cat "$work/attach" "$work/attach2" "$work/detach" | head -c 300); program '$p1' -> '$p2' -> '$(xdp_prog_id eth0)'; carrier changes $cc -> $cc2" \
		test "$rc $rc2 $rc3" = "0 0 0" -a -n "$p1" -a -n "$p2" -a "$p1" != "$p2" \
		-a "$cc" = "$cc2" -a -z "$(xdp_prog_id eth0)"
	ip -n rsse link set eth1 netns 1
	ip netns del rsse
else
	not_ok hw-mode-e1000e-toeplitz "the VM has no eth0 and eth1 (vm.sh -n 2)"
	not_ok vlan-tag-kept-through-cpumap-e1000e "the VM has no eth0 and eth1 (vm.sh -n 2)"
	not_ok pinned-swap-keeps-the-e1000e-link "the VM has no eth0 and eth1 (vm.sh -n 2)"
fi

rss_tool_end
