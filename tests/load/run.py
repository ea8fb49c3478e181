"""`make loadtest`: the autosave soak, then the wrk throughput run, on SQLite and on PostgreSQL
(when a server answers on 127.0.0.1:5432). Prints every table; exits non-zero if a soak lost an
acknowledged save or had an error, or a throughput run got a non-2xx/3xx response.

    python tests/load/run.py [--soak-seconds 60] [--clients 20] [--throughput-seconds 10]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.load import throughput  # noqa: E402
from tests.load.autosave_soak import report, soak  # noqa: E402
from tests.load.harness import postgres_reachable, running_stack, table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--soak-seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--throughput-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install -y wrk)", file=sys.stderr)
        return 2
    backends = ["sqlite"]
    if postgres_reachable():
        backends.append("postgres")
    else:
        print("PostgreSQL does not answer on 127.0.0.1:5432: SQLite only.", flush=True)
    began = time.monotonic()
    failures = []

    soaks = []
    speeds = []
    for backend in backends:
        # One stack per backend for both runs: setting one up (database, bank, 20 logins) costs
        # more than the throughput run itself. The soak goes first: its check expects only its own
        # saves from these respondents, and the wrk runs then meet a database full of answers.
        with running_stack(backend, args.clients, "loadtest") as stack:
            print(f"{backend}: stack ready in {stack.setup_seconds:.0f} s", flush=True)
            print(f"soak: {args.clients} clients, {args.soak_seconds:.0f} s", flush=True)
            result = soak(stack, args.soak_seconds, args.clients)
            print(report(result), "\n", flush=True)
            soaks.append(result)
            print(f"throughput: wrk, {args.connections} connections", flush=True)
            results = throughput.measure(stack, args.throughput_seconds, args.connections)
            speeds.append((backend, results))
        if result.failed:
            failures.append(f"soak on {backend}")
        if throughput.failed(results):
            failures.append(f"throughput on {backend} (non-2xx responses)")

    print("\n== Concurrent autosaves (every acknowledged save must be stored) ==")
    print(table([result.row() for result in soaks]))
    print(f"\n== Throughput (wrk, {args.throughput_seconds} s per endpoint) ==")
    print(table([row for backend, results in speeds for row in throughput.rows(backend, results)]))
    for backend, results in speeds:
        print(f"{backend}: " + "; ".join(throughput.verdict_lines(results)))
    print(f"\nwall time {time.monotonic() - began:.0f} s")
    if failures:
        print("FAILED: " + ", ".join(failures), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
