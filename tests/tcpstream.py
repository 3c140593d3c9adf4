#!/usr/bin/env python3
"""One TCP stream whose ends cost as little per byte as they can.

The receiver discards what it reads with MSG_TRUNC, so the kernel frees
the data without copying it to user space; the sender sends one file
over and over with sendfile(), so nothing is copied from user space
either.  What is left is the per-packet work of the network stack on
each side, which is what GRO changes: under emulation, iperf3's copies
would cost more than everything GRO saves.

  tcpstream.py recv ADDR PORT        serve: print Mbit/s of each connection
  tcpstream.py send ADDR PORT SECS   send for SECS seconds, then print Mbit/s
                                      as the receiver counted it
"""
import os
import socket
import sys
import tempfile
import time


def recv(addr, port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    while True:
        conn, _ = srv.accept()
        total, start = 0, time.monotonic()
        while True:
            n = len(conn.recv(1 << 20, socket.MSG_TRUNC))
            if not n:
                break
            total += n
        # the first line back is the rate, the sender prints it
        rate = total * 8 / (time.monotonic() - start) / 1e6
        conn.shutdown(socket.SHUT_RD)
        conn.sendall(b"%d %d\n" % (total, rate))
        conn.close()


def send(addr, port, secs):
    with tempfile.TemporaryFile() as f:
        f.write(os.urandom(1 << 20) * 8)
        f.flush()
        size = f.tell()
        s = socket.create_connection((addr, port))
        end = time.monotonic() + secs
        while time.monotonic() < end:
            os.sendfile(s.fileno(), f.fileno(), 0, size)
        s.shutdown(socket.SHUT_WR)
        total, rate = s.makefile().readline().split()
        print(rate)


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]))
    else:
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
