"""Data and pure helpers behind the email rules (LL211-LL216).

Each helper takes a value and is cached by it: email-validator costs ~21 us a
call, so an exact fast path answers the common shape first (proven equal to
the library's verdict by tests/test_email_corpus.py) and lead files that
repeat domains pay for each domain once.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dns.resolver

CACHE_SIZE = 65_536


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Padding that copy and paste leaves around an address: horizontal white
# space (Unicode Zs and tab), zero-width space and byte-order mark. Line
# breaks are not padding: they are a broken export or header injection, and
# make the address invalid.
PADDING = "\t \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"  # fmt: skip

# Providers in order of how common they are in US/UK/CA leads: the first
# close one is the suggestion.
POPULAR_DOMAINS = _words(
    "gmail.com yahoo.com hotmail.com aol.com outlook.com icloud.com comcast.net msn.com "
    "live.com att.net sbcglobal.net verizon.net me.com ymail.com bellsouth.net charter.net "
    "cox.net mac.com earthlink.net juno.com rocketmail.com protonmail.com proton.me pm.me "
    "gmx.com gmx.net mail.com googlemail.com optonline.net frontier.com windstream.net "
    "centurylink.net roadrunner.com netzero.net aim.com zoho.com yandex.com fastmail.com "
    "tutanota.com mindspring.com embarqmail.com suddenlink.net q.com yahoo.co.uk "
    "hotmail.co.uk live.co.uk btinternet.com yahoo.ca hotmail.ca shaw.ca rogers.com sympatico.ca"
)
_POPULAR = frozenset(POPULAR_DOMAINS)
_LONGEST_NAME = max(len(d.partition(".")[0]) for d in POPULAR_DOMAINS)

# Real providers within a typo's reach of a popular one (from the npm
# `email-providers` list, ISC). Typo-squatting domains in that list, such as
# gmial.com, are left out on purpose: a lead with one is a typo.
NOT_TYPOS = frozenset(
    _words("earthling.net love.com netsero.net prontomail.com proto2mail.com y7mail.com ymail4.com")
)

# Suffixes whose one-letter slips (.con, .cmo, .om, .co) count as typos.
GENERIC_SUFFIXES = frozenset({"com", "net"})

# Mailboxes of a function rather than a person (RFC 2142 and common practice),
# compared after lower-casing and dropping a +tag.
ROLE_ACCOUNTS = frozenset(
    _words(
        """abuse accounting accounts admin administrator admissions billing bookings careers
    compliance contact contactus customercare customerservice do-not-reply do.not.reply
    do_not_reply donotreply enquiries enquiry feedback finance frontdesk ftp hello help
    helpdesk hostmaster hr info inquiries inquiry it jobs legal mail mailer-daemon marketing
    media news newsletter no-reply no.reply no_reply noc noreply office orders postmaster
    press privacy reception recruiting reservations root sales security service support
    sysadmin team usenet uucp webmaster www"""
    )
)

# Top-level names that can never receive mail from the internet: RFC 2606 and
# RFC 6761 (test, example, invalid, localhost), RFC 6762 (local), RFC 7686
# (onion), arpa, and ICANN's private-use `internal` (2024).
RESERVED_TLDS = frozenset(
    {"test", "example", "invalid", "localhost", "local", "onion", "arpa", "internal"}
)
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")

# Country-code TLDs in the root zone (ISO 3166-1 alpha-2 as delegated, plus
# ac, eu, su, uk). RFC 5321 allows mail to a bare TLD and ccTLDs are outside
# ICANN's 2013 ban on dotless domains, so `user@io` is valid syntax (the
# isemail corpus says so); `user@gmail` or `user@com` is not.
COUNTRY_TLDS = frozenset(
    _words(
        """ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo
    br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm
    do dz ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs
    gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn
    kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr
    ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn
    pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv
    sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi
    vn vu wf ws ye yt za zm zw"""
    )
)

# The common shape, all of it valid for email-validator: a dot-atom of ASCII
# atext, LDH labels without "--" (no Punycode, no RFC 5890 R-LDH), a TLD of
# letters; at most 64 characters, so no length limit is near.
_FAST = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]{2,63}"
)
_FAST_MAX = 64
_WELL_FORMED_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def fast_valid(address: str) -> bool:
    """True only for addresses that are certainly valid (False: ask the library)."""
    return len(address) <= _FAST_MAX and _FAST.fullmatch(address) is not None


def valid_syntax(address: str) -> bool:
    """Whether ``address`` (already trimmed) is a valid address, by LL211's standard."""
    return fast_valid(address) or judge_syntax(address)


