"""The metadata rules (LL6xx) beyond their case files.

Differential tests prove the fast paths give the libraries' verdicts
(``urllib.parse`` for certificate URLs, ``ipaddress`` for addresses) on the
corpora and on boundary values; corpus tests count false alarms.
"""

from __future__ import annotations

import ipaddress
import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from leadlint.api import lint_leads
from leadlint.config import Settings
from leadlint.rules import metadata
from leadlint.rules.metadata_data import (
    _IPV4_NOT_PUBLIC,
    SERVER_MANAGED_METADATA,
    Address,
    address_kind,
    certificate_url,
    horizon,
    is_before,
    is_future,
    judge_address,
    judge_certificate_url,
    parse_timestamp,
)
from leadlint.schema import SchemaChoice

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
EASTERN = timezone(timedelta(hours=-5))
CODES = tuple(r.code for r in metadata.RULES)
HEX40 = "0123456789abcdef0123456789abcdef01234567"


@cache
def generated_leads(count: int = 3000) -> tuple[dict[str, Any], ...]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate_leads import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return tuple(generate(count, 7, 0.0))


@cache
def naughty_strings() -> tuple[str, ...]:
    strings = json.loads((CORPORA / "fuzz" / "blns.json").read_text(encoding="utf-8"))
    return tuple(s for s in strings if isinstance(s, str))


def options(**extra: Any) -> dict[str, Any]:
    return {"require-trustedform": False, "clock-skew-seconds": 300, "now": NOW, **extra}


def findings(lead: Any, **extra: Any) -> Iterator[tuple[str, str, str]]:
    """(code, pointer, message) of every metadata rule, called directly."""
    for rule in metadata.RULES:
        assert rule.check is not None
        for violation in rule.check(lead, options(**extra)):
            yield rule.code, violation.pointer, violation.message


# --- certificate URLs: fast path == slow path --------------------------------


def certificate_variants() -> Iterator[str]:
    for lead in generated_leads():
        url = lead["metadata"]["trustedFormUrl"]
        yield url
        yield url.replace("https://", "http://")
        yield url + "/"
        yield url + "/screenshot"
        yield url.upper()
        yield url[:-25]
    host = "https://cert.trustedform.com/"
    for token in (
        "a" * 19,
        "a" * 20,
        "a" * 256,
        "a" * 257,
        "ab-_CD" * 5,
        "ab.cd" * 5,
        HEX40 + "\n",
    ):
        yield host + token
        yield host.replace("cert", "ping") + token
    yield from naughty_strings()
    yield from (host + s for s in naughty_strings())


def test_canonical_certificate_shortcut_agrees_with_the_parser() -> None:
    disagree = [v for v in certificate_variants() if certificate_url(v) != judge_certificate_url(v)]
    assert disagree == []


def test_generated_certificate_urls_are_all_sound() -> None:
    for lead in generated_leads():
        judged = certificate_url(lead["metadata"]["trustedFormUrl"])
        assert judged.https and judged.certificate and judged.https_form is None


# --- IP addresses: fast path == ipaddress ------------------------------------


def ipv4_probes() -> Iterator[str]:
    rng = random.Random(11)
    for network in _IPV4_NOT_PUBLIC:
        net = ipaddress.IPv4Network(network)
        first, last = int(net.network_address), int(net.broadcast_address)
        for number in (first - 1, first, first + 1, last - 1, last, last + 1):
            if 0 <= number < 2**32:
                yield str(ipaddress.IPv4Address(number))
    for _ in range(40_000):
        yield str(ipaddress.IPv4Address(rng.getrandbits(32)))
    for lead in generated_leads():
        yield lead["metadata"]["ipAddress"]


def malformed_ipv4() -> Iterator[str]:
    for text in ("0", "00", "01", "010", "255", "256", "1e1", " 1", "1 ", "+1", "-1", "٣", "0x1"):
        yield f"{text}.1.2.3"
        yield f"1.2.3.{text}"
    yield from ("1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4\n", ".1.2.3.4", "1.2.3.4.")
    yield from naughty_strings()


def test_ipv4_fast_path_agrees_with_ipaddress() -> None:
    values = [*ipv4_probes(), *malformed_ipv4()]
    disagree = [v for v in values if address_kind(v) != judge_address.__wrapped__(v)]
    assert disagree == []


def test_ipv4_fast_path_is_taken_for_well_formed_addresses() -> None:
    judge_address.cache_clear()
    for lead in generated_leads():
        address_kind(lead["metadata"]["ipAddress"])
    assert judge_address.cache_info().currsize == 0


def test_the_not_public_table_is_what_ipaddress_calls_not_global_or_multicast() -> None:
    # Sample each table network's interior too, not only its edges.
    rng = random.Random(5)
    for network in _IPV4_NOT_PUBLIC:
        net = ipaddress.IPv4Network(network)
        for _ in range(50):
            number = int(net.network_address) + rng.randrange(net.num_addresses)
            text = str(ipaddress.IPv4Address(number))
            assert judge_address.__wrapped__(text) is Address.NOT_PUBLIC, text


