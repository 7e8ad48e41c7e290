"""LL211-LL216: the lead's email address (`contact.email`).

Every rule reads one cached analysis of the address (:func:`_inspect`), so a
lead costs one cache look-up per rule and a distinct address is analysed
once. Non-string, null or absent values are the schema rules' business.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from leadlint.models import Applicability, Edit, Fix, FixAvailability, Severity, Violation
from leadlint.rules import email_data as data
from leadlint.rules.base import Rule, rule

POINTER = "/contact/email"


@dataclass(frozen=True, slots=True)
class _Address:
    valid: bool
    domain: str  # lower-case
    tidy: str | None  # trimmed, domain lower-cased: set only when that changes it
    typo_of: str | None  # the popular domain it looks like a slip of
    typo_fixed: str | None  # the address with that domain, when it is valid
    reserved: bool
    disposable: bool
    role: bool


@lru_cache(maxsize=data.CACHE_SIZE)
def _inspect(value: str) -> _Address:
    trimmed = value.strip(data.PADDING)
    valid = data.valid_syntax(trimmed)
    local, at, domain_as_given = trimmed.rpartition("@")
    domain = domain_as_given.lower()
    # An address literal's tag is written `IPv6`; only names are lower-cased.
    tidy_domain = domain_as_given if domain.startswith("[") else domain
    tidy = None
    if valid and (trimmed != value or tidy_domain != domain_as_given):
        tidy = f"{local}@{tidy_domain}"
    typo_of = data.typo_suggestion(domain) if at else None
    typo_fixed = f"{local}@{typo_of}" if typo_of else None
    if typo_fixed is not None and not data.valid_syntax(typo_fixed):
        typo_of = typo_fixed = None
    return _Address(
        valid,
        domain,
        tidy,
        typo_of,
        typo_fixed,
        reserved=valid and data.reserved(domain),
        disposable=valid and data.disposable(domain),
        role=valid and data.role_account(local),
    )


def _address(lead: Any) -> _Address | None:
    if lead is _last_lead[0]:
        return _last_lead[1]  # type: ignore[no-any-return]  # the rules ask in a row
    contact = lead.get("contact") if isinstance(lead, dict) else None
    value = contact.get("email") if isinstance(contact, dict) else None
    found = _inspect(value) if isinstance(value, str) else None
    _last_lead[:] = [lead, found]
    return found


# The lead _address last answered for, and its answer (held, so its identity
# cannot be reused; rules never mutate a lead, so the answer holds).
_last_lead: list[Any] = [None, None]


@rule(
    code="LL211",
    name="email-invalid-syntax",
    severity=Severity.ERROR,
    options={"check-deliverability": False, "dns-timeout": 3.0, "dns-server": ""},
    supersedes=("LL104",),
)
def email_invalid_syntax(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports an email address that is not valid: checked with email-validator
    (no network), after trimming the padding that LL212 reports. With the
    `check-deliverability` option it also looks the domain up in DNS.

    A reserved domain (`localhost`, `.test`, an IP literal) is LL216's
    finding, not this one; a bare country-code TLD (`user@io`) is valid
    syntax, as RFC 5321 allows; any other domain needs a dot. Quoted local
    parts, comments and local parts over 64 characters are rejected, as
    lead forms do; internationalised addresses (`josé@bücher.de`) are valid.
    Line breaks are not padding: they make the address invalid.

    ## Why is this bad?
    An invalid address bounces, so the lead cannot be emailed, and it often
    means the form captured something else in the email field. The schema
    only checks for an `@`; this rule replaces that check (LL104).

    ## Example
    ```json
    {"contact": {"email": "ann.lee.@acme-insurance.com"}}
    ```

    ## Use instead
    ```json
    {"contact": {"email": "ann.lee@acme-insurance.com"}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the intended address.

    ## Options
    - `check-deliverability` (bool, default false): also report a domain
      that DNS says takes no email (it does not exist, has a null MX, or has
      no MX, A or AAAA record). This is the only email check that uses the
      network; results are cached per domain, and a timeout is not reported.
    - `dns-timeout` (float, default 3.0): seconds per DNS look-up.
    - `dns-server` (string, default ""): the resolver to ask, `IP` or
      `IP:port`; empty means the system's resolvers.
    """
    address = _address(lead)
    if address is None:
        return
    if not address.valid:
        yield Violation(POINTER, "`contact.email` is not a valid email address")
    elif (
        options.get("check-deliverability")
        and not address.reserved
        and data.undeliverable(
            address.domain, str(options.get("dns-server", "")), float(options["dns-timeout"])
        )
    ):
        yield Violation(POINTER, "`contact.email` domain does not accept email (DNS)")


