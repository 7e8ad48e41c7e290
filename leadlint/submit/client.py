"""HTTP delivery of leads to the Leadping API: ``PUT /leads/{id}``.

One :class:`Delivery` owns one keep-alive :class:`httpx.Client` shared by a
few worker threads. Every attempt first takes a slot from a sliding-window
:class:`RateLimiter` (Leadping allows 300 requests per 60 seconds). Retryable
failures (429, 408, 500, 502, 503, 504, timeouts, refused or dropped
connections) back off exponentially with full jitter, or wait exactly
``Retry-After`` when the server sends it. PUT is idempotent, so resending a lead
whose response was lost is safe.

The bearer token is a secret: it is sent only in the ``Authorization`` header
and never appears in an :class:`Outcome`, a ``repr`` or an exception message.
Transport errors are summarized by their class name only, because httpx and
h11 messages may quote request headers.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from leadlint import __version__

#: Statuses worth another attempt; every other non-2xx status is final.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Statuses whose ``Retry-After`` header is honoured.
RETRY_AFTER_STATUSES = frozenset({429, 503})
#: Transport errors worth another attempt (the request may not have arrived).
RETRY_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,  # ConnectError, ReadError, WriteError, CloseError
    httpx.RemoteProtocolError,  # connection closed mid-response
)
#: At most this much of a response body is read (problem details are small).
MAX_BODY = 64 * 1024
#: Server-provided ``title``/``detail`` strings are cut to this length.
MAX_TEXT = 1000
#: The shortest wait the rate limiter asks for, in seconds.
MIN_WAIT = 0.001


@dataclass(frozen=True)
class Outcome:
    """The final state of one lead after its last attempt."""

    lead_id: str
    delivered: bool
    #: HTTP status of the last response; None when no response arrived.
    status: int | None
    #: Problem-details ``title`` (else the reason phrase, or the transport error class).
    title: str | None
    #: Problem-details ``detail``; never request data.
    detail: str | None
    attempts: int


class RateLimiter:
    """At most ``limit`` acquisitions per ``period`` seconds (sliding window).

    Thread-safe. ``limit=0`` means unlimited. ``clock`` and ``sleep`` are
    injectable so tests can run a simulated clock.
    """

    def __init__(
        self,
        limit: int = 300,
        period: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 0:
            raise ValueError("limit must be >= 0")
        if not period > 0:
            raise ValueError("period must be > 0")
        self.limit = limit
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._expiries: deque[float] = deque()  # when each taken slot frees

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self.limit}, period={self.period})"

    def acquire(self) -> None:
        """Block until a slot is free, then take it."""
        if self.limit == 0:
            return
        while True:
            wait_for = self._try_acquire()
            if wait_for is None:
                return
            self._sleep(wait_for)

    def _try_acquire(self) -> float | None:
        """Take a slot and return None, or return how long until one frees."""
        with self._lock:
            now = self._clock()
            while self._expiries and self._expiries[0] <= now:
                self._expiries.popleft()
            if len(self._expiries) < self.limit:
                self._expiries.append(now + self.period)
                return None
            # A floor, so float rounding can never spin on a zero-length wait.
            return max(self._expiries[0] - now, MIN_WAIT)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date).

    A time in the past, or a negative number, gives 0; an unparseable value
    gives None.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    if current.tzinfo is None:
        current = current.replace(tzinfo=UTC)
    return max((when - current).total_seconds(), 0.0)


@dataclass(frozen=True)
class _Attempt:
    """What one HTTP attempt produced."""

    status: int | None
    title: str | None = None
    detail: str | None = None
    retry_after: float | None = None
    #: A transport error that may clear up (timeout, refused or dropped connection).
    transient: bool = False

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        if self.status is None:
            return self.transient
        return self.status in RETRY_STATUSES


def _problem(body: bytes) -> tuple[str | None, str | None]:
    """``title`` and ``detail`` of an RFC 9457 problem-details body, if any."""
    try:
        doc: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(doc, dict):
        return None, None
    title, detail = doc.get("title"), doc.get("detail")
    return (
        title if isinstance(title, str) else None,
        detail if isinstance(detail, str) else None,
    )


def _read_capped(response: httpx.Response, cap: int = MAX_BODY) -> bytes:
    """Up to ``cap`` bytes of the body; a longer body is left unread (and closed)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= cap:
            break
    return b"".join(chunks)[:cap]


