// SPDX-License-Identifier: GPL-2.0
/*
 * udpsink: UDP receivers for make bench, one per online CPU.
 *
 *   udpsink PORT
 *
 * One thread per online CPU, bound to it, reads its own socket: the
 * sockets share PORT through SO_REUSEPORT, and each has SO_INCOMING_CPU
 * set to its thread's CPU, so the kernel hands a datagram to the socket
 * of the CPU that processed it (the CPU the steering chose) and no
 * datagram wakes a reader on another CPU.  The same for every way of
 * steering, so that rows differ only in the steering.  Datagrams are
 * read in batches (recvmmsg) and counted; on SIGTERM or SIGINT the
 * total, then each thread's count, is printed on one line.  Prints
 * "ready" once every socket is bound.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MAX_CPUS 64

struct reader {
	pthread_t thread;
	int cpu;
	int fd;
	unsigned long count;
};

static volatile int stop;

static void *reader(void *arg)
{
	static char buf[BATCH][2048];
	struct reader *r = arg;
	struct iovec iov[BATCH];
	struct mmsghdr msg[BATCH];
	int i, n;

	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		/* the threads share the buffers: nothing reads the data */
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (!stop) {
		n = recvmmsg(r->fd, msg, BATCH, MSG_WAITFORONE, NULL);
		if (n > 0)
			r->count += n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			perror("udpsink: recvmmsg");
			exit(1);
		}
	}
	return NULL;
}

static int open_socket(int port, int cpu)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	struct timeval tick = { .tv_usec = 100000 };
	int one = 1, rcvbuf = 4 << 20;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU, &cpu, sizeof(cpu)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick)) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("udpsink: socket");
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	static struct reader r[MAX_CPUS];
	unsigned long total = 0;
	int port, cpu, n = 0, i, sig;
	cpu_set_t online;
	sigset_t signals;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: udpsink PORT\n");
		return 2;
	}
	port = strtol(argv[1], &end, 10);
	if (*end || port < 1 || port > 65535) {
		fprintf(stderr, "udpsink: bad port '%s'\n", argv[1]);
		return 2;
	}
	/* taken by sigwait() below; the readers look at "stop" between
	 * reads, which time out every 100 ms
	 */
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	if (sched_getaffinity(0, sizeof(online), &online)) {
		perror("udpsink: sched_getaffinity");
		return 1;
	}
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		cpu_set_t one;

		if (!CPU_ISSET(cpu, &online))
			continue;
		r[n].cpu = cpu;
		r[n].fd = open_socket(port, cpu);
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (pthread_create(&r[n].thread, NULL, reader, &r[n]) ||
		    pthread_setaffinity_np(r[n].thread, sizeof(one), &one)) {
			fprintf(stderr, "udpsink: reader for CPU %d failed\n", cpu);
			return 1;
		}
		n++;
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&signals, &sig);
	stop = 1;
	for (i = 0; i < n; i++) {
		pthread_join(r[i].thread, NULL);
		total += r[i].count;
	}
	printf("%lu", total);
	for (i = 0; i < n; i++)
		printf(" %lu", r[i].count);
	printf("\n");
	return 0;
}
