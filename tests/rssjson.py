#!/usr/bin/env python3
"""Read xdp_redirect_cpu --json output for the tests.

  rssjson.py FILE --wait-kthread N [--timeout S]
      wait until the newest stats line shows N frames handled by the
      cpumap kthreads (all CPUs); exit 1 on timeout, printing the count
  rssjson.py FILE --expr EXPR
      print EXPR, evaluated with: total (the "total" object), stats (the
      "stats" objects), events(type) (objects of that type), cpu(n, obj)
      (the per-CPU entry of CPU n in obj, default total, {} if absent),
      settled(type) (stats intervals with traffic after the last event of
      that type), imbalance(objs, field) (max/mean over CPUs 0 and 1),
      cpus_sum(field) (a per-CPU field of total, summed over CPUs)
"""
import argparse
import json
import sys
import time


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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--wait-kthread", type=int)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--expr")
    a = p.parse_args()
    if a.wait_kthread is not None:
        end = time.monotonic() + a.timeout
        n = -1
        while time.monotonic() < end:
            stats = [o for o in load(a.file) if o["type"] == "stats"]
            if stats:
                n = handled(stats[-1])
                if n >= a.wait_kthread:
                    print(n)
                    return 0
            time.sleep(0.2)
        print(n)
        return 1
    objs = load(a.file)
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
    print(eval(a.expr, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
