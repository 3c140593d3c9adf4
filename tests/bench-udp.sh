#!/bin/sh
# make bench, inside the VM: UDP from the host into e1000e $1, a NIC with
# one RX queue (the tap NIC of vm.sh -T; the host sends, tests/udpsend.c,
# so the VM's CPUs only receive; its interrupts on CPU 0), delivered to
# a socket per CPU (tests/udpsink.c), under each way of spreading a
# one-queue NIC's traffic over CPUs: none, RPS, RPS with RFS, the
# software-RSS tool, xdp-bench.  Appends its tables to $2, and their
# data, for plots, to $3/udp.dat and $3/udp-flows.dat.
#
# Every row gets the same paced stream (SWRSS_BENCH_UDP_RATE datagrams/s
# over 256 flows of one address pair, default 120000: more than one CPU
# of the VM takes to sockets here) twice, the rows taking turns, and reports
# the mean of the two runs, marked where they differ by over 10%.
# Delivered is what reached the sockets (Udp InDatagrams), loss what the
# host sent and no socket got: of it, what the host's tap dropped (QEMU,
# sharing the host's CPUs with the vCPUs, did not read it in time) and
# what the sockets dropped (their reader starved, Udp RcvbufErrors); the
# rest was lost in the VM on the way (NIC ring, cpumap or RPS queue).  A
# CPU's cost is its busy time (user, system, irq, softirq) over the
# datagrams delivered.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib-guest.sh"
TOOL=$top/build/linux/samples/bpf/xdp_redirect_cpu
dev=$1 out=$2 dat=$3
secs=${SWRSS_BENCH_SECS:-6}
rate=${SWRSS_BENCH_UDP_RATE:-120000}
addr=10.201.0.1 port=9000
q=/sys/class/net/$dev/queues/rx-0
ncpu=$(nproc)

ip addr replace $addr/24 dev "$dev"
ip link set "$dev" up
wait_carrier "$dev"
udp_sink_start "$top/build/bin/udpsink" $port

# RPS over CPUs (hex mask) $1, with the NIC's hash $2 (on/off), and RFS
# with $3 entries (0: off)
rps() {
	echo "$1" > "$q/rps_cpus"
	sysctl -qw net.core.rps_sock_flow_entries="$3"
	echo "$3" > "$q/rps_flow_cnt"
	if ! ethtool -k "$dev" | grep -q "receive-hashing: $2"; then
		ethtool -K "$dev" rxhash "$2"
		wait_carrier "$dev"
	fi
}
# Steering $1 on, from none: "none", "rps-nic-hash", "rps" (rxhash off:
# the flow dissector's hash), "rps+rfs", "swrss", "xdp-bench"; "off"
# ends the XDP ones.  The names label make bench's plots.
steer() {
	case $1 in
	none) rps 0 on 0 ;;
	rps-nic-hash) rps "$(printf %x $(((1 << ncpu) - 1)))" on 0 ;;
	rps) rps "$(printf %x $(((1 << ncpu) - 1)))" off 0 ;;
	rps+rfs) rps "$(printf %x $(((1 << ncpu) - 1)))" off 32768 ;;
	swrss | xdp-bench)
		rps 0 on 0
		if [ "$1" = swrss ]; then
			"$TOOL" -d "$dev" -p hash -r pass -i 1 > /tmp/steer.log 2>&1 &
		else
			xdp-bench redirect-cpu $(seq -f '-c %g' 0 $((ncpu - 1))) \
				-p l4-hash -r pass -i 1 "$dev" > /tmp/steer.log 2>&1 &
		fi
		xdp=$!
		wait_xdp_attached "$dev" $xdp
		wait_carrier "$dev"
		;;
	off)
		kill -INT $xdp
		wait $xdp
		wait_carrier "$dev"
		;;
	esac
	# the link is up; let the first frames after a reset go by
	sleep 1
}
names() {
	case $1 in
	none) echo "no steering (all on CPU 0)" ;;
	rps-nic-hash) echo "RPS, the NIC's hash" ;;
	rps) echo "RPS, rxhash off (software hash)" ;;
	rps+rfs) echo "RPS + RFS, rxhash off" ;;
	swrss) echo "xdp_redirect_cpu -p hash -r pass" ;;
	xdp-bench) echo "xdp-bench redirect-cpu -p l4-hash -r pass" ;;
	esac
}

