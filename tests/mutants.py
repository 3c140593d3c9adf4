#!/usr/bin/env python3
"""The deliberate breakages of `make mutants` (scripts/mutants.sh).

Each mutant is one edit of a scratch copy of a work tree: an exact piece
of text that must occur exactly once, and what replaces it.  A mutant
whose text no longer occurs fails to apply (the code it breaks moved:
update the mutant), so the table cannot go stale silently.

    mutants.py list                      id, tree, suite, tests: one a line
    mutants.py apply ID DIR              edit DIR (a kernel or QEMU tree)
    mutants.py check KERNEL|qemu DIR     "PASS id" or "FAIL id why", a line
                                         per mutant of that tree: its text
                                         occurs exactly once in DIR (make
                                         check runs it, so that a change
                                         that moves the code is seen at
                                         once, not at the next make mutants)

tree: "kernel" (x86_64 test kernel), "arm64" (arm64 kernel), "qemu" (the
NETA model), "tool" (xdp_redirect_cpu, built against the test kernel).
suite: what runs in the VM, see tests/mutant-guest.sh; tests: the
harness's -t filters (comma-separated), or "-" for the whole suite.
"""
import sys

E1000E = "drivers/net/ethernet/intel/e1000e/netdev.c"
CPUMAP = "kernel/bpf/cpumap.c"
MVNETA = "drivers/net/ethernet/marvell/mvneta.c"
TOOL = "samples/bpf/xdp_redirect_cpu_user.c"
TOOL_TABLE = "samples/bpf/xdp_redirect_cpu_table.c"
NETA = "hw/net/armada3700_neta.c"

