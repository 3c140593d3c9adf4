#!/usr/bin/env python3
"""One Python process for many calls of tests/flowgen.py and rssjson.py.

Reads one call a line on stdin, its words separated by tabs: "flowgen
ARG..." or "rssjson ARG...", as their command lines would be.  Writes
what the call prints, then a line of ASCII RS (0x1e) and its exit
status.  In the VM each Python start costs seconds (12 on the debug
kernel in TCG), and a test makes several calls.
"""
import sys

import flowgen
import rssjson

CALLS = {"flowgen": flowgen.main, "rssjson": rssjson.main}


def call(words):
    if not words or words[0] not in CALLS:
        print("pyhelper: no call %r" % words[:1], file=sys.stderr)
        return 2
    try:
        return CALLS[words[0]](words[1:]) or 0
    except SystemExit as e:  # argparse's errors
        return e.code if isinstance(e.code, int) else 1
    except Exception as e:  # a failed call, not a dead helper
        print("pyhelper: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1


def main():
    for line in sys.stdin:
        rc = call(line.rstrip("\n").split("\t"))
        sys.stdout.write("\x1e%d\n" % rc)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