@lru_cache(maxsize=CACHE_SIZE)
def judge_syntax(address: str) -> bool:
    """email-validator's verdict, with LL216's reserved names left to LL216.

    email-validator rejects special-use names (`localhost`, `.test`) and bare
    TLDs as syntax errors; LL216 reports reserved names and a bare ccTLD is
    valid, so such a last label is judged as `test` under the library's
    ``test_environment`` (the one reserved name it can be told to accept).
    """
    from email_validator import EmailNotValidError, validate_email

    local, at, domain = address.rpartition("@")
    last = domain.rpartition(".")[2].lower()
    probe, testing = address, False
    if at and (last in RESERVED_TLDS or ("." not in domain and last in COUNTRY_TLDS)):
        if len(address.encode("utf-8")) > 254:  # the library measures the original
            return False
        probe, testing = f"{local}@{domain[: len(domain) - len(last)]}test", True
    try:
        validate_email(
            probe,
            check_deliverability=False,
            allow_domain_literal=True,  # LL216 reports IP literals
            strict=True,  # local part at most 64 characters (RFC 5321 4.5.3.1.1)
            test_environment=testing,
        )
    except EmailNotValidError:
        return False
    return True


def reserved(domain: str) -> bool:
    """Whether a (lower-case) domain is reserved, special-use or an IP literal."""
    if domain.startswith("[") and domain.endswith("]"):
        return True
    if domain.rpartition(".")[2] in RESERVED_TLDS:
        return True
    return any(domain == d or domain.endswith("." + d) for d in RESERVED_DOMAINS)


@lru_cache(maxsize=CACHE_SIZE)
def disposable(domain: str) -> bool:
    """Whether the domain or a parent domain is on the disposable blocklist."""
    from disposable_email_domains import blocklist

    labels = domain.split(".")
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))


def role_account(local: str) -> bool:
    """Whether a local part names a function (info, sales...) rather than a person."""
    return local.lower().partition("+")[0] in ROLE_ACCOUNTS


def osa_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap costs 1."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current[j] = cost
        before, previous = previous, current
    return previous[-1]


def _reach(label: str) -> int:
    """How many slips a mistyped provider name may hold: more for longer names."""
    return 0 if len(label) <= 3 else 1 if len(label) <= 8 else 2


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@cache
def _typo_index() -> tuple[dict[str, list[int]], dict[str, list[int]], dict[str, int]]:
    """Symmetric-deletion indexes of the popular names (exact candidates, no scan).

    Two strings within OSA distance k share a string reachable by at most k
    deletions from each, so looking up a domain's deletions finds every
    popular name within reach; the distance itself is checked afterwards.
    """
    labels: dict[str, list[int]] = {}
    wholes: dict[str, list[int]] = {}
    bare: dict[str, int] = {}
    for n, domain in enumerate(POPULAR_DOMAINS):
        label = domain.partition(".")[0]
        bare.setdefault(label, n)
        for variant in _deletions(label, max(_reach(label), 1)):
            labels.setdefault(variant, []).append(n)
        for variant in _deletions(domain, 1):
            wholes.setdefault(variant, []).append(n)
    return labels, wholes, bare


