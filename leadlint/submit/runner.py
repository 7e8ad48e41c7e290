"""The submit pipeline: lint gate -> journal -> PUT with rate limit and retries -> report.

Leads stream through: each is read, (optionally) fixed, linted with the same
settings as ``check``; leads with an error are rejected and never sent; the
rest are PUT to ``/leads/{id}`` unless the journal shows the same content
already delivered. The journal is written before and after every request,
so a killed run resumes without losing or needlessly resending a lead.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import orjson

from leadlint.api import collect_sources
from leadlint.config import Settings
from leadlint.engine import Engine
from leadlint.fixes import fix_lead
from leadlint.models import Diagnostic, Severity
from leadlint.readers import read_source
from leadlint.records import Record
from leadlint.submit.rejects import RejectsWriter

DEFAULT_JOURNAL = Path(".leadlint/journal.sqlite")
SOURCE_KEY_PREFIX = "lp_src_"


class SubmitError(Exception):
    """A submit that cannot start: bad URL, missing or wrong token (exit 2)."""


@dataclass(frozen=True, slots=True)
class SubmitOptions:
    base_url: str
    token_env: str = "LEADPING_API_TOKEN"
    concurrency: int = 4
    rate_limit: int = 300  # requests per rate_period; 0 = no limit
    rate_period: float = 60.0
    timeout: float = 10.0
    journal: Path = DEFAULT_JOURNAL
    dry_run: bool = False
    fix: bool = False
    rejects: Path | None = None
    allow_http: bool = False


@dataclass
class SubmitReport:
    leads: int = 0
    delivered: int = 0
    unchanged: int = 0
    rejected: int = 0
    would_send: list[str] = field(default_factory=list)
    failed: Counter[str] = field(default_factory=Counter)
    rejected_codes: Counter[str] = field(default_factory=Counter)

    @property
    def undelivered(self) -> int:
        return self.rejected + sum(self.failed.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "leads": self.leads,
            "delivered": self.delivered,
            "unchanged_skipped": self.unchanged,
            "rejected_by_lint": self.rejected,
            "rejected_codes": dict(sorted(self.rejected_codes.items())),
            "failed_by_status": dict(sorted(self.failed.items())),
            "dry_run_would_send": len(self.would_send),
        }


def check_base_url(url: str, allow_http: bool) -> str:
    """The base URL without a trailing slash; plain http only for loopback or when allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubmitError(f"--base-url must be an absolute http(s) URL, got `{url}`")
    if parts.scheme == "http" and not (allow_http or _loopback(parts.hostname)):
        raise SubmitError(
            "refusing plain http to a non-loopback host (the token would travel in clear); use https or --allow-http"
        )
    return url.rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_token(environ: Mapping[str, str], name: str) -> str:
    """The API token from the environment; a source key is refused (PUT rejects it)."""
    token = environ.get(name, "").strip()
    if not token:
        raise SubmitError(f"no API token: set the environment variable {name}")
    if token.startswith(SOURCE_KEY_PREFIX):
        raise SubmitError(
            f"{name} holds a source key ({SOURCE_KEY_PREFIX}...): PUT /leads/{{id}} accepts "
            "only a user token or an organization key"
        )
    return token


def submit_paths(
    paths: Sequence[str],
    settings: Settings,
    options: SubmitOptions,
    environ: Mapping[str, str],
    stdin: IO[bytes] | None = None,
) -> SubmitReport:
    """Lint, gate, journal and deliver every lead of ``paths``."""
    base_url = check_base_url(options.base_url, options.allow_http)
    token = None if options.dry_run else read_token(environ, options.token_env)
    engine = Engine(settings)
    report = SubmitReport()
    rejects = RejectsWriter(options.rejects) if options.rejects else None
    gate = _Gate(engine, settings, options, report, rejects)
    try:
        items = gate.items(paths, stdin)
        if options.dry_run:
            report.would_send.extend(lead_id for lead_id, _body in items)
        else:
            assert token is not None
            _deliver(items, base_url, token, options, report, gate)
    finally:
        gate.close()
        if rejects is not None:
            rejects.close()
    return report


