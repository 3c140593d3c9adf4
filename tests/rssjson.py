#!/usr/bin/env python3
"""Read xdp_redirect_cpu --json output for the tests.

  rssjson.py FILE EXPR...
      print the value of each EXPR on a line of its own, evaluated with:
      total (the "total" object), stats (the "stats" objects),
      events(type) (objects of that type), cpu(n, obj) (the per-CPU entry
      of CPU n in obj, default total, {} if absent), handled(obj) (frames
      the kthreads handled in obj), settled(type) (stats intervals with
      traffic after the last event of that type), imbalance(objs, field)
      (max/mean over CPUs 0 and 1), cpus_sum(field) (a per-CPU field of
      total, summed over CPUs)

One process for all of a test's expressions (and, through
tests/pyhelper.py, for all of a suite's): in the VM, under TCG, each
Python start costs seconds.  Only json is imported, for the same reason.
"""
import json
import sys


def load(path):
    objs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{") and line.endswith("}"):
                objs.append(json.loads(line))
    return objs


def handled(obj):
    return sum(c["kthread"] for c in obj["cpus"])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    objs = load(argv[0])
    totals = [o for o in objs if o["type"] == "total"]
    env = {
        "total": totals[-1] if totals else {},
        "stats": [o for o in objs if o["type"] == "stats"],
        "events": lambda t: [o for o in objs if o["type"] == t],
        "cpu": lambda n, o=None: next((c for c in (o or env["total"])["cpus"]
                                       if c["cpu"] == n), {}),
        "handled": handled,
    }

    def settled(evtype, min_pps=200):
        """Whole intervals with traffic, a second after the last event"""
        evs = env["events"](evtype)
        if not evs:
            return []
        late = [s for s in env["stats"]
                if s["time"] > evs[-1]["time"] + 1 and s["rx_pps"] > min_pps]
        return late[:-1]

    def imbalance(objs, field, cpus=(0, 1)):
        """max/mean over CPUs of a per-CPU field summed over objs"""
        load = [sum(env["cpu"](c, o).get(field, 0) for o in objs) for c in cpus]
        return max(load) * len(load) / sum(load) if sum(load) else 0

    env["cpus_sum"] = lambda field: sum(c[field] for c in env["total"]["cpus"])
    env["settled"] = settled
    env["imbalance"] = imbalance
    for expr in argv[1:]:
        try:
            print(eval(expr, env))
        except Exception as e:  # a missing key is a failed test, not a crash
            print("error: %s: %r" % (type(e).__name__, e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