def _redact_url(url: str) -> str:
    """``url`` without any ``user:password@`` part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def _check_token(token: str) -> None:
    """Refuse a token that cannot be a header value, without quoting it."""
    if not token:
        raise ValueError("the API token is empty")
    if any(not ("\x21" <= ch <= "\x7e") for ch in token):
        raise ValueError("the API token contains characters not allowed in an HTTP header")


def _lead_path(lead_id: str) -> str | None:
    """``/leads/{id}`` with the id as one percent-encoded segment, or None if unusable."""
    segment = quote(lead_id, safe="")
    if segment in {"", ".", ".."}:
        return None  # would address another resource after dot-segment removal
    return f"/leads/{segment}"


class Delivery:
    """PUTs leads to ``{base_url}/leads/{id}`` with retries, backoff and a rate limit."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        concurrency: int = 4,
        rate: RateLimiter | None = None,
        timeout: float = 10.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        _check_token(token)
        if concurrency < 1 or max_attempts < 1:
            raise ValueError("concurrency and max_attempts must be >= 1")
        if not timeout > 0:
            raise ValueError("timeout must be > 0")
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._concurrency = concurrency
        self._rate = rate if rate is not None else RateLimiter()
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self._rng_lock = threading.Lock()
        self._client = httpx.Client(
            base_url=self._base_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "User-Agent": f"leadlint/{__version__}",
            },
            timeout=httpx.Timeout(connect=5.0, read=timeout, write=timeout, pool=timeout),
            limits=httpx.Limits(max_keepalive_connections=concurrency, max_connections=concurrency),
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return (
            f"Delivery(base_url={_redact_url(self._base_url)!r}, "
            f"concurrency={self._concurrency}, max_attempts={self._max_attempts}, "
            f"rate={self._rate!r})"
        )

    def __enter__(self) -> Delivery:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def put(self, lead_id: str, body: bytes) -> Outcome:
        """PUT one lead, retrying as needed; never raises for HTTP or network failures."""
        return self._put(lead_id, body, None)

    def _put(self, lead_id: str, body: bytes, on_start: Callable[[str], None] | None) -> Outcome:
        path = _lead_path(lead_id)
        if path is None:
            if on_start is not None:
                on_start(lead_id)
            return Outcome(lead_id, False, None, "InvalidLeadId", "empty or dot-segment id", 0)
        attempts = 0
        while True:
            attempts += 1
            self._rate.acquire()
            if attempts == 1 and on_start is not None:
                on_start(lead_id)
            result = self._attempt(path, body)
            if result.delivered or not result.retryable or attempts >= self._max_attempts:
                return Outcome(
                    lead_id, result.delivered, result.status, result.title, result.detail, attempts
                )
            self._sleep(self._delay(result, attempts))

    def _delay(self, result: _Attempt, attempts: int) -> float:
        """Seconds before the next attempt: ``Retry-After`` if given, else full jitter."""
        if result.retry_after is not None:
            return result.retry_after
        ceiling = min(self._backoff_cap, self._backoff_base * 2 ** (attempts - 1))
        with self._rng_lock:
            return self._rng.uniform(0, ceiling)

    def _attempt(self, path: str, body: bytes) -> _Attempt:
        """One PUT; HTTP and transport failures become an :class:`_Attempt`."""
        try:
            with self._client.stream("PUT", path, content=body) as response:
                data = _read_capped(response)
                return self._judge(response, data)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return _Attempt(None, type(exc).__name__, transient=isinstance(exc, RETRY_ERRORS))

    def _judge(self, response: httpx.Response, data: bytes) -> _Attempt:
        status = response.status_code
        if 200 <= status < 300:
            return _Attempt(status)
        title, detail = _problem(data)
        retry_after = None
        if status in RETRY_AFTER_STATUSES:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return _Attempt(
            status,
            self._clean(title) or self._clean(response.reason_phrase),
            self._clean(detail),
            retry_after,
        )

    def _clean(self, text: str | None) -> str | None:
        """Server text, cut short, with the token masked should the server echo it."""
        if not text:
            return None
        return text[:MAX_TEXT].replace(self._token, "[redacted]")

    def deliver(
        self,
        items: Iterable[tuple[str, bytes]],
        on_start: Callable[[str], None],
        on_done: Callable[[Outcome], None],
    ) -> None:
        """PUT every item with ``concurrency`` threads, at most 2 x concurrency queued.

        ``on_start(lead_id)`` runs just before a lead's first attempt and
        ``on_done(outcome)`` after its last; both run in worker threads but
        never concurrently with each other. An exception from a callback stops
        the run: queued leads are dropped (their ``on_start`` never ran),
        running ones finish, and the exception is re-raised here.
        """
        lock = threading.Lock()

        def start(lead_id: str) -> None:
            with lock:
                on_start(lead_id)

        def work(lead_id: str, body: bytes) -> None:
            outcome = self._put(lead_id, body, start)
            with lock:
                on_done(outcome)

        pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="leadlint-submit")
        pending: set[Future[None]] = set()
        try:
            for lead_id, body in items:
                if len(pending) >= 2 * self._concurrency:
                    pending = _reap(pending, FIRST_COMPLETED)
                pending.add(pool.submit(work, lead_id, body))
            _reap(pending, ALL_COMPLETED)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _reap(pending: set[Future[None]], return_when: str) -> set[Future[None]]:
    """Wait for some (or all) futures, re-raise the first failure, return the rest."""
    done, rest = wait(pending, return_when=return_when)
    for future in done:
        future.result()
    return rest
