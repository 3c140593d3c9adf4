#!/bin/sh
# make bench, on the host: the plots of tests/bench-udp.sh's data in
# directory $1, as PNG files beside results.md (gnuplot):
#   udp-rate.png   datagrams delivered per second, per steering and size
#   udp-cpu.png    each CPU's busy time per delivered datagram, per
#                  steering, one panel per size
#   udp-flows.png  imbalance over CPUs against the number of flows
# udp.dat: "size steering delivered/s loss% tap-loss% socket-loss% busy%
# ns/dgram ..." (the last two per CPU); udp-flows.dat: "flows delivered/s imbalance ..." (a pair per
# steering, in bench-udp.sh's order).
set -eu
dir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# make demo's demo.dat: "phase delivered/s lost/s busy%..." (a busy%
# per CPU): demo.png, each CPU's busy share in each phase
if [ -s "$dir/demo.dat" ]; then
	awk '{
		l = $1 == "none" ? "no steering" : $1 == "rps" ? "RPS" : "xdp_redirect_cpu"
		printf "\"%s: %d delivered/s\"", l, $2
		for (i = 4; i <= NF; i++) printf " %d", $i
		print ""
	}' "$dir/demo.dat" > "$tmp/demo"
	cat > "$tmp/demo.gp" <<-EOF
		set terminal pngcairo size 900,450 font ",10"
		set output '$dir/demo.png'
		set title "Each CPU's busy share while the host sends more than one CPU takes"
		set style data histograms
		set style histogram clustered gap 1
		set style fill solid 0.8 border -1
		set grid ytics
		set yrange [0:105]
		set ylabel 'busy %'
		set key top left
		set termoption noenhanced
		plot for [c = 2:$(awk '{ print NF - 2; exit }' "$dir/demo.dat")] '$tmp/demo' using c:xtic(1) title sprintf('CPU %d', c - 2)
	EOF
	gnuplot "$tmp/demo.gp"
fi
[ -s "$dir/udp.dat" ] || exit 0

modes=$(awk '!seen[$2]++ { print $2 }' "$dir/udp.dat")
sizes=$(awk '!seen[$1]++ { print $1 }' "$dir/udp.dat")
ncpu=$(awk '{ print (NF - 6) / 2; exit }' "$dir/udp.dat")

# rates: a line per steering, a column per size
for m in $modes; do
	printf '"%s"' "$m"
	for s in $sizes; do
		awk -v m="$m" -v s="$s" '$1 == s && $2 == m { printf " %d", $3 }' "$dir/udp.dat"
	done
	echo
done > "$tmp/rate"
# costs: a file per size, a line per steering, a column per CPU
for s in $sizes; do
	for m in $modes; do
		printf '"%s"' "$m"
		awk -v m="$m" -v s="$s" '$1 == s && $2 == m {
			for (i = 8; i <= NF; i += 2) printf " %d", $i }' "$dir/udp.dat"
		echo
	done > "$tmp/cost.$s"
done

{
	echo 'set terminal pngcairo size 900,500 font ",10"'
	echo 'set style data histograms'
	echo 'set style fill solid 0.8 border -1'
	echo 'set key top right'
	echo 'set grid ytics'
	echo 'set yrange [0:*]'
	echo "set output '$dir/udp-rate.png'"
	echo "set title 'UDP datagrams delivered to sockets per second (host sender, one-queue e1000e)'"
	echo 'set style histogram clustered gap 1'
	echo 'set ylabel "datagrams/s"'
	printf 'plot '
	i=2
	for s in $sizes; do
		[ $i = 2 ] || printf ', '
		printf "'%s' using %d:xtic(1) title '%s-byte payload'" "$tmp/rate" $i "$s"
		i=$((i + 1))
	done
	echo
	echo "set output '$dir/udp-cpu.png'"
	echo 'set terminal pngcairo size 1200,450 font ",10"'
	echo 'set style histogram rowstacked gap 1'
	echo 'set key top left'
	echo 'set xtics rotate by -30'
	echo "set multiplot layout 1,$(echo "$sizes" | wc -w) title 'busy CPU time per delivered datagram, stacked by CPU'"
	echo 'set ylabel "ns per datagram"'
	for s in $sizes; do
		echo "set title '$s-byte payload'"
		printf 'plot '
		for c in $(seq 0 $((ncpu - 1))); do
			[ "$c" = 0 ] || printf ', '
			printf "'%s' using %d:xtic(1) title 'CPU %d'" "$tmp/cost.$s" $((c + 2)) "$c"
		done
		echo
	done
	echo 'unset multiplot'
	if [ -s "$dir/udp-flows.dat" ]; then
		echo 'set terminal pngcairo size 800,450 font ",10"'
		echo "set output '$dir/udp-flows.png'"
		echo "set title 'Imbalance over CPUs (max/mean of the stack work per CPU) by flow count, one address pair'"
		echo 'set style data linespoints'
		echo 'set logscale x'
		echo 'set xtics norotate'
		echo 'set xlabel "flows"'
		echo "set ylabel 'imbalance (1 = even, $ncpu = all on one CPU)'"
		echo "set yrange [0.9:$ncpu.1]"
		echo "plot '$dir/udp-flows.dat' using 1:3 title 'RPS (software hash)', '' using 1:5 title 'swrss hash', '' using 1:7 title 'xdp-bench l4-hash'"
	fi
} > "$tmp/plot.gp"
gnuplot "$tmp/plot.gp"
