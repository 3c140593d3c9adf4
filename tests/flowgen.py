#!/usr/bin/env python3
"""Send crafted frames for a set of flows out of one interface (AF_PACKET).

Flows share one address pair and differ in the source port (TCP, UDP) or
are one flow per count (ICMP).  Each flow's frames are identical, so the
receiver can tell flows apart by tuple alone.  Used by the software-RSS
tool's tests, where exact per-flow counts matter more than speed.
Frames can carry VLAN tags (in the frame, as a NIC that does not strip
them delivers them), go in a PPPoE session, or be IPv4 first fragments
(more-fragments set: a receiver hashes their addresses only).
"""
import argparse
import errno
import ipaddress
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(a, src, dst, sport, dport, proto):
    payload = struct.pack("!HH", sport, dport) + b"swrss-flowgen....."
    if proto == "udp":
        pnum, l4 = 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    elif proto == "tcp":
        pnum = 6
        l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x10, 65535, 0, 0) + payload
    else:
        pnum = 1 if src.version == 4 else 58
        l4 = struct.pack("!BBHHH", 8 if pnum == 1 else 128, 0, 0, 1, sport) + payload
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, pnum, len(l4))
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0, 64, pnum, 0,
                         src.packed, dst.packed)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        ethertype = 0x0800
    else:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", len(l4), pnum)
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(l4), pnum, 64, src.packed, dst.packed)
        ethertype = 0x86DD
    off = {"udp": 6, "tcp": 16, "icmp": 2}[proto]
    if pnum == 1:
        pseudo = b""
    c = csum(pseudo + l4) or (0xFFFF if proto == "udp" else 0)
    l4 = l4[:off] + struct.pack("!H", c) + l4[off + 2:]
    if a.fragment and src.version == 4:
        ip = ip[:6] + struct.pack("!H", 0x2000) + ip[8:10] + b"\0\0" + ip[12:]
        ip = ip[:10] + struct.pack("!H", csum(ip[:20])) + ip[12:]
    if a.pppoe is not None:
        body = struct.pack("!H", 0x0021 if src.version == 4 else 0x0057) + ip + l4
        ip, l4 = struct.pack("!BBHH", 0x11, 0, a.pppoe, len(body)) + body, b""
        ethertype = 0x8864
    tags = b""
    for i, vid in enumerate(a.vlan or []):
        # the outer tag of two is 802.1ad's
        tpid = 0x88A8 if i == 0 and len(a.vlan) > 1 else 0x8100
        tags += struct.pack("!HH", tpid, vid)
    eth = bytes.fromhex(a.dst_mac.replace(":", "")) + bytes.fromhex(a.src_mac.replace(":", ""))
    return eth + tags + struct.pack("!H", ethertype) + ip + l4


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("dev")
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src-mac", default="02:00:00:00:00:01")
    p.add_argument("--proto", choices=("udp", "tcp", "icmp"), default="udp")
    p.add_argument("--src", default="10.200.0.2")
    p.add_argument("--dst", default="10.200.0.1")
    p.add_argument("--sport", type=int, default=10000, help="first source port")
    p.add_argument("--dport", type=int, default=9)
    p.add_argument("--flows", type=int, default=1)
    p.add_argument("--count", type=int, default=1, help="frames per flow")
    p.add_argument("--ramp", action="store_true",
                   help="flow i sends count * (1 + i %% 7) frames")
    p.add_argument("--seconds", type=float, default=0,
                   help="repeat the whole set until this much time passed")
    p.add_argument("--print-flows", action="store_true",
                   help="print PROTO,SRC,DST,SPORT,DPORT (PROTO,SRC,DST for"
                   " fragments) and the frame count per flow")
    p.add_argument("--vlan", type=int, action="append",
                   help="a VLAN tag of this ID, outermost first (twice: 802.1ad + 802.1Q)")
    p.add_argument("--pppoe", type=int, metavar="SESSION",
                   help="in a PPPoE session of this ID")
    p.add_argument("--fragment", action="store_true",
                   help="IPv4 first fragments (more fragments to come)")
    a = p.parse_args(argv)
    src, dst = ipaddress.ip_address(a.src), ipaddress.ip_address(a.dst)
    flows = []
    for i in range(a.flows):
        n = a.count * (1 + i % 7) if a.ramp else a.count
        flows.append((frame(a, src, dst, a.sport + i, a.dport, a.proto), n, a.sport + i))
    if a.print_flows:
        for _, n, sport in flows:
            if a.fragment:
                print("%s,%s,%s %d" % (a.proto, src, dst, n))
            else:
                print("%s,%s,%s,%d,%d %d" % (a.proto, src, dst, sport, a.dport, n))
        return 0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.dev, 0))
    sent = 0
    end = time.monotonic() + a.seconds
    while True:
        for f, n, _ in flows:
            for _ in range(n):
                # a full qdisc drains in milliseconds; one that has not
                # taken a frame for 10 s never will: fail, do not hang
                stuck = time.monotonic() + 10
                while True:
                    try:
                        s.send(f)
                        break
                    except BlockingIOError:
                        pass
                    except OSError as e:
                        if e.errno != errno.ENOBUFS:  # the qdisc is full
                            raise
                    if time.monotonic() > stuck:
                        raise TimeoutError("%s takes no frame" % a.dev)
                    time.sleep(0.001)
                sent += 1
        if not a.seconds or time.monotonic() >= end:
            break
    s.close()
    print(sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