MUTANTS = [
    dict(id="e1000e-sync-offset", tree="kernel", suite="drv-swiotlb",
         tests="pass,tcp_stream_pass",
         what="e1000e syncs the frame for the CPU from the pool offset plus "
              "the headroom (the bug swiotlb=force found)",
         file=E1000E,
         old="page_pool_dma_sync_for_cpu(rx_ring->page_pool, page, 0,",
         new="page_pool_dma_sync_for_cpu(rx_ring->page_pool, page, "
             "XDP_PACKET_HEADROOM,"),
    dict(id="e1000e-drop-is-pass", tree="kernel", suite="drv", tests="drop",
         what="e1000e treats XDP_DROP as XDP_PASS",
         file=E1000E,
         old="\tact = prog ? bpf_prog_run_xdp(prog, xdp) : XDP_PASS;\n"
             "\tswitch (act) {",
         new="\tact = prog ? bpf_prog_run_xdp(prog, xdp) : XDP_PASS;\n"
             "\tif (act == XDP_DROP)\n\t\tact = XDP_PASS;\n\tswitch (act) {"),
    dict(id="e1000e-tx-loses-1pc", tree="kernel", suite="drv", tests="tx",
         what="e1000e drops every 100th XDP_TX frame",
         file=E1000E,
         old="\tcase XDP_TX:\n\t\txdpf = xdp_convert_buff_to_frame(xdp);",
         new="\tcase XDP_TX: {\n\t\tstatic unsigned int nth;\n\n"
             "\t\tif (!(++nth % 100))\n\t\t\tbreak;\n\t}\n"
             "\t\txdpf = xdp_convert_buff_to_frame(xdp);"),
    dict(id="e1000e-drop-leaks", tree="kernel", suite="drv", tests="drop",
         what="e1000e keeps the pages of XDP_DROP frames from the page_pool",
         file=E1000E,
         old="\tcase XDP_DROP:\n\t\tbreak;\n\t}\n\txdp_return_buff(xdp);",
         new="\tcase XDP_DROP:\n\t\tu64_stats_inc(&cnt->drop);\n\t\treturn;\n"
             "\t}\n\txdp_return_buff(xdp);"),
    dict(id="cpumap-no-gro-flush", tree="kernel", suite="cpumap",
         tests="tcp_gro",
         what="the cpumap kthread never flushes its GRO packets",
         file=CPUMAP,
         old="\t\t\tnapi_gro_flush_standalone(&rcpu->gro,\n"
             "\t\t\t\t\t\t  !empty && HZ >= 1000);\n",
         new=""),
    dict(id="cpumap-ignores-prog", tree="kernel", suite="cpumap",
         tests="drop",
         what="cpumap passes every frame without running the entry's program",
         file=CPUMAP,
         old="\tif (!rcpu->prog)\n\t\treturn xdp_n;",
         new="\tif (rcpu->prog || !rcpu->prog)\n\t\treturn xdp_n;"),
    dict(id="hint-flags-kept", tree="kernel", suite="drv",
         tests="redirect_cpumap_hints_every_second",
         what="the RX hint flags of a frame are never cleared: neither "
              "xdp_prepare_buff() nor e1000e's per-frame xdp_init_buff() "
              "(which alone would still clear them) resets them",
         file="include/net/xdp.h",
         old="\txdp->flags &= ~XDP_FLAGS_RX_HINTS;\n}",
         new="}",
         more=[(E1000E,
                "\t\t\txdp_init_buff(xdp, PAGE_SIZE, &rx_ring->xdp_rxq);\n"
                "\t\t\txdp_prepare_buff(",
                "\t\t\tu32 hints = xdp->flags & XDP_FLAGS_RX_HINTS;\n\n"
                "\t\t\txdp_init_buff(xdp, PAGE_SIZE, &rx_ring->xdp_rxq);\n"
                "\t\t\txdp->flags |= hints;\n"
                "\t\t\txdp_prepare_buff(")]),
    dict(id="tool-key-swapped", tree="tool", suite="rss-tool", tests="-",
         what="xdp_redirect_cpu reads its Toeplitz key with bytes swapped "
              "in pairs",
         file=TOOL_TABLE,
         old="window |= key[kbit / 8] >> (7 - kbit % 8) & 1;",
         new="window |= key[(kbit / 8) ^ 1] >> (7 - kbit % 8) & 1;"),
    dict(id="mvneta-held-frame-dropped", tree="arm64", suite="drv-mvneta",
         tests="jumbo_backlog",
         what="mvneta drops a frame a NAPI poll's budget cut in two, "
              "instead of finishing it (patch 21 undone)",
         file=MVNETA,
         old="\tif (!xdp_buf->data_hard_start)\n"
             "\t\txdp_init_buff(xdp_buf, PAGE_SIZE, &rxq->xdp_rxq);",
         new="\tif (xdp_buf->data_hard_start)\n"
             "\t\tmvneta_xdp_put_buff(pp, rxq, xdp_buf, -1, true);\n"
             "\txdp_init_buff(xdp_buf, PAGE_SIZE, &rxq->xdp_rxq);\n"
             "\txdp_buf->data_hard_start = NULL;\n\tsize = 0;"),
    dict(id="mvneta-held-release-removed", tree="arm64", suite="mvneta",
         tests="-",
         what="mvneta forgets, without giving its pages back, a frame held "
              "when the port goes down",
         file=MVNETA,
         old="\tmvneta_xdp_put_buff(pp, rxq, &rxq->xdp_buf, -1, napi);\n"
             "\trxq->xdp_buf.data_hard_start = NULL;",
         new="\trxq->xdp_buf.data_hard_start = NULL;"),
    dict(id="mvneta-held-kept-at-stop", tree="arm64", suite="mvneta",
         tests="-",
         what="mvneta keeps a held frame over a stop of the port, its pages "
              "from the page_pool the stop destroys",
         file=MVNETA,
         old="\tmvneta_rxq_put_held(pp, rxq, false);\n"
             "\tmvneta_rxq_drop_pkts(pp, rxq);\n\n\tif (rxq->descs)",
         new="\tmvneta_rxq_drop_pkts(pp, rxq);\n\n\tif (rxq->descs)"),
    dict(id="neta-frame-one-byte-long", tree="qemu", suite="drv-mvneta",
         tests="pass",
         what="the NETA model reports each received frame one byte longer",
         file=NETA,
         old="status & RXD_FIRST ? len : chunk,",
         new="status & RXD_FIRST ? len + 1 : chunk,"),
    dict(id="e1000e-tx-unsynced", tree="kernel", suite="drv-swiotlb",
         tests="tx",
         what="e1000e sends XDP_TX frames without syncing them for the device",
         file=E1000E,
         old="\t\t\tdma_sync_single_for_device(dev, dma, len, dir);",
         new="\t\t\t(void)dir;"),
]