# One run of $1 flows of $2-byte datagrams: "delivered/s loss%
# lost-before-the-VM% lost-at-sockets%" (of what the host sent), then,
# per CPU, "busy% ns-per-delivered-datagram"; and, in /tmp/softnet.delta,
# what each CPU's stack processed.  The host answers with what it sent
# and what its tap dropped (QEMU did not read it in time).
measure() {
	a=$(udp_cpu_counters) s=$(softnet_processed)
	sent=$(host_run udp $addr $port "$1" "$2" "$rate" "$secs")
	sleep 0.5
	b=$(udp_cpu_counters) t=$(softnet_processed)
	echo "$s $t" | awk '{ n = NF / 2; for (i = 1; i <= n; i++) printf "%d ", $(n + i) - $i; print "" }' > /tmp/softnet.delta
	set -- $sent 0 0
	echo "$1 $2 $a $b" | awk -v secs="$secs" -v hz="$(getconf CLK_TCK)" '{
		n = (NF - 2) / 2; cpus = (n - 2) / 2; sent = $1 ? $1 : 1
		del = $(n + 3) - $3; drop = $(n + 4) - $4
		printf "%d %.1f %.1f %.1f", del / secs, 100 * ($1 - del) / sent,
			100 * $2 / sent, 100 * drop / sent
		for (i = 0; i < cpus; i++) {
			busy = $(n + 5 + 2 * i) - $(5 + 2 * i)
			total = $(n + 6 + 2 * i) - $(6 + 2 * i)
			printf " %.0f %.0f", total ? 100 * busy / total : 0,
				del ? busy * 1e9 / hz / del : 0
		}
		print ""
	}'
}

modes="none rps-nic-hash rps rps+rfs swrss xdp-bench"
: > /tmp/udp.1
: > /tmp/udp.2
: > "$dat/udp.dat"
for size in 64 512 1472; do
	for run in 1 2; do
		for m in $modes; do
			steer $m
			echo "$size $m $(measure 256 $size)" >> /tmp/udp.$run
			case $m in swrss | xdp-bench) steer off ;; esac
		done
	done
