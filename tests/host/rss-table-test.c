// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of the software-RSS tool's steering policy
 * (samples/bpf/xdp_redirect_cpu_table.c in the series): the Toeplitz
 * hash against the Microsoft verification vectors, and how the
 * indirection table is filled, grown, shrunk and rebalanced.  TAP on
 * stdout; exits 1 if a case fails.
 * Usage: rss-table-test VECTORS.tsv
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xdp_redirect_cpu_table.h"

#define B 128

static int failed, ran;

static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d %s\n", ok ? "" : "not ", ++ran, name);
	if (!ok) {
		printf("# ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		failed = 1;
	}
}

static const __u8 ms_key[RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static __u32 lut[RSS_INPUT_LEN][256];

/* The hash of the first @len bytes of @in, as the XDP program takes it
 * from the table: one entry per byte
 */
static __u32 lut_hash(const __u8 *in, int len)
{
	__u32 hash = 0;
	int i;

	for (i = 0; i < len; i++)
		hash ^= lut[i][in[i]];
	return hash;
}

static void test_vectors(const char *path)
{
	char fam[8], src[64], dst[64], line[512];
	unsigned int sport, dport, h2, h4;
	int rows = 0, bad = 0;
	FILE *f = fopen(path, "r");

	rss_toeplitz_lut(ms_key, lut);
	while (f && fgets(line, sizeof(line), f)) {
		__u8 in[RSS_INPUT_LEN] = {};
		int alen, af;
		__u16 p;

		if (sscanf(line, "%7s %63s %u %63s %u %x %x", fam, src, &sport,
			   dst, &dport, &h2, &h4) != 7)
			continue;
		af = strcmp(fam, "ipv6") ? AF_INET : AF_INET6;
		alen = af == AF_INET ? 4 : 16;
		if (inet_pton(af, src, in) != 1 ||
		    inet_pton(af, dst, in + alen) != 1) {
			bad++;
			continue;
		}
		rows++;
		if (lut_hash(in, 2 * alen) != h2)
			bad++;
		p = htons(sport);
		memcpy(in + 2 * alen, &p, 2);
		p = htons(dport);
		memcpy(in + 2 * alen + 2, &p, 2);
		if (lut_hash(in, 2 * alen + 4) != h4)
			bad++;
	}
	if (f)
		fclose(f);
	result(rows >= 8 && !bad, "toeplitz-verification-vectors",
	       "%d rows read from %s, %d hashes wrong", rows, path, bad);
}

/* max - min of the buckets the @n CPUs have */
static unsigned int spread(const __u32 *table, const int *cpus, int n)
{
	unsigned int counts[RSS_MAX_CPUS], lo = B, hi = 0;
	int i;

	rss_table_counts(table, B, counts);
	for (i = 0; i < n; i++) {
		if (counts[cpus[i]] < lo)
			lo = counts[cpus[i]];
		if (counts[cpus[i]] > hi)
			hi = counts[cpus[i]];
	}
	return hi - lo;
}

static void test_fill(void)
{
	static const unsigned int w31[] = { 3, 1 }, w01[] = { 0, 1 };
	static const int cpus[] = { 0, 1, 2 }, two[] = { 4, 7 };
	unsigned int counts[RSS_MAX_CPUS];
	__u32 table[B];
	int b, bad = 0;

	rss_table_fill(table, B, cpus, 3, NULL);
	for (b = 0; b < B; b++)
		bad += table[b] != (__u32)cpus[b % 3];
	result(!bad && spread(table, cpus, 3) == 1, "fill-equal-interleaves",
	       "%d buckets out of turn", bad);

	rss_table_fill(table, B, two, 2, w31);
	rss_table_counts(table, B, counts);
	result(counts[4] == 96 && counts[7] == 32, "fill-weights-3-1",
	       "%u and %u buckets", counts[4], counts[7]);
	rss_table_fill(table, B, two, 2, w01);
	rss_table_counts(table, B, counts);
	result(counts[4] == 0 && counts[7] == B, "fill-weight-0-gets-none",
	       "%u and %u buckets", counts[4], counts[7]);
}

/* Grow from n to n + 1 CPUs and back, for n = 1..7, on an equal table:
 * the fewest moves, only to or from the CPU that comes or goes, and
 * equal shares after.
 */
static void test_grow_shrink(void)
{
	int cpus[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, n, b;
	int bad_moves = 0, bad_between = 0, bad_spread = 0;
	__u32 table[B], before[B];
	char what[256] = "";

	for (n = 1; n < 8; n++) {
		int moved, want = B / (n + 1), changed = 0;

		rss_table_fill(table, B, cpus, n, NULL);
		memcpy(before, table, sizeof(table));
		moved = rss_table_grow(table, B, cpus, n, cpus[n]);
		for (b = 0; b < B; b++) {
			if (table[b] == before[b])
				continue;
			changed++;
			if ((int)table[b] != cpus[n])
				bad_between++;
		}
		if (moved != want || changed != want) {
			bad_moves++;
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 " %d->%d moved %d/%d, want %d;", n, n + 1,
				 moved, changed, want);
		}
		if (spread(table, cpus, n + 1) > 1)
			bad_spread++;
	}
	result(!bad_moves && !bad_between && !bad_spread,
	       "grow-moves-the-fewest-buckets",
	       "%s %d moved between staying CPUs, %d uneven tables", what,
	       bad_between, bad_spread);

	bad_moves = bad_between = bad_spread = 0;
	what[0] = '\0';
	for (n = 2; n <= 8; n++) {
		unsigned int counts[RSS_MAX_CPUS];
		int moved, changed = 0, gone = cpus[n - 1];

		rss_table_fill(table, B, cpus, n, NULL);
		rss_table_counts(table, B, counts);
		memcpy(before, table, sizeof(table));
		moved = rss_table_shrink(table, B, cpus, n - 1, gone);
		for (b = 0; b < B; b++) {
			if (table[b] == before[b])
				continue;
			changed++;
			if ((int)before[b] != gone)
				bad_between++;
		}
		if (moved != (int)counts[gone] || changed != moved) {
			bad_moves++;
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 " %d->%d moved %d/%d, want %u;", n, n - 1,
				 moved, changed, counts[gone]);
		}
		if (spread(table, cpus, n - 1) > 1)
			bad_spread++;
	}
	result(!bad_moves && !bad_between && !bad_spread,
	       "shrink-moves-only-the-leaving-cpus-buckets",
	       "%s %d moved between staying CPUs, %d uneven tables", what,
	       bad_between, bad_spread);

	/* the figures: 2 to 3 CPUs moves 42, 7 to 8 moves 16 */
	rss_table_fill(table, B, cpus, 2, NULL);
	n = rss_table_grow(table, B, cpus, 2, 2);
	rss_table_fill(table, B, cpus, 7, NULL);
	b = rss_table_grow(table, B, cpus, 7, 7);
	result(n == 42 && b == 16, "grow-2-to-3-moves-42-7-to-8-moves-16",
	       "%d and %d", n, b);
	result(rss_table_shrink(table, B, cpus, 0, 0) < 0,
	       "shrink-to-no-cpu-refused", "accepted");
}

