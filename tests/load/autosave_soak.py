"""Concurrent autosaves (issue #6): N respondents, each on its own session, save answers as fast
as they can for a bounded time against gunicorn; afterwards every acknowledged save must be the
one stored.

    python tests/load/autosave_soak.py --seconds 60 --clients 20 [--database sqlite|postgres]

Prints one table row and exits non-zero if any acknowledged save was lost, any request failed, or
the database holds an answer nobody sent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.appserver import Browser  # noqa: E402
from tests.load import dataset  # noqa: E402
from tests.load.harness import (  # noqa: E402
    BACKENDS,
    Stack,
    default_backend,
    percentile,
    running_stack,
    table,
)


@dataclass
class Tally:
    """One client's record: what the server acknowledged, per question, and what went wrong."""

    sent: int = 0
    acknowledged: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    last_acknowledged: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Saves whose outcome is unknown (an error after sending): the server may have stored one.
    in_doubt: dict[str, set[tuple[str, str]]] = field(default_factory=dict)


def save_loop(
    browser: Browser, index: int, path: str, options: dict, stop_at: float, seed: int
) -> Tally:
    rng = random.Random(seed)
    tally = Tally()
    questions = list(options)
    while time.monotonic() < stop_at:
        question = rng.choice(questions)
        value = rng.choice([*options[question], dataset.DONT_KNOW])
        note = f"c{index:02d}-s{tally.sent + 1}"
        tally.sent += 1
        started = time.perf_counter()
        try:
            response = browser.post(path, {"question": question, "value": value, "note": note})
        except Exception as exc:  # noqa: BLE001 - every failure is counted by kind
            tally.errors[type(exc).__name__] += 1
            tally.in_doubt.setdefault(question, set()).add((value, note))
            continue
        tally.latencies.append(time.perf_counter() - started)
        if response.status == 200 and acknowledged(response.body):
            tally.acknowledged += 1
            tally.last_acknowledged[question] = (value, note)
            tally.in_doubt.pop(question, None)
        else:
            tally.errors[f"HTTP {response.status}"] += 1
            tally.in_doubt.setdefault(question, set()).add((value, note))
    return tally


def acknowledged(body: bytes) -> bool:
    try:
        return json.loads(body).get("ok") is True
    except ValueError:
        return False


@dataclass
class Verdict:
    matching: int = 0
    lost: int = 0
    unacknowledged_stored: int = 0
    unexpected: int = 0
    examples: list[str] = field(default_factory=list)


def verify(tallies: dict[str, Tally], stored_rows: list[list[str]]) -> Verdict:
    """Compare each respondent's last acknowledged save per question with the stored answer."""
    stored = {(email, question): (value, note) for email, question, value, note in stored_rows}
    verdict = Verdict()
    for email, tally in tallies.items():
        for question, expected in tally.last_acknowledged.items():
            found = stored.get((email, question))
            if found == expected:
                verdict.matching += 1
            elif found in tally.in_doubt.get(question, ()):
                verdict.unacknowledged_stored += 1
            else:
                verdict.lost += 1
                if len(verdict.examples) < 5:
                    verdict.examples.append(f"{email} q{question}: sent {expected}, stored {found}")
    for (email, question), found in stored.items():
        tally = tallies.get(email)
        sent = tally is not None and (
            question in tally.last_acknowledged or found in tally.in_doubt.get(question, ())
        )
        if not sent:
            verdict.unexpected += 1
            if len(verdict.examples) < 5:
                verdict.examples.append(f"{email} q{question}: stored {found}, never sent")
    return verdict


@dataclass
class SoakResult:
    backend: str
    clients: int
    seconds: float
    tallies: dict[str, Tally]
    verdict: Verdict
    server_log: list[str]
    setup_seconds: float = 0.0

    @property
    def sent(self) -> int:
        return sum(t.sent for t in self.tallies.values())

    @property
    def acknowledged(self) -> int:
        return sum(t.acknowledged for t in self.tallies.values())

    @property
    def errors(self) -> Counter:
        return sum((t.errors for t in self.tallies.values()), Counter())

    @property
    def latencies(self) -> list[float]:
        return [x for t in self.tallies.values() for x in t.latencies]

    @property
    def failed(self) -> bool:
        verdict = self.verdict
        return bool(self.errors or verdict.lost or verdict.unexpected or not self.acknowledged)

    def row(self) -> dict[str, object]:
        errors = self.errors
        latencies = self.latencies
        return {
            "backend": self.backend,
            "clients": self.clients,
            "seconds": f"{self.seconds:.1f}",
            "saves sent": self.sent,
            "acknowledged": self.acknowledged,
            "errors": sum(errors.values()),
            "errors by kind": ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "-",
            "stored & matching": self.verdict.matching,
            "lost": self.verdict.lost,
            "req/s": f"{len(latencies) / self.seconds:.0f}",
            "p50 ms": f"{percentile(latencies, 0.50) * 1000:.1f}",
            "p99 ms": f"{percentile(latencies, 0.99) * 1000:.1f}",
        }


def run_soak(backend: str, seconds: float, clients: int) -> SoakResult:
    """The soak on a stack of its own."""
    with running_stack(backend, clients, "soak") as stack:
        return soak(stack, seconds, clients)


def soak(stack: Stack, seconds: float, clients: int, seed: int = 1) -> SoakResult:
    """`clients` respondents of the stack save for `seconds`; then the database is checked."""
    path = stack.base_path + "autosave/"
    options = stack.data["options"]
    emails = stack.data["respondents"][:clients]
    tallies: dict[str, Tally] = {}
    start_gate = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        start_gate.wait()
        tallies[emails[index]] = save_loop(
            stack.browsers[index], index, path, options, stop_at, seed * 1000 + index
        )

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    stop_at = started + seconds  # read by the clients once the gate opens
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    verdict = verify(tallies, stack.stored_answers())
    return SoakResult(
        stack.backend,
        clients,
        elapsed,
        tallies,
        verdict,
        list(stack.log.lines),
        stack.setup_seconds,
    )


def report(result: SoakResult) -> str:
    lines = [
        table([result.row()]),
        f"setup (database, gunicorn, logins): {result.setup_seconds:.1f} s",
    ]
    verdict = result.verdict
    if verdict.unacknowledged_stored:
        lines.append(f"stored from a save whose reply failed: {verdict.unacknowledged_stored}")
    if verdict.unexpected:
        lines.append(f"stored but never sent: {verdict.unexpected}")
    lines += verdict.examples
    if result.failed and result.server_log:
        lines.append("gunicorn stderr (first lines):")
        lines += result.server_log[:20]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--database", choices=BACKENDS, default=default_backend())
    args = parser.parse_args(argv)
    result = run_soak(args.database, args.seconds, args.clients)
    print(report(result), flush=True)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
