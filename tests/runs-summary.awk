# Runs of one measurement, one a line: "rate peer-rate cost" (packets/s,
# packets/s, ns per packet).  Prints "median-rate median-peer-rate
# median-cost rates spread": the rates as a/b/c, their spread
# (max/min - 1) in %.  Used by tests/bench-e1000e.sh in the guest and by
# scripts/bench.sh on the host.
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : int((a[n / 2] + a[n / 2 + 1]) / 2)
}
{
	r[NR] = $1; p[NR] = $2; c[NR] = $3
	list = list (NR > 1 ? "/" : "") $1
	if (NR == 1 || $1 < lo) lo = $1
	if (NR == 1 || $1 > hi) hi = $1
}
END {
	if (!NR) exit 1
	printf "%d %d %d %s %d\n", median(r, NR), median(p, NR),
		median(c, NR), list, lo ? (hi / lo - 1) * 100 : 0
}