/* CPU numbers far above the first 64, up to the last one the tool
 * steers to: filled, grown and shrunk as the low ones (make check
 * builds this test with AddressSanitizer, which catches an array of the
 * policy indexed past its end)
 */
static void test_high_cpus(void)
{
	int cpus[4] = { 70, 513, RSS_MAX_CPUS - 1, 900 };
	unsigned int counts[RSS_MAX_CPUS];
	__u32 table[B];
	int grown, shrunk;

	rss_table_fill(table, B, cpus, 3, NULL);
	grown = rss_table_grow(table, B, cpus, 3, cpus[3]);
	rss_table_counts(table, B, counts);
	result(grown == B / 4 && spread(table, cpus, 4) == 0 &&
	       counts[cpus[3]] == B / 4, "high-cpu-numbers-grow",
	       "moved %d, CPU %d has %u buckets, spread %u", grown, cpus[3],
	       counts[cpus[3]], spread(table, cpus, 4));
	cpus[1] = cpus[3];
	shrunk = rss_table_shrink(table, B, cpus, 3, 513);
	rss_table_counts(table, B, counts);
	result(shrunk == B / 4 && !counts[513] && spread(table, cpus, 3) <= 1,
	       "high-cpu-numbers-shrink", "moved %d, CPU 513 keeps %u, spread %u",
	       shrunk, counts[513], spread(table, cpus, 3));
}

/* A 3:1 table (weights or a rebalance made it) grows to three CPUs:
 * the two keep their ratio.
 */