@lru_cache(maxsize=CACHE_SIZE)
def typo_suggestion(domain: str) -> str | None:
    """The popular domain that a (lower-case) domain looks like a slip of, if any.

    A typo is: the provider's name within reach with the same suffix
    (gmial.com), the name with a one-letter slip in .com/.net (gmail.con,
    gmail.om), both at once for names of 5+ letters (hotmial.con), or a broken
    domain one edit away (gmailcom, gmail,com) or the bare name (gmail). The
    first letter must match: "email.com" and "tmail.com" are other providers.
    """
    if domain in NOT_TYPOS or domain in _POPULAR or not 0 < len(domain) <= 64:
        return None
    labels, wholes, bare = _typo_index()
    if _WELL_FORMED_DOMAIN.fullmatch(domain) is None:
        found = {n for v in _deletions(domain, 1) for n in wholes.get(v, ())}
        close = [n for n in found if osa_distance(domain, POPULAR_DOMAINS[n]) == 1]
        if domain in bare:
            close.append(bare[domain])
        return POPULAR_DOMAINS[min(close)] if close else None
    best: tuple[int, int] | None = None
    for label, suffix in _splits(domain):
        if len(label) > _LONGEST_NAME + 2:  # out of reach; spares long deletions
            continue
        for n in {n for v in _deletions(label, 2) for n in labels.get(v, ())}:
            distance = _slips(label, suffix, POPULAR_DOMAINS[n])
            if distance is not None and (best is None or (distance, n) < best):
                best = (distance, n)
    return POPULAR_DOMAINS[best[1]] if best else None


def _splits(domain: str) -> list[tuple[str, str]]:
    """(name, suffix) readings of a domain: at the first dot and at the last."""
    first = domain.split(".", 1)
    last = domain.rsplit(".", 1)
    return [(first[0], first[1]), (last[0], last[1])] if first != last else [(last[0], last[1])]


def _slips(label: str, suffix: str, popular: str) -> int | None:
    """Slips between (label, suffix) and a popular domain, if it counts as a typo."""
    name, _, home = popular.partition(".")
    if label[:1] != name[:1]:
        return None
    if suffix == home:
        distance = osa_distance(label, name)
        return distance if 1 <= distance <= _reach(name) else None
    if home in GENERIC_SUFFIXES and osa_distance(suffix, home) == 1:
        distance = osa_distance(label, name)
        return distance + 1 if distance <= (1 if len(name) >= 5 else 0) else None
    return None


@lru_cache(maxsize=16)
def _resolver(server: str, timeout: float) -> dns.resolver.Resolver:
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=not server)
    if server:
        host, port = _server_address(server)
        resolver.nameservers = [host]
        resolver.port = port
    resolver.timeout = resolver.lifetime = timeout
    return resolver


def _server_address(server: str) -> tuple[str, int]:
    """``IP``, ``IP:port`` or ``[IPv6]:port``."""
    import ipaddress

    match = re.fullmatch(
        r"\[([0-9A-Fa-f:.]+)\](?::(\d+))?|([^:]+)(?::(\d+))?|([0-9A-Fa-f:]+)", server
    )
    if match is None:
        raise ValueError(f"LL211 option dns-server: not an IP address: {server!r}")
    host = match[1] or match[3] or match[5]
    ipaddress.ip_address(host)  # dnspython takes addresses, not names
    return host, int(match[2] or match[4] or 53)


@lru_cache(maxsize=CACHE_SIZE)
def undeliverable(domain: str, server: str, timeout: float) -> bool:
    """Whether DNS says the domain takes no mail (NXDOMAIN, null MX, no MX/A/AAAA).

    A timeout or unreachable resolver proves nothing, so it is not reported.
    """
    import dns.resolver
    import idna
    from email_validator import EmailUndeliverableError
    from email_validator.deliverability import validate_email_deliverability

    try:
        ascii_domain = domain if domain.isascii() else idna.encode(domain, uts46=True).decode()
        resolver = _resolver(server, timeout)
    except (UnicodeError, dns.resolver.NoResolverConfiguration):
        return False
    try:
        validate_email_deliverability(ascii_domain, domain, dns_resolver=resolver)
    except EmailUndeliverableError:
        return True
    return False
