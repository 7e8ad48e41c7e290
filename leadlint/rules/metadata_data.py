"""Where metadata fields are, and parsing: certificate URLs, IPs, URLs, agents, times.

Each parser is a pure function of one string. The slow paths (``urllib.parse``,
``ipaddress``) run at most once per distinct value (``lru_cache``); in front of
them sit exact fast paths for the common, well-formed value, each proven to
give the library's verdict by a differential test in
``tests/test_metadata_rules.py``.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import lru_cache, wraps
from typing import Any, TypeVar
from urllib.parse import SplitResult, urlsplit

_CACHE = 65536
T = TypeVar("T")


def remember_last(judge: Callable[[str], T]) -> Callable[[str], T]:
    """Keep the latest answer: several rules ask about one lead's value in a row.

    Values are mostly distinct between leads (certificate ids, IPs), so an LRU
    cache would only churn; this one slot turns four judgements into one.
    """
    last: tuple[Any, Any] = (None, None)

    @wraps(judge)
    def judge_once(value: str) -> T:
        nonlocal last
        seen, answer = last
        if seen is not value:
            answer = judge(value)
            last = (value, answer)
        return answer  # type: ignore[no-any-return]

    return judge_once


# --- where fields are ---------------------------------------------------------

# (pointer, name, under metadata?) of each place a field can be.
Field = tuple[str, str, bool]
CERTIFICATE_FIELDS: tuple[Field, ...] = (
    ("/metadata/trustedFormUrl", "trustedFormUrl", True),
    ("/trustedFormUrl", "trustedFormUrl", False),
)
IP_FIELDS: tuple[Field, ...] = (("/metadata/ipAddress", "ipAddress", True),)
PAGE_FIELDS: tuple[Field, ...] = (
    ("/metadata/landingPage", "landingPage", True),
    ("/metadata/referrer", "referrer", True),
    ("/landingPage", "landingPage", False),
    ("/referrer", "referrer", False),
)
PRICE_FIELDS: tuple[Field, ...] = (
    ("/metadata/price", "price", True),
    ("/metadata/directPostPrice", "directPostPrice", True),
    ("/price", "price", False),
    ("/directPostPrice", "directPostPrice", False),
)


def label(pointer: str) -> str:
    return "`" + pointer[1:].replace("/", ".") + "`"


_NO_FIELDS: dict[str, Any] = {}
_ABSENT = object()


def field_values(lead: Any, fields: tuple[Field, ...]) -> list[tuple[str, Any]]:
    """(pointer, value) of each field present, from ``metadata`` or the top level."""
    if not isinstance(lead, dict):
        return []
    metadata = lead.get("metadata")
    if not isinstance(metadata, dict):
        metadata = _NO_FIELDS
    found = []
    for pointer, name, nested in fields:
        value = (metadata if nested else lead).get(name, _ABSENT)
        if value is not _ABSENT:
            found.append((pointer, value))
    return found


def field_texts(lead: Any, fields: tuple[Field, ...]) -> list[tuple[str, str]]:
    """Like :func:`field_values`, keeping non-blank strings only (blank = absent).

    Written out rather than filtering field_values: this runs for every lead
    in seven rules, and the shared version costs the family 17% more
    instructions (callgrind).
    """
    if not isinstance(lead, dict):
        return []
    metadata = lead.get("metadata")
    if not isinstance(metadata, dict):
        metadata = _NO_FIELDS
    found = []
    for pointer, name, nested in fields:
        value = (metadata if nested else lead).get(name)
        if isinstance(value, str) and value and not value.isspace():
            found.append((pointer, value))
    return found


def is_blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def is_set(container: dict[str, Any], name: str) -> bool:
    value = container.get(name)
    return value is not None and value is not False and value != ""


# --- TrustedForm certificate URLs ------------------------------------------

PRODUCTION_HOSTS = frozenset({"cert.trustedform.com", "ping.trustedform.com"})
# Legacy certificate ids are 40 hex characters; newer ids are longer opaque
# tokens of URL-safe characters. A certificate URL is the id alone (an
# optional trailing slash; a query such as ``?shared_token=`` is allowed), so
# ``/<id>/screenshot``, ``/privacy`` or ``/?id=...`` are not certificates.
_CERTIFICATE_PATH = re.compile(r"/[A-Za-z0-9_-]{20,256}/?")
# Exactly the canonical form, which the slow path accepts on every count.
_CANONICAL_CERTIFICATE = re.compile(
    r"https://(?:cert|ping)\.trustedform\.com/[A-Za-z0-9_-]{20,256}/?"
)


class Host(Enum):
    PRODUCTION = "production"
    STAGING = "staging"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class CertificateUrl:
    """What a ``trustedFormUrl`` value is, judged once per distinct value."""

    https: bool
    host: Host
    certificate: bool  # the path names one certificate
    https_form: str | None = None  # the same URL over https, when only the scheme is wrong


CANONICAL = CertificateUrl(https=True, host=Host.PRODUCTION, certificate=True)


@remember_last
def certificate_url(value: str) -> CertificateUrl:
    """Judge a TrustedForm certificate URL (scheme, host, certificate id)."""
    if _CANONICAL_CERTIFICATE.fullmatch(value):
        return CANONICAL
    return judge_certificate_url(value)


@lru_cache(maxsize=_CACHE)
def judge_certificate_url(value: str) -> CertificateUrl:
    """The slow path of :func:`certificate_url`, without the canonical shortcut."""
    text = value.strip()
    # A scheme-less "cert.trustedform.com/..." or "//cert..." is a host and a path.
    schemeless = text.startswith("//") or "://" not in text
    rest = text.lstrip("/") if schemeless else text.split("://", 1)[1]
    parts = _split("//" + rest if schemeless else text)
    if parts is None:
        return CertificateUrl(https=False, host=Host.OTHER, certificate=False)
    scheme = parts.scheme.lower()
    host = _trustedform_host(parts)
    certificate = (
        host is not Host.OTHER
        and text.isprintable()
        and " " not in text
        and _CERTIFICATE_PATH.fullmatch(parts.path) is not None
    )
    https_form = None
    if scheme in ("", "http") and certificate:
        https_form = "https://" + rest
    return CertificateUrl(scheme == "https", host, certificate, https_form)


def _split(text: str) -> SplitResult | None:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    return parts


def _trustedform_host(parts: SplitResult) -> Host:
    hostname = (parts.hostname or "").rstrip(".")
    if hostname in PRODUCTION_HOSTS:
        return Host.PRODUCTION
    if hostname.endswith(".trustedform.com") and "staging" in hostname:
        return Host.STAGING
    return Host.OTHER


# --- IP addresses --------------------------------------------------------------


class Address(Enum):
    PUBLIC = "public"
    NOT_PUBLIC = "not-public"
    INVALID = "invalid"


# IPv4 space that is not publicly routable or is multicast, as Python 3.11's
# ``ipaddress`` sees it (``not is_global or is_multicast``): private,
# loopback, link-local, shared (CGNAT), documentation, benchmarking,
# reserved, multicast, unspecified and broadcast.
_IPV4_NOT_PUBLIC = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/29", "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)  # fmt: skip
IPV4_NOT_PUBLIC = sorted(ipaddress.IPv4Network(n) for n in _IPV4_NOT_PUBLIC)
_STARTS = tuple(int(n.network_address) for n in IPV4_NOT_PUBLIC)
_ENDS = tuple(int(n.broadcast_address) for n in IPV4_NOT_PUBLIC)
# Exactly the octets ``ipaddress`` accepts: ASCII digits, no leading zeros.
_OCTETS = {str(number): number for number in range(256)}


def ip_address_kind(value: str) -> Address:
    """Whether an IP address is valid, and whether it is public."""
    parts = value.split(".")
    if len(parts) == 4:
        get = _OCTETS.get
        a, b, c, d = get(parts[0]), get(parts[1]), get(parts[2]), get(parts[3])
        if a is not None and b is not None and c is not None and d is not None:
            number = (a << 24) | (b << 16) | (c << 8) | d
            index = bisect_right(_STARTS, number) - 1
            if index >= 0 and number <= _ENDS[index]:
                return Address.NOT_PUBLIC
            return Address.PUBLIC
    return judge_address(value)


# LL606 and LL607 ask about the same value in a row.
address_kind = remember_last(ip_address_kind)


@lru_cache(maxsize=_CACHE)
def judge_address(value: str) -> Address:
    """The slow path of :func:`address_kind`: ``ipaddress`` itself."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return Address.INVALID
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_multicast or not address.is_global:
        return Address.NOT_PUBLIC
    return Address.PUBLIC


