"""Keeps the `make loadtest` scripts from rotting: a short soak against a real gunicorn on the
backend of this test run, and the bookkeeping the soak and the wrk report rely on.

The soak builds its own database and server (tests.load.harness), so no `db` fixture here."""

from collections import Counter

from tests.load.autosave_soak import SoakResult, Tally, Verdict, report, run_soak, verify
from tests.load.harness import default_backend, percentile
from tests.load.throughput import parse_wrk


def test_short_soak_stores_every_acknowledged_save():
    result = run_soak(default_backend(), seconds=3, clients=3)

    assert result.acknowledged > 0, report(result)
    assert result.errors == Counter(), report(result)
    assert result.verdict.lost == 0, report(result)
    assert result.verdict.unexpected == 0, report(result)
    acknowledged_pairs = sum(len(t.last_acknowledged) for t in result.tallies.values())
    assert result.verdict.matching == acknowledged_pairs


def tally(**acknowledged) -> Tally:
    record = Tally()
    record.last_acknowledged = {q.lstrip("q"): value for q, value in acknowledged.items()}
    return record


def test_verify_matches_the_last_acknowledged_save():
    verdict = verify({"a@x": tally(q1=("7", "c00-s2"))}, [["a@x", "1", "7", "c00-s2"]])

    assert (verdict.matching, verdict.lost, verdict.unexpected) == (1, 0, 0)


def test_verify_counts_an_older_stored_value_as_lost():
    verdict = verify({"a@x": tally(q1=("7", "c00-s2"))}, [["a@x", "1", "6", "c00-s1"]])

    assert (verdict.matching, verdict.lost) == (0, 1)


def test_verify_counts_a_missing_row_as_lost():
    verdict = verify({"a@x": tally(q1=("7", "c00-s2"))}, [])

    assert verdict.lost == 1


def test_verify_accepts_a_save_whose_reply_failed():
    record = tally(q1=("7", "c00-s2"))
    record.in_doubt["1"] = {("dont_know", "c00-s3")}

    verdict = verify({"a@x": record}, [["a@x", "1", "dont_know", "c00-s3"]])

    assert (verdict.lost, verdict.unacknowledged_stored) == (0, 1)


def test_verify_flags_an_answer_nobody_sent():
    verdict = verify({"a@x": tally()}, [["b@x", "1", "7", "c01-s1"]])

    assert verdict.unexpected == 1


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]

    assert (percentile(values, 0.5), percentile(values, 0.99), percentile([], 0.5)) == (
        50.0,
        99.0,
        0.0,
    )


WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:41234/healthz/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.71ms  412.00us  12.30ms   88.20%
    Req/Sec     2.36k   150.11     2.61k    71.00%
  Latency Distribution
     50%    1.62ms
     75%    1.85ms
     90%    2.10ms
     99%    3.40ms
  47012 requests in 10.01s, 8.25MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   4697.70
Transfer/sec:    844.21KB
"""


def test_parse_wrk_reads_rate_percentiles_and_failures():
    result = parse_wrk(WRK_OUTPUT)

    assert result.requests_per_second == 4697.70
    assert round(result.p50 * 1000, 2) == 1.62
    assert round(result.p99 * 1000, 2) == 3.40
    assert (result.requests, result.non_2xx, result.socket_errors) == (47012, 3, 0)


def test_parse_wrk_adds_up_socket_errors():
    output = WRK_OUTPUT.replace(
        "Requests/sec:", "  Socket errors: connect 0, read 2, write 0, timeout 5\nRequests/sec:"
    )

    assert parse_wrk(output).socket_errors == 7


def soak_result(tally_: Tally, verdict: Verdict) -> SoakResult:
    return SoakResult("sqlite", 1, 1.0, {"a@x": tally_}, verdict, [])


def test_a_soak_with_a_failed_request_fails():
    record = tally(q1=("7", "c00-s1"))
    record.acknowledged = 1
    record.errors["HTTP 500"] = 1

    assert soak_result(record, Verdict(matching=1)).failed


def test_a_soak_that_lost_a_save_fails():
    record = tally(q1=("7", "c00-s1"))
    record.acknowledged = 1

    assert soak_result(record, Verdict(lost=1)).failed


def test_a_soak_without_acknowledged_saves_fails():
    assert soak_result(Tally(), Verdict()).failed


def test_a_clean_soak_passes():
    record = tally(q1=("7", "c00-s1"))
    record.acknowledged = 1

    assert not soak_result(record, Verdict(matching=1)).failed
