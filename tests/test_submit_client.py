"""leadlint.submit.client against a real, scripted, misbehaving HTTP server."""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from faultserver import Action, FaultServer

from leadlint import __version__
from leadlint.submit.client import Delivery, Outcome, RateLimiter, retry_after_seconds

TOKEN = "lp_user_S3cr3tT0kenValue_9f8e7d6c"
BODY = b'{"id":"a1","contact":{"firstName":"Ann"}}'


class Sleeps(list[float]):
    """An injected ``sleep`` that records instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make(server: FaultServer | str, sleeps: Sleeps | None = None, **kw: Any) -> Delivery:
    url = server if isinstance(server, str) else server.url
    kw.setdefault("rate", RateLimiter(limit=0))
    kw.setdefault("timeout", 2.0)
    kw.setdefault("rng", random.Random(1))
    return Delivery(url, TOKEN, sleep=sleeps if sleeps is not None else Sleeps(), **kw)


def put_once(
    script: list[Action], default: Action = ("ok", 200), **kw: Any
) -> tuple[Outcome, FaultServer, Sleeps]:
    sleeps = Sleeps()
    with FaultServer({"a1": script}, default) as server, make(server, sleeps, **kw) as d:
        outcome = d.put("a1", BODY)
    return outcome, server, sleeps


# --- success and request shape ---------------------------------------------------


def test_success_sends_one_put_with_headers_and_body() -> None:
    outcome, server, sleeps = put_once([])
    assert outcome == Outcome("a1", True, 200, None, None, 1)
    assert sleeps == []
    [req] = server.requests
    assert (req.method, req.path, req.body) == ("PUT", "/leads/a1", BODY)
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["user-agent"] == f"leadlint/{__version__}"


def test_lead_id_is_one_percent_encoded_segment() -> None:
    with FaultServer() as server, make(server) as d:
        assert d.put("a/b c?#ü", BODY).delivered
    assert server.requests[0].path == "/leads/a%2Fb%20c%3F%23%C3%BC"
    assert server.counts["a/b c?#ü"] == 1


@pytest.mark.parametrize("lead_id", ["", ".", ".."])
def test_unusable_lead_id_is_not_sent(lead_id: str) -> None:
    with FaultServer() as server, make(server) as d:
        outcome = d.put(lead_id, BODY)
    assert (outcome.delivered, outcome.status, outcome.attempts) == (False, None, 0)
    assert server.requests == []


def test_keep_alive_reuses_one_connection() -> None:
    with FaultServer() as server, make(server, concurrency=1) as d:
        for i in range(5):
            assert d.put(f"k{i}", BODY).delivered
    # httpx does not announce keep-alive; the server saw five requests on HTTP/1.1.
    assert len(server.requests) == 5
    assert all(r.headers.get("connection", "keep-alive") != "close" for r in server.requests)


# --- 429 and Retry-After ----------------------------------------------------------


def test_429_waits_retry_after_seconds_then_succeeds() -> None:
    outcome, server, sleeps = put_once([("status", 429, {"Retry-After": "1"})])
    assert outcome == Outcome("a1", True, 200, None, None, 2)
    assert sleeps == [1.0]
    assert server.counts["a1"] == 2


def test_429_waits_until_retry_after_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    outcome, server, sleeps = put_once([("status", 429, {"Retry-After": when})])
    assert outcome.delivered and outcome.attempts == 2
    assert len(sleeps) == 1 and 27.0 <= sleeps[0] <= 30.5
    assert server.counts["a1"] == 2


def test_429_without_retry_after_uses_jittered_backoff() -> None:
    outcome, _, sleeps = put_once([("status", 429)], backoff_base=0.5)
    assert outcome.delivered and outcome.attempts == 2
    assert len(sleeps) == 1 and 0.0 <= sleeps[0] <= 0.5


def test_retry_after_seconds_parsing() -> None:
    now = datetime(2015, 10, 21, 7, 27, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 7 ") == 7.0
    assert retry_after_seconds("0") == 0.0
    assert retry_after_seconds("-5") == 0.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now) == 60.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:20:00 GMT", now) == 0.0
    for garbage in (None, "", "soon", "nan", "inf", "Wed, 99 Foo 2015", "1 2"):
        assert retry_after_seconds(garbage, now) is None, garbage


# --- 5xx, timeouts, broken connections -------------------------------------------


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_retryable_status_then_ok(status: int) -> None:
    outcome, server, sleeps = put_once([("status", status)])
    assert outcome == Outcome("a1", True, 200, None, None, 2)
    assert server.counts["a1"] == 2 and len(sleeps) == 1


def test_500_then_503_then_ok() -> None:
    outcome, server, sleeps = put_once([("status", 500), ("status", 503)])
    assert (outcome.delivered, outcome.attempts, server.counts["a1"]) == (True, 3, 3)
    assert len(sleeps) == 2


def test_backoff_is_full_jitter_capped_exponential() -> None:
    outcome, server, sleeps = put_once(
        [], default=("status", 503), max_attempts=6, backoff_base=0.5, backoff_cap=2.0
    )
    assert outcome == Outcome("a1", False, 503, "Service Unavailable", None, 6)
    assert server.counts["a1"] == 6
    replay = random.Random(1)
    assert sleeps == [replay.uniform(0, min(2.0, 0.5 * 2**i)) for i in range(5)]


def test_slow_response_times_out_then_retry_succeeds() -> None:
    outcome, server, sleeps = put_once([("slow", 1.0)], timeout=0.3)
    assert outcome == Outcome("a1", True, 200, None, None, 2)
    assert server.counts["a1"] == 2 and len(sleeps) == 1


def test_slow_every_time_gives_up_without_status() -> None:
    outcome, _, _ = put_once([], default=("slow", 0.6), timeout=0.2, max_attempts=2)
    assert outcome == Outcome("a1", False, None, "ReadTimeout", None, 2)


@pytest.mark.parametrize("fault", ["drop", "hang-up"])
def test_broken_connection_then_ok(fault: str) -> None:
    outcome, server, sleeps = put_once([(fault,)])
    assert outcome == Outcome("a1", True, 200, None, None, 2)
    assert server.counts["a1"] == 2 and len(sleeps) == 1


@pytest.mark.parametrize("fault", ["drop", "hang-up"])
def test_broken_connection_every_time(fault: str) -> None:
    outcome, _, _ = put_once([], default=(fault,), max_attempts=3)
    assert outcome == Outcome("a1", False, None, "RemoteProtocolError", None, 3)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_connection_refused_is_retried_then_reported() -> None:
    sleeps = Sleeps()
    with make(closed_port_url(), sleeps, max_attempts=3) as d:
        outcome = d.put("a1", BODY)
    assert outcome == Outcome("a1", False, None, "ConnectError", None, 3)
    assert len(sleeps) == 2


def test_unsupported_scheme_is_not_retried() -> None:
    with make("ftp://127.0.0.1:1") as d:
        outcome = d.put("a1", BODY)
    assert outcome == Outcome("a1", False, None, "UnsupportedProtocol", None, 1)


# --- final client errors ---------------------------------------------------------


def test_400_problem_is_recorded_without_retry() -> None:
    outcome, server, sleeps = put_once(
        [("problem", 400, "Validation failed", "contact.email is not an email address")]
    )
    assert outcome == Outcome(
        "a1", False, 400, "Validation failed", "contact.email is not an email address", 1
    )
    assert server.counts["a1"] == 1 and sleeps == []


@pytest.mark.parametrize("status", [401, 403, 404, 409, 422])
def test_other_4xx_problem_is_not_retried(status: int) -> None:
    outcome, server, sleeps = put_once([("problem", status, "Nope", "no detail")])
    assert outcome == Outcome("a1", False, status, "Nope", "no detail", 1)
    assert server.counts["a1"] == 1 and sleeps == []


def test_4xx_without_problem_body_uses_reason_phrase() -> None:
    outcome, server, _ = put_once([("status", 404)])
    assert outcome == Outcome("a1", False, 404, "Not Found", None, 1)
    assert server.counts["a1"] == 1


def test_attempts_exhausted_reports_last_status() -> None:
    outcome, server, sleeps = put_once([("status", 500)], default=("status", 503), max_attempts=3)
    assert outcome == Outcome("a1", False, 503, "Service Unavailable", None, 3)
    assert server.counts["a1"] == 3 and len(sleeps) == 2


def test_every_attempt_passes_through_the_rate_limiter() -> None:
    class Counting(RateLimiter):
        calls = 0

        def acquire(self) -> None:
            Counting.calls += 1
            super().acquire()

    outcome, _, _ = put_once([("status", 503), ("hang-up",)], rate=Counting(limit=0))
    assert outcome.attempts == 3 and Counting.calls == 3


# --- the token stays secret ------------------------------------------------------


def test_token_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    script: dict[str, list[Action]] = {
        "p": [("problem", 401, f"Bad token {TOKEN}", f"token {TOKEN} is revoked")],
        "h": [("hang-up",)] * 2,
        "d": [("drop",)] * 2,
        "s": [("slow", 0.6)] * 2,
    }
    outcomes: list[Outcome] = []
    with FaultServer(script) as server, make(server, max_attempts=2, timeout=0.2) as d:
        outcomes += [d.put(lead, BODY) for lead in script]
        texts = [repr(d), str(d)]
    with make(closed_port_url(), max_attempts=1) as d:
        outcomes.append(d.put("c", BODY))
    assert [o.delivered for o in outcomes] == [False] * 5
    assert outcomes[0].title == "Bad token [redacted]"
    assert outcomes[0].detail == "token [redacted] is revoked"
    texts += [repr(o) for o in outcomes] + [caplog.text]
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    for text in texts:
        assert TOKEN not in text and "S3cr3t" not in text


@pytest.mark.parametrize("token", ["", "has space", "line\nbreak", "naïve"])
def test_bad_token_is_refused_without_quoting_it(token: str) -> None:
    with pytest.raises(ValueError) as info:
        Delivery("http://127.0.0.1:1", token)
    if token:
        assert token not in str(info.value)
        assert all(part not in str(info.value) for part in token.split())


def test_repr_hides_url_credentials() -> None:
    with Delivery("http://user:pw@127.0.0.1:1", TOKEN, rate=RateLimiter(0)) as d:
        assert "pw" not in repr(d) and "127.0.0.1:1" in repr(d)


# --- RateLimiter with a simulated clock ------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.slept.append(seconds)
        self.now += seconds


def test_301st_request_waits_until_the_window_frees() -> None:
    clock = FakeClock()
    limiter = RateLimiter(300, 60.0, clock=clock, sleep=clock.sleep)
    for _ in range(300):
        limiter.acquire()
    assert clock.slept == [] and clock.now == 0.0
    limiter.acquire()
    assert clock.slept == [60.0] and clock.now == 60.0


def test_sliding_window_frees_slots_one_by_one() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, 10.0, clock=clock, sleep=clock.sleep)
    for t in (0.0, 4.0, 7.0):
        clock.now = t
        limiter.acquire()
    clock.now = 8.0
    limiter.acquire()  # waits for the 0.0 stamp to expire
    assert clock.now == 10.0
    limiter.acquire()  # waits for the 4.0 stamp
    assert clock.now == 14.0


def test_limit_honoured_over_a_long_simulated_run() -> None:
    clock = FakeClock()
    limiter = RateLimiter(300, 60.0, clock=clock, sleep=clock.sleep)
    rng = random.Random(7)
    stamps: list[float] = []
    for _ in range(5000):
        clock.now += rng.choice([0.0, 0.0, 0.01, 0.1, 0.5])
        limiter.acquire()
        stamps.append(clock.now)
    # Any 300 consecutive grants span at least a full period...
    assert all(stamps[i + 300] - stamps[i] >= 60.0 - 1e-9 for i in range(len(stamps) - 300))
    # ...and the limiter is not stricter than needed: it ran at the full rate.
    assert stamps[-1] <= (5000 / 300 + 1) * 60.0


def test_limit_zero_never_waits() -> None:
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(10_000):
        limiter.acquire()
    assert clock.slept == []


def test_rate_limiter_is_thread_safe_with_a_real_clock() -> None:
    limiter = RateLimiter(5, 0.2)
    grants: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            limiter.acquire()
            with lock:
                grants.append(time.monotonic())

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    # 20 grants at 5 per 0.2 s need three further windows.
    assert len(grants) == 20
    assert time.monotonic() - start >= 0.6 - 0.02


# --- deliver(): concurrency, callbacks, bounded queue ----------------------------


def test_deliver_concurrently_with_ordered_serialized_callbacks() -> None:
    concurrency, total = 4, 200
    events: list[tuple[str, str]] = []
    busy = threading.Lock()
    pulled = 0
    done = 0
    backlog: list[int] = []

    def items() -> Iterator[tuple[str, bytes]]:
        nonlocal pulled
        for i in range(total):
            pulled += 1
            backlog.append(pulled - done)
            yield f"L{i}", b'{"id":"L%d"}' % i

    def on_start(lead_id: str) -> None:
        assert busy.acquire(blocking=False), "callbacks overlap"
        try:
            assert server.counts[lead_id] == 0  # before the first request
            events.append(("start", lead_id))
            time.sleep(0.0005)
        finally:
            busy.release()

    def on_done(outcome: Outcome) -> None:
        nonlocal done
        assert busy.acquire(blocking=False), "callbacks overlap"
        try:
            assert outcome.delivered and outcome.attempts == 1
            events.append(("done", outcome.lead_id))
            done += 1
        finally:
            busy.release()

    with (
        FaultServer(default=("slow", 0.01)) as server,
        make(server, concurrency=concurrency) as d,
    ):
        d.deliver(items(), on_start, on_done)
    assert len(events) == 2 * total
    for i in range(total):
        lead = f"L{i}"
        assert events.count(("start", lead)) == 1 and events.count(("done", lead)) == 1
        assert events.index(("start", lead)) < events.index(("done", lead))
        assert server.counts[lead] == 1
    assert 2 <= server.max_in_flight <= concurrency
    assert max(backlog) <= 2 * concurrency + 1


def test_deliver_retries_inside_workers() -> None:
    script: dict[str, list[Action]] = {f"L{i}": [("status", 503)] for i in range(0, 20, 3)}
    script["bad"] = [("problem", 422, "Unprocessable", "bad lead")]
    outcomes: dict[str, Outcome] = {}
    with FaultServer(script) as server, make(server, concurrency=3) as d:
        items = [(f"L{i}", b"{}") for i in range(20)] + [("bad", b"{}")]
        d.deliver(items, lambda _: None, lambda o: outcomes.__setitem__(o.lead_id, o))
    assert len(outcomes) == 21
    assert all(outcomes[f"L{i}"].attempts == (2 if i % 3 == 0 else 1) for i in range(20))
    assert outcomes["bad"] == Outcome("bad", False, 422, "Unprocessable", "bad lead", 1)
    assert server.counts["bad"] == 1


def test_deliver_stops_and_reraises_when_a_callback_fails() -> None:
    started: list[str] = []

    def on_done(outcome: Outcome) -> None:
        raise RuntimeError("journal is full")

    with FaultServer() as server, make(server, concurrency=2) as d:
        items = ((f"L{i}", b"{}") for i in range(1000))
        with pytest.raises(RuntimeError, match="journal is full"):
            d.deliver(items, started.append, on_done)
    assert len(started) <= 3 * 2 + 1
    assert len(server.requests) == len(started)