# --- page URLs -----------------------------------------------------------------


@lru_cache(maxsize=_CACHE)
def is_absolute_http(value: str) -> bool:
    """Whether a URL is absolute http(s) with a host."""
    parts = _split(value)
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        return False
    host = parts.hostname or ""
    return bool(host) and host.isprintable() and " " not in host


# --- user agents ---------------------------------------------------------------

# Command-line tools, HTTP libraries, headless browsers and crawlers. "bot"
# must end a word ("Googlebot/2.1", not "Abbott") and not be the phone brand
# Cubot ("CUBOT P30").
_AUTOMATED_AGENT = re.compile(
    r"curl|wget|python-requests|python-urllib|go-http-client|okhttp|headlesschrome"
    r"|phantomjs|selenium|(?<!cu)bot(?![a-z])|spider|crawl|scrapy|httpclient|java/"
    r"|libwww-perl|axios|node-fetch|postman",
    re.IGNORECASE,
)


@lru_cache(maxsize=_CACHE)
def is_automated_agent(value: str) -> bool:
    """Whether a user agent names a bot, script or HTTP library."""
    return _AUTOMATED_AGENT.search(value) is not None


# --- timestamps ----------------------------------------------------------------


def parse_timestamp(value: str) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime; naive ones are read as UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _utc_seconds(value: str) -> bool:
    """Shaped like "2026-03-01T10:00:00Z": if valid, its text sorts as its time."""
    return len(value) == 20 and value[10] == "T" and value[19] == "Z" and value.isascii()


