// SPDX-License-Identifier: GPL-2.0
/*
 * udpsend: paced UDP from the host to the VM for make bench.
 *
 *   udpsend ADDR PORT FLOWS PAYLOAD RATE SECONDS
 *
 * Sends RATE datagrams per second for SECONDS seconds to ADDR:PORT, each
 * carrying PAYLOAD bytes, the source port going round FLOWS values from
 * 1024 (one address pair, FLOWS flows).  A raw IPPROTO_UDP socket writes
 * the UDP header, so any number of flows needs one socket; the UDP
 * checksum is 0 (none, allowed for IPv4).  Datagrams go out in batches
 * of 32 (sendmmsg), each batch at its due time, so the rate holds
 * without a busy loop.  Prints the number of datagrams the kernel took.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 32

static unsigned long num(const char *s, const char *what, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s < '0' || *s > '9' || *end || !v || v > max) {
		fprintf(stderr, "udpsend: bad %s '%s' (1 to %lu)\n", what, s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static char buf[BATCH][sizeof(struct udphdr) + 1472];
	struct iovec iov[BATCH];
	struct mmsghdr msg[BATCH];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long flows, size, rate, secs, total, flow = 0;
	unsigned long due_count = 0, taken = 0;
	struct timespec due;
	long long step_ns;
	int fd, i;

	if (argc != 7) {
		fprintf(stderr, "usage: udpsend ADDR PORT FLOWS PAYLOAD RATE SECONDS\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "udpsend: bad address '%s'\n", argv[1]);
		return 2;
	}
	dst.sin_port = htons(num(argv[2], "port", 65535));
	flows = num(argv[3], "flow count", 65536);
	size = num(argv[4], "payload size", 1472);
	rate = num(argv[5], "rate", 10000000);
	secs = num(argv[6], "duration", 3600);

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	if (fd < 0) {
		perror("udpsend: raw socket");
		return 1;
	}
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		struct udphdr *uh = (struct udphdr *)buf[i];

		uh->dest = dst.sin_port;
		uh->len = htons(sizeof(*uh) + size);
		memset(uh + 1, 'u', size);
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(*uh) + size;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &dst;
		msg[i].msg_hdr.msg_namelen = sizeof(dst);
	}

	total = rate * secs;
	step_ns = 1000000000LL * BATCH / rate;
	clock_gettime(CLOCK_MONOTONIC, &due);
	while (due_count < total) {
		int n = total - due_count < BATCH ? total - due_count : BATCH, done;

		for (i = 0; i < n; i++) {
			((struct udphdr *)buf[i])->source = htons(1024 + flow);
			flow = (flow + 1) % flows;
		}
		done = sendmmsg(fd, msg, n, 0);
		if (done < 0 && errno != ENOBUFS && errno != EAGAIN) {
			perror("udpsend: sendmmsg");
			return 1;
		}
		/* what the kernel refused was not sent: not counted as sent */
		taken += done > 0 ? done : 0;
		due_count += n;
		due.tv_nsec += step_ns;
		while (due.tv_nsec >= 1000000000L) {
			due.tv_nsec -= 1000000000L;
			due.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
	}
	printf("%lu\n", taken);
	return 0;
}