class _Gate:
    """Reads and lints leads; yields (id, body) for those that may be sent."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        options: SubmitOptions,
        report: SubmitReport,
        rejects: RejectsWriter | None,
    ) -> None:
        from leadlint.submit.journal import Journal

        self.engine, self.settings, self.options = engine, settings, options
        self.report, self.rejects = report, rejects
        self.journal = None if options.dry_run else Journal.open(options.journal)

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()

    def items(self, paths: Sequence[str], stdin: IO[bytes] | None) -> Iterator[tuple[str, bytes]]:
        for source, path in collect_sources(paths, self.settings):
            codes = self.engine.codes_for(path)
            stream = stdin if path is None else path.open("rb")
            assert stream is not None
            try:
                for item in read_source(source, stream, self.engine.read_options):
                    if isinstance(item, Record):
                        found = self._admit(item, codes, source.format or "ndjson")
                        if found is not None:
                            yield found
            finally:
                if path is not None:
                    stream.close()

    def _admit(self, record: Record, codes: frozenset[str], fmt: str) -> tuple[str, bytes] | None:
        self.report.leads += 1
        lead = record.data
        problems = [p.code for p in record.problems if p.code in codes]
        if not record.checkable:
            self._reject(record, lead, problems or ["LL009"], [])
            return None
        if self.options.fix:
            lead = fix_lead(lead, lambda c: self.engine.check_lead(c, codes), unsafe=False).lead
        findings = self.engine.check_lead(lead, codes)
        errors = [d for d in findings if d.severity is Severity.ERROR]
        lead_id = lead.get("id") if isinstance(lead, dict) else None
        if not isinstance(lead_id, str) or not lead_id.strip():
            errors.append(_missing_id())
        if errors or problems:
            self._reject(record, lead, problems + [d.code for d in errors], errors)
            return None
        body = orjson.dumps(lead)
        assert isinstance(lead_id, str)
        if self.journal is not None:
            from leadlint.submit.journal import content_hash

            if not self.journal.should_send(lead_id, content_hash(body)):
                self.report.unchanged += 1
                return None
        return lead_id, body

    def _reject(
        self, record: Record, lead: Any, codes: list[str], errors: list[Diagnostic]
    ) -> None:
        self.report.rejected += 1
        self.report.rejected_codes.update(set(codes))
        lead_id = lead.get("id") if isinstance(lead, dict) else None
        if self.journal is not None and isinstance(lead_id, str) and lead_id:
            from leadlint.submit.journal import content_hash

            reason = ",".join(sorted(set(codes)))
            self.journal.mark_rejected(lead_id, content_hash(orjson.dumps(lead)), reason)
        if self.rejects is not None:
            self.rejects.add(record, lead, codes, errors)


def _missing_id() -> Diagnostic:
    from leadlint.models import Location
    from leadlint.rules.schema import MISSING_REQUIRED

    message = "Required field `id` is missing: submit sends each lead to /leads/{id}"
    return Diagnostic(
        MISSING_REQUIRED.code,
        MISSING_REQUIRED.name,
        Severity.ERROR,
        message,
        Location("", None, None, None, "/id"),
    )


def _deliver(
    items: Iterator[tuple[str, bytes]],
    base_url: str,
    token: str,
    options: SubmitOptions,
    report: SubmitReport,
    gate: _Gate,
) -> None:
    from leadlint.submit.client import Delivery, Outcome, RateLimiter
    from leadlint.submit.journal import content_hash

    journal = gate.journal
    assert journal is not None
    hashes: dict[str, str] = {}
    lock = threading.Lock()

    def bodies() -> Iterator[tuple[str, bytes]]:
        for lead_id, body in items:
            with lock:
                if lead_id in hashes:  # the same id twice at once: send one, report the other
                    report.rejected += 1
                    report.rejected_codes["LL701"] += 1
                    continue
                hashes[lead_id] = content_hash(body)
            yield lead_id, body

    def started(lead_id: str) -> None:
        journal.mark_pending(lead_id, hashes[lead_id])

    def done(outcome: Outcome) -> None:
        with lock:
            digest = hashes.pop(outcome.lead_id)
        if outcome.delivered:
            journal.mark_delivered(outcome.lead_id, digest, outcome.status or 0)
            report.delivered += 1
        else:
            journal.mark_failed(
                outcome.lead_id,
                digest,
                outcome.status,
                outcome.title,
                outcome.detail,
                outcome.attempts,
            )
            report.failed[str(outcome.status or "no response")] += 1

    rate = RateLimiter(options.rate_limit, options.rate_period)
    with Delivery(
        base_url, token, concurrency=options.concurrency, rate=rate, timeout=options.timeout
    ) as delivery:
        delivery.deliver(bodies(), started, done)