# --- timestamps: text comparison == parsed comparison --------------------------


def timestamp_probes() -> Iterator[str]:
    rng = random.Random(13)
    for lead in generated_leads():
        yield from (lead["createdAt"], lead["modifiedAt"], lead["metadata"]["createdAt"])
    for _ in range(20_000):
        moment = NOW + timedelta(seconds=rng.randint(-400, 400) * rng.choice((1, 60, 86_400)))
        yield moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        yield moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        yield moment.astimezone(EASTERN).isoformat()
    yield from ("2026-13-01T00:00:00Z", "2026-11-26T24:00:00Z", "9999-12-31T23:59:60Z")
    yield from ("2026-11-26T12:05:00Z", "2026-11-26T12:05:01Z", "2026-11-26T12:04:59Z")
    yield from (
        "2026-11-26 12:06:00Z",
        "2026-11-26T12:06:00z",
        "\uff12\uff10\uff12\uff16-11-26T12:06:00Z",
    )
    yield from naughty_strings()


def slow_is_future(value: str, latest: datetime) -> bool:
    moment = parse_timestamp(value)
    return moment is not None and moment > latest


@pytest.mark.parametrize("now", [NOW, NOW + timedelta(microseconds=999_999)])
def test_is_future_text_shortcut_agrees_with_parsing(now: datetime) -> None:
    latest, latest_text = horizon(now, 300)
    values = list(timestamp_probes())
    disagree = [v for v in values if is_future(v, latest, latest_text) != slow_is_future(v, latest)]
    assert disagree == []


def test_is_before_text_shortcut_agrees_with_parsing() -> None:
    values = list(timestamp_probes())[:8000]
    rng = random.Random(17)
    for _ in range(30_000):
        first, second = rng.choice(values), rng.choice(values)
        one, other = parse_timestamp(first), parse_timestamp(second)
        expected = one is not None and other is not None and one < other
        assert is_before(first, second) == expected, (first, second)


# --- corpora: no false alarms, no crash, no echo ------------------------------


def test_generated_clean_leads_raise_no_metadata_finding() -> None:
    found = [f for lead in generated_leads() for f in findings(lead)]
    assert found == []


STRING_FIELDS = (
    "trustedFormUrl", "ipAddress", "landingPage", "referrer", "userAgent", "createdAt",
    "complianceStatus",
)  # fmt: skip


def test_naughty_strings_in_every_field_never_crash_or_echo() -> None:
    for value in naughty_strings():
        for field in STRING_FIELDS:
            lead = {"createdAt": value, "modifiedAt": value, "metadata": {field: value}}
            for _code, _pointer, message in findings(lead, **{"require-trustedform": True}):
                if len(value.strip()) >= 12:
                    assert value not in message


@pytest.mark.parametrize(
    "lead",
    [None, 1, "x", [], {"metadata": None}, {"metadata": []}, {"metadata": {"price": None}}],
)
def test_any_shape_is_tolerated(lead: Any) -> None:
    assert list(findings(lead)) == []


def test_every_server_managed_field_is_in_the_openapi_lead_metadata() -> None:
    document = json.loads((SHARED / "leadping" / "openapi-2026-08.json").read_text("utf-8"))
    schemas = document["components"]["schemas"]
    assert set(SERVER_MANAGED_METADATA) <= set(schemas["LeadMetadata"]["properties"])
    assert "phoneIdentityId" in schemas["Phone"]["properties"]


# --- with the engine: one finding per problem ----------------------------------


def codes_at(
    lead: dict[str, Any], profile: str = "put", **rule_options: Any
) -> set[tuple[str, str]]:
    settings = Settings(
        schema=SchemaChoice(profile=profile),
        now=NOW,
        rule_options=tuple((code, tuple(values.items())) for code, values in rule_options.items()),
    )
    return {(d.code, d.location.pointer) for d in lint_leads([lead], settings)}


def test_a_schemeless_certificate_url_is_one_finding_not_two() -> None:
    found = codes_at({"metadata": {"trustedFormUrl": "cert.trustedform.com/" + HEX40}})
    assert found == {("LL601", "/metadata/trustedFormUrl")}


def test_a_required_certificate_is_reported_once_under_the_current_profile() -> None:
    lead: dict[str, Any] = {
        "metadata": {},
        "contact": {},
        "customer": {},
        "tagIds": [],
        "tagNames": [],
    }
    found = codes_at(lead, "current", LL605={"require-trustedform": True})
    assert found == {("LL605", "/metadata/trustedFormUrl")}


def test_an_empty_certificate_url_is_reported_as_missing_not_as_a_bad_uri() -> None:
    found = codes_at({"metadata": {"trustedFormUrl": ""}})
    assert found == {("LL605", "/metadata/trustedFormUrl")}