static void test_grow_keeps_ratio(void)
{
	static const unsigned int w31[] = { 3, 1 };
	static const int cpus[] = { 0, 1, 2 };
	unsigned int counts[RSS_MAX_CPUS];
	__u32 table[B];
	double ratio;
	int moved;

	rss_table_fill(table, B, cpus, 2, w31);
	moved = rss_table_grow(table, B, cpus, 2, 2);
	rss_table_counts(table, B, counts);
	ratio = counts[1] ? (double)counts[0] / counts[1] : 0;
	result(moved == 42 && counts[2] == 42 && fabs(ratio - 3) < 0.2,
	       "grow-keeps-weighted-shares",
	       "moved %d, counts %u/%u/%u", moved, counts[0], counts[1],
	       counts[2]);
}

static unsigned int seed = 1;

static double noise(double amp)
{
	seed = seed * 1103515245 + 12345;
	return 1 + amp * (((seed >> 16) & 0x7fff) / 16383.5 - 1);
}

static void test_rebalance(void)
{
	static const int cpus[] = { 0, 1, 2, 3 };
	double load[B], cpu_load[RSS_MAX_CPUS], before, after;
	int b, moves, again, round, total;
	__u32 table[B];

	/* CPU 0's buckets three times as busy as the others' */
	rss_table_fill(table, B, cpus, 4, NULL);
	for (b = 0; b < B; b++)
		load[b] = table[b] == 0 ? 3000 : 1000;
	rss_cpu_load(table, B, load, cpu_load);
	before = rss_imbalance(cpu_load, cpus, 4);
	moves = rss_table_rebalance(table, B, cpus, 4, load, 0.10);
	rss_cpu_load(table, B, load, cpu_load);
	after = rss_imbalance(cpu_load, cpus, 4);
	again = rss_table_rebalance(table, B, cpus, 4, load, 0.10);
	result(moves > 0 && after <= 1.05 && !again,
	       "rebalance-converges-on-a-skewed-load",
	       "max/mean %.2f -> %.2f in %d moves, then %d more", before,
	       after, moves, again);

	/* an even load within the tolerance: never a move, whatever the
	 * noise of each interval
	 */
	rss_table_fill(table, B, cpus, 4, NULL);
	total = 0;
	for (round = 0; round < 50; round++) {
		for (b = 0; b < B; b++)
			load[b] = 1000 * noise(0.04);
		total += rss_table_rebalance(table, B, cpus, 4, load, 0.10);
	}
	result(!total, "rebalance-leaves-an-even-load-alone",
	       "%d moves over 50 intervals", total);

	/* one bucket carries most of the load: nothing narrows the gap, so
	 * nothing moves, and nothing moves back and forth
	 */
	rss_table_fill(table, B, cpus, 4, NULL);
	for (b = 0; b < B; b++)
		load[b] = b == 5 ? 100000 : 10;
	total = 0;
	for (round = 0; round < 10; round++)
		total += rss_table_rebalance(table, B, cpus, 4, load, 0.10);
	result(total <= 3 * 32, "rebalance-does-not-oscillate-on-one-elephant",
	       "%d moves over 10 intervals", total);

	/* random tables and loads: a rebalance never makes it worse */
	moves = 0;
	for (round = 0; round < 200; round++) {
		for (b = 0; b < B; b++) {
			table[b] = (seed >> 8) % 4;
			load[b] = 1000 * noise(0.9);
		}
		rss_cpu_load(table, B, load, cpu_load);
		before = rss_imbalance(cpu_load, cpus, 4);
		rss_table_rebalance(table, B, cpus, 4, load, 0.10);
		rss_cpu_load(table, B, load, cpu_load);
		after = rss_imbalance(cpu_load, cpus, 4);
		moves += after > before + 1e-9;
	}
	result(!moves, "rebalance-never-worsens", "%d of 200 got worse", moves);
}

static void test_smooth(void)
{
	__u64 delta[B] = {};
	double avg[B];

	delta[0] = 1000;
	rss_smooth(avg, delta, B, 0.25, true);
	delta[0] = 5000;
	rss_smooth(avg, delta, B, 0.25, false);
	result(fabs(avg[0] - 2000) < 1e-9 && avg[1] == 0,
	       "smoothing-moves-a-quarter-of-the-way", "%.1f", avg[0]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s VECTORS.tsv\n", argv[0]);
		return 2;
	}
	test_vectors(argv[1]);
	test_fill();
	test_grow_shrink();
	test_grow_keeps_ratio();
	test_high_cpus();
	test_rebalance();
	test_smooth();
	printf("1..%d\n", ran);
	return failed;
}
