"""Throughput (issue #7): wrk drives gunicorn (production settings, 2 workers) from loopback, the
same connections for the same time on each endpoint: the bare view (/healthz/), a questionnaire
domain page as a logged-in respondent, and autosave POSTs. Prints requests/s, p50/p99 latency and
each endpoint's requests/s as a share of the bare view's, measured in the same run.

    python tests/load/throughput.py --seconds 10 [--connections 8] [--database sqlite|postgres]

Target: the questionnaire page sustains at least 10% of the bare view's requests/s. Exits non-zero
when a response was not 2xx/3xx (a failure under load, not a speed figure).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.load.harness import BACKENDS, Stack, default_backend, running_stack, table  # noqa: E402

LUA = Path(__file__).with_name("autosave.lua")
PAGE_TARGET = 0.10
TIME_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
FORWARDED = ["Host: 127.0.0.1", "X-Forwarded-Proto: https"]


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50: float
    p99: float
    requests: int
    non_2xx: int
    socket_errors: int


def seconds_of(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * TIME_UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """The figures of `wrk --latency` output."""

    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{output}")
        return match

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50=seconds_of(find(r"^\s+50%\s+(\S+)").group(1)),
        p99=seconds_of(find(r"^\s+99%\s+(\S+)").group(1)),
        requests=int(find(r"^\s+(\d+) requests in").group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk(url: str, seconds: int, connections: int, headers=(), script_args=()) -> WrkResult:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script_args:
        command += ["-s", str(LUA)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def sessions_argument(stack: Stack) -> str:
    pairs = []
    for browser in stack.browsers:
        if not {"sessionid", "csrftoken"} <= browser.cookies.keys():
            raise RuntimeError(f"a logged-in browser lacks its cookies: {sorted(browser.cookies)}")
        pairs.append(f"{browser.cookies['sessionid']}:{browser.cookies['csrftoken']}")
    return ",".join(pairs)


def questions_argument(stack: Stack) -> str:
    return ";".join(f"{q}={'.'.join(opts)}" for q, opts in stack.data["options"].items())


def check_endpoints(stack: Stack, page: str, autosave: str) -> None:
    """One request of each kind, by hand, so wrk measures working pages and not error replies."""
    browser = stack.browsers[0]
    response = browser.get(page)
    if response.status != 200 or 'name="csrfmiddlewaretoken"' not in response.text:
        raise RuntimeError(f"the questionnaire page answered {response.status}")
    question, options = next(iter(stack.data["options"].items()))
    response = browser.post(autosave, {"question": question, "value": options[0], "note": ""})
    if response.status != 200 or b'"ok": true' not in response.body:
        raise RuntimeError(f"autosave answered {response.status}: {response.text[:200]}")


def run_throughput(backend: str, seconds: int, connections: int, respondents: int = 20):
    """The wrk runs on a stack of their own."""
    with running_stack(backend, respondents, "throughput") as stack:
        return measure(stack, seconds, connections)


def measure(stack: Stack, seconds: int, connections: int) -> dict[str, WrkResult]:
    """Each endpoint under the same wrk load, one after the other."""
    base = stack.server.base_url
    page = stack.base_path + f"d/{stack.data['domain']}/"
    autosave = stack.base_path + "autosave/"
    check_endpoints(stack, page, autosave)
    cookies = stack.browsers[0].cookies
    session = f"Cookie: sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"
    return {
        "bare (/healthz/)": wrk(base + "/healthz/", seconds, connections, FORWARDED),
        "questionnaire page": wrk(base + page, seconds, connections, [*FORWARDED, session]),
        "autosave POST": wrk(
            base + "/",
            seconds,
            connections,
            script_args=[autosave, sessions_argument(stack), questions_argument(stack)],
        ),
    }


def rows(backend: str, results: dict[str, WrkResult]) -> list[dict[str, object]]:
    bare = results["bare (/healthz/)"].requests_per_second
    return [
        {
            "backend": backend,
            "endpoint": name,
            "requests": result.requests,
            "req/s": f"{result.requests_per_second:.0f}",
            "vs bare": f"{result.requests_per_second / bare:.1%}",
            "p50 ms": f"{result.p50 * 1000:.1f}",
            "p99 ms": f"{result.p99 * 1000:.1f}",
            "non-2xx": result.non_2xx,
            "socket errors": result.socket_errors,
        }
        for name, result in results.items()
    ]


def verdict_lines(results: dict[str, WrkResult]) -> list[str]:
    bare = results["bare (/healthz/)"].requests_per_second
    share = results["questionnaire page"].requests_per_second / bare
    met = "met" if share >= PAGE_TARGET else "missed"
    return [
        f"questionnaire ≥ {PAGE_TARGET:.0%} of bare: {met} ({share:.1%})",
        f"autosave p99: {results['autosave POST'].p99 * 1000:.1f} ms",
    ]


def failed(results: dict[str, WrkResult]) -> bool:
    return any(result.non_2xx for result in results.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database", choices=BACKENDS, default=default_backend())
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install -y wrk)", file=sys.stderr)
        return 2
    results = run_throughput(args.database, args.seconds, args.connections)
    print(table(rows(args.database, results)))
    print("\n".join(verdict_lines(results)), flush=True)
    return 1 if failed(results) else 0


if __name__ == "__main__":
    sys.exit(main())