MUTANTS += [
    dict(id="cpumap-trace-after-gro", tree="kernel", suite="cpumap",
         tests="tcp_gro_off",
         what="the xdp_cpumap_kthread tracepoint fires after GRO has seen "
              "the batch (and may have passed some of it up)",
         file=CPUMAP,
         old="\t\ttrace_xdp_cpumap_kthread(rcpu->map_id, n, kmem_alloc_drops,\n"
             "\t\t\t\t\t sched, &stats);\n\n"
             "\t\tmerged += cpu_map_gro_receive(rcpu, &list);\n",
         new="\t\tmerged += cpu_map_gro_receive(rcpu, &list);\n"
             "\t\ttrace_xdp_cpumap_kthread(rcpu->map_id, n, kmem_alloc_drops,\n"
             "\t\t\t\t\t sched, &stats);\n"),
    dict(id="cpumap-hints-unchecked", tree="kernel", suite="cpumap",
         tests="rx_hints_every_second",
         what="the skb of a frame gets RX hints whatever the frame's flags "
              "say: a frame that stored none takes what lies in its headroom",
         file="net/core/xdp.c",
         old="\tu32 stored = xdp_rx_meta_stored(meta, xdpf->flags);",
         new="\tu32 stored = xdp_rx_meta_stored(meta, XDP_FLAGS_RX_HINTS);"),
    dict(id="frame-queue-on-every-skb", tree="kernel", suite="cpumap",
         tests="rps_after_devmap",
         what="every skb built from a frame records the RX queue the frame "
              "came in on, also where another device receives it (veth)",
         file="net/core/xdp.c",
         old="\tif (xdpf->mem.type == MEM_TYPE_PAGE_POOL)\n"
             "\t\tskb_mark_for_recycle(skb);\n\n"
             "\t/* Allow SKB to reuse area used by xdp_frame */",
         new="\tskb_record_rx_queue(skb, xdpf->queue_index);\n"
             "\tif (xdpf->mem.type == MEM_TYPE_PAGE_POOL)\n"
             "\t\tskb_mark_for_recycle(skb);\n\n"
             "\t/* Allow SKB to reuse area used by xdp_frame */"),
    dict(id="e1000e-rxfh-always-toeplitz", tree="kernel", suite="drv",
         tests="rx_hash_off",
         what="e1000e reports a Toeplitz hash function whatever MRQC says, "
              "also with rxhash off",
         file="drivers/net/ethernet/intel/e1000e/ethtool.c",
         old="\tif ((er32(MRQC) & E1000_MRQC_ENABLE_MASK) == E1000_MRQC_ENABLE_RSS)\n"
             "\t\trxfh->hfunc = ETH_RSS_HASH_TOP;",
         new="\trxfh->hfunc = ETH_RSS_HASH_TOP;"),
]


def edits(m):
    """a mutant is one edit, or several ("more") that only break together"""
    return [(m["file"], m["old"], m["new"])] + m.get("more", [])


def occurrences(m, tree):
    """why mutant m cannot be applied to tree, or None"""
    for file, old, _ in edits(m):
        try:
            with open("%s/%s" % (tree, file)) as f:
                n = f.read().count(old)
        except OSError as e:
            return "%s: %s" % (file, e.strerror)
        if n != 1:
            return "the text to break occurs %d times in %s" % (n, file)
    return None


def find(mid):
    for m in MUTANTS:
        if m["id"] == mid:
            return m
    sys.exit("mutants.py: no mutant %s" % mid)


def main(argv):
    if argv[1:2] == ["list"]:
        for m in MUTANTS:
            print(m["id"], m["tree"], m["suite"], m["tests"])
        return 0
    if argv[1:2] == ["what"] and len(argv) == 3:
        print(find(argv[2])["what"])
        return 0
    if argv[1:2] == ["apply"] and len(argv) == 4:
        m = find(argv[2])
        why = occurrences(m, argv[3])
        if why:
            sys.exit("mutants.py: %s: %s" % (m["id"], why))
        for file, old, new in edits(m):
            path = "%s/%s" % (argv[3], file)
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace(old, new))
        return 0
    if argv[1:2] == ["check"] and len(argv) == 4:
        # the kernel, arm64 and tool mutants edit the kernel tree
        qemu = argv[2] == "qemu"
        for m in MUTANTS:
            if (m["tree"] == "qemu") != qemu:
                continue
            why = occurrences(m, argv[3])
            print("FAIL %s %s" % (m["id"], why) if why else "PASS " + m["id"])
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