@rule(
    code="LL212",
    name="email-whitespace-or-case",
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
)
def email_whitespace_or_case(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a valid email address with white space around it or upper-case
    letters in its domain.

    ## Why is this bad?
    Padding makes exact matching fail (duplicate checks, suppression lists,
    CRM look-ups) and some systems reject it. Domains are case-insensitive,
    so `Gmail.COM` and `gmail.com` are one mailbox provider, but stored
    addresses that differ only in case do not match.

    ## Example
    ```json
    {"contact": {"email": " Ann.Lee@Gmail.COM "}}
    ```

    ## Use instead
    ```json
    {"contact": {"email": "Ann.Lee@gmail.com"}}
    ```

    ## Fix safety
    Safe: the fix trims spaces, tabs, no-break and zero-width spaces and
    lower-cases the domain only. The local part is left as it is, because
    RFC 5321 lets a mail server treat its case as significant.

    ## Options
    None.
    """
    address = _address(lead)
    if address is not None and address.tidy is not None:
        fix = Fix(
            "Trim the address and lower-case its domain",
            Applicability.SAFE,
            (Edit("set", POINTER, address.tidy),),
        )
        yield Violation(
            POINTER, "`contact.email` has white space around it or an upper-case domain", fix
        )


@rule(
    code="LL213",
    name="email-domain-typo",
    severity=Severity.ERROR,
    fix=FixAvailability.ALWAYS,
    supersedes=("LL211", "LL214"),
)
def email_domain_typo(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports an email domain that looks like a slip of a popular provider:
    `gmial.com`, `yaho.com`, `hotmai.com`, `gmail.con`, `gmail.om`,
    `icloud.co`, `gmailcom`, or a bare `gmail`.

    It compares the domain with a shipped list of popular providers by
    Damerau-Levenshtein distance: one slip for names up to 8 letters, two for
    longer ones, none for names of 3 letters or fewer, whose neighbours are
    other providers (`aim.com`, `aol.com`); a one-letter slip in a `.com` or
    `.net` suffix; the first letter must match (`email.com` and `tmail.com`
    are real providers). Real providers that sit close to a popular one
    (`y7mail.com`) are never reported. When the domain typo is what makes the
    address invalid (`gmail,com`), this finding replaces LL211's; typo
    domains registered by squatters are often on the disposable list too,
    and this finding replaces LL214's.

    ## Why is this bad?
    Mail to a mistyped domain bounces or, worse, reaches a typo-squatter:
    the lead is lost and the person's messages go to a stranger.

    ## Example
    ```json
    {"contact": {"email": "ann.lee@gmial.com"}}
    ```

    ## Use instead
    ```json
    {"contact": {"email": "ann.lee@gmail.com"}}
    ```

    ## Fix safety
    Unsafe: the intended domain is a guess, however likely.

    ## Options
    None.
    """
    address = _address(lead)
    if address is not None and address.typo_fixed is not None:
        fix = Fix(
            f"Change the domain to {address.typo_of}",
            Applicability.UNSAFE,
            (Edit("set", POINTER, address.typo_fixed),),
        )
        message = f"`contact.email` domain looks like a typo of `{address.typo_of}`"
        yield Violation(POINTER, message, fix)


@rule(code="LL214", name="email-disposable-domain", severity=Severity.WARNING)
def email_disposable_domain(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports an email address at a disposable (throw-away) mail service, from
    the maintained `disposable-email-domains` blocklist; subdomains of a
    listed domain count too.

    ## Why is this bad?
    A disposable inbox expires within minutes or hours: the person gave an
    address they never meant to read, a common sign of a low-intent or
    fraudulent lead.

    ## Example
    ```json
    {"contact": {"email": "ann.lee@mailinator.com"}}
    ```

    ## Use instead
    ```json
    {"contact": {"email": "ann.lee@gmail.com"}}
    ```

    ## Fix safety
    No fix: only the person knows a lasting address.

    ## Options
    None.
    """
    address = _address(lead)
    if address is not None and address.disposable:
        yield Violation(POINTER, "`contact.email` is at a disposable email service")


@rule(code="LL215", name="email-role-account", severity=Severity.WARNING)
def email_role_account(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a role address such as `info@`, `sales@`, `support@`, `admin@`,
    `noreply@`, `office@` or `postmaster@` (RFC 2142 and common practice),
    ignoring case and a `+tag`.

    ## Why is this bad?
    A role mailbox reaches a team or nobody, not the person the lead is
    about; `noreply@` cannot receive mail at all. Consumer leads with role
    addresses are usually placeholders typed to get past a form.

    ## Example
    ```json
    {"contact": {"email": "info@acme-insurance.com"}}
    ```

    ## Use instead
    ```json
    {"contact": {"email": "ann.lee@acme-insurance.com"}}
    ```

    ## Fix safety
    No fix: only the person knows their own address.

    ## Options
    None.
    """
    address = _address(lead)
    if address is not None and address.role:
        yield Violation(POINTER, "`contact.email` is a role account, not a person's mailbox")


@rule(code="LL216", name="email-reserved-domain", severity=Severity.ERROR)
def email_reserved_domain(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports an email address whose domain can never receive mail from the
    internet: `example.com`, `example.net`, `example.org` and their
    subdomains; the reserved and special-use names `.test`, `.example`,
    `.invalid`, `.localhost`, `.local`, `.onion`, `.arpa`, `.internal` and
    bare `localhost`; and IP-address literals such as `user@[192.0.2.1]`.

    ## Why is this bad?
    These are test data or a misconfigured form, not a person's address.
    They are valid RFC syntax, so mail software accepts them, but nothing
    delivers to them.

    ## Example
    ```json
    {"contact": {"email": "ann.lee@example.com"}}
    ```

    ## Use instead
    ```json
    {"contact": {"email": "ann.lee@acme-insurance.com"}}
    ```

    ## Fix safety
    No fix: the real address is unknown.

    ## Options
    None.
    """
    address = _address(lead)
    if address is not None and address.reserved:
        what = "an IP address" if address.domain.startswith("[") else "a reserved name"
        yield Violation(POINTER, f"`contact.email` domain is {what} that cannot receive email")


RULES: tuple[Rule, ...] = (
    email_invalid_syntax,
    email_whitespace_or_case,
    email_domain_typo,
    email_disposable_domain,
    email_role_account,
    email_reserved_domain,
)