done
steer none
# The table of frame size $1: the two runs' mean, ratios to RPS with the
# software hash (the RPS a one-queue NIC without a usable hash gets)
{
	bench_caption "UDP from the host to a socket per CPU, $rate datagrams/s sent over 256 flows of one address pair" \
		"2 runs of $secs s a row (mean; (varies): the runs differ by over 10%)"
	for size in 64 512 1472; do
		echo
		echo "$size-byte payload"
		echo
		printf '| steering | delivered/s | ratio to RPS | loss | lost before the VM | lost at sockets |'
		for i in $(seq 0 $((ncpu - 1))); do printf ' CPU %d busy | CPU %d ns/dgram |' "$i" "$i"; done
		echo ' CPU ns/dgram, all | ratio to RPS |'
		printf '|---|---|---|---|---|---|'
		for i in $(seq 0 $((ncpu - 1))); do printf -- '---|---|'; done
		echo '---|---|'
		cat /tmp/udp.1 /tmp/udp.2 | awk -v size="$size" -v dat="$dat/udp.dat" -v modes="$modes" -v names="$(for m in $modes; do printf '%s;' "$(names $m)"; done)" '
			$1 == size {
				m = $2; k = ++runs[m]
				for (i = 3; i <= NF; i++) v[m, i] += $i
				if (k == 1) first[m] = $3
				else if (first[m] && ($3 > 1.1 * first[m] || $3 < first[m] / 1.1 || (!$3 && first[m]))) varies[m] = 1
				nf = NF
			}
			END {
				nms = split(modes, ms, " "); split(names, nm, ";")
				for (j = 1; j <= nms; j++) {
					m = ms[j]
					for (i = 3; i <= nf; i++) v[m, i] /= runs[m]
					cost[m] = 0
					for (i = 8; i <= nf; i += 2) cost[m] += v[m, i]
				}
				r = v["rps", 3]; c = cost["rps"]
				for (j = 1; j <= nms; j++) {
					m = ms[j]
					printf "| %s | %d%s | %.2f | %.1f%% | %.1f%% | %.1f%% |", nm[j], v[m, 3],
						(varies[m] ? " (varies)" : ""), r ? v[m, 3] / r : 0, v[m, 4], v[m, 5], v[m, 6]
					for (i = 7; i <= nf; i += 2) printf " %d%% | %d |", v[m, i], v[m, i + 1]
					printf " %d | %.2f |\n", cost[m], c ? cost[m] / c : 0
					printf "%s %s %d %.1f %.1f %.1f", size, m, v[m, 3], v[m, 4], v[m, 5], v[m, 6] >> dat
					for (i = 7; i <= nf; i += 2) printf " %d %d", v[m, i], v[m, i + 1] >> dat
					printf "\n" >> dat
				}
			}'
	done
} >> "$out"

# How the spread holds with the number of flows (one address pair,
# 64-byte payload): delivered/s and the imbalance of the stack's work
# over CPUs (max/mean of softnet_stat's processed), two runs each.
: > /tmp/flows.1
: > /tmp/flows.2
for run in 1 2; do
	for flows in 1 16 256 4096 65536; do
		for m in rps swrss xdp-bench; do
			steer $m
			set -- $(measure $flows 64)
			echo "$flows $m $1 $(awk '{ for (i = 1; i <= NF; i++) { t += $i; if ($i > m) m = $i }
				printf "%.2f", t ? m * NF / t : 0 }' /tmp/softnet.delta)" >> /tmp/flows.$run
			case $m in swrss | xdp-bench) steer off ;; esac
		done
		steer none
	done
done
{
	bench_caption "Flows of one address pair, 64-byte payload, $rate datagrams/s sent: delivered/s and imbalance (max/mean over CPUs of the packets each CPU's stack processed; 1.00 is even, $ncpu.00 all on one CPU).  xdp-bench's l4-hash hashes the address pair only." \
		"2 runs of $secs s a cell (mean; (varies): the runs' rates differ by over 10%)"
	echo "| flows | RPS, rxhash off: delivered/s | imbalance | xdp_redirect_cpu -p hash | imbalance | xdp-bench -p l4-hash | imbalance |"
	echo "|---|---|---|---|---|---|---|"
} >> "$out"
cat /tmp/flows.1 /tmp/flows.2 | awk -v dat="$dat/udp-flows.dat" '
	{
		k = $1 SUBSEP $2
		if (!(k in r)) { r[k] = $3; im[k] = $4; if (!seen[$1]++) f[++nf] = $1; next }
		if ($3 > 1.1 * r[k] || $3 < r[k] / 1.1) varies[k] = 1
		r[k] = (r[k] + $3) / 2; im[k] = (im[k] + $4) / 2
	}
	END {
		split("rps swrss xdp-bench", ms, " ")
		for (i = 1; i <= nf; i++) {
			printf "| %d |", f[i]
			printf "%d", f[i] > dat
			for (j = 1; j <= 3; j++) {
				k = f[i] SUBSEP ms[j]
				printf " %d%s | %.2f |", r[k], (varies[k] ? " (varies)" : ""), im[k]
				printf " %d %.2f", r[k], im[k] > dat
			}
			printf "\n"
			printf "\n" > dat
		}
	}' >> "$out"
kill $sinkpid
wait $sinkpid