@lru_cache(maxsize=16)
def horizon(now: datetime, skew_seconds: int) -> tuple[datetime, str]:
    """The latest acceptable time, and the same truncated to seconds as UTC text."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    latest = now + timedelta(seconds=skew_seconds)
    return latest, latest.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_future(value: str, latest: datetime, latest_text: str) -> bool:
    """Whether a readable timestamp is later than ``latest``; unreadable ones are not."""
    if _utc_seconds(value) and value <= latest_text:
        return False  # exact: readable or not, it is no finding
    moment = parse_timestamp(value)
    return moment is not None and moment > latest


def is_before(value: str, other: str) -> bool:
    """Whether both timestamps are readable and ``value`` is earlier than ``other``."""
    if _utc_seconds(value) and _utc_seconds(other) and value >= other:
        return False  # exact: readable or not, it is no finding
    moment, reference = parse_timestamp(value), parse_timestamp(other)
    return moment is not None and reference is not None and moment < reference


# --- fields the server manages -------------------------------------------------

# LeadMetadata fields whose OpenAPI descriptions say Leadping records them:
# its compliance decision, SMS consent events (STOP/HELP replies), its own
# TrustedForm check, the owning organization and user (the PUT reference
# returns `userId` but does not take it), and bulk imports.
SERVER_MANAGED_METADATA = (
    "complianceStatus",
    "complianceBlockedReason",
    "smsConsentStatus",
    "smsOptedOut",
    "smsOptOutAt",
    "smsOptInAt",
    "smsHelpRequestedAt",
    "smsConsentPhoneNumber",
    "trustedFormCheckedAt",
    "organizationId",
    "userId",
    "isImported",
    "importBatchId",
)
SERVER_MANAGED_SET = frozenset(SERVER_MANAGED_METADATA)
