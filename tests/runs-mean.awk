# Rows measured in several runs, one line a row and run:
# "NAME<TAB>v1 v2 ...", the runs of a row in any order among the others.
# Prints, for each NAME in the order first seen, one line
# "NAME<TAB>mean-v1 mean-v2 ...<TAB>MARK<TAB>RUNS": the means over the
# runs (a value below 0, "none", stays -1), MARK "(varies)" when v1's
# runs differ by over 10% (max/min; one of them 0 and the other not
# counts), else "-" (no field is empty: shells split on runs of tabs),
# and RUNS v1 of each run as a/b.  Used by
# make bench's tables (tests/bench-guest.sh, tests/bench-tcp.sh).
BEGIN { FS = "\t" }
{
	if (!($1 in runs)) order[++rows] = $1
	k = ++runs[$1]
	n = split($2, v, " ")
	nf[$1] = n
	for (i = 1; i <= n; i++) {
		if (v[i] < 0) none[$1, i] = 1
		sum[$1, i] += v[i]
	}
	list[$1] = list[$1] (k > 1 ? "/" : "") v[1]
	if (k == 1 || v[1] < lo[$1]) lo[$1] = v[1]
	if (k == 1 || v[1] > hi[$1]) hi[$1] = v[1]
}
END {
	for (r = 1; r <= rows; r++) {
		name = order[r]
		line = ""
		for (i = 1; i <= nf[name]; i++) {
			m = none[name, i] ? -1 : sum[name, i] / runs[name]
			line = line (i > 1 ? " " : "") (m == int(m) ? m : sprintf("%.2f", m))
		}
		varies = hi[name] > 1.1 * lo[name] || (lo[name] == 0 && hi[name] > 0)
		printf "%s\t%s\t%s\t%s\n", name, line, varies ? "(varies)" : "-", list[name]
	}
}
