"""LL6xx: attribution metadata and consent evidence.

Fields live under ``metadata``; the flat intake body (``POST /leads/intake``)
carries ``trustedFormUrl``, ``landingPage``, ``referrer``, ``price`` and
``directPostPrice`` at the top level, and those are checked there too.
Values of the wrong type are skipped (the schema reports them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from leadlint.models import Applicability, Edit, Fix, FixAvailability, Severity, Violation
from leadlint.rules.base import Rule, rule
from leadlint.rules.metadata_data import (
    CERTIFICATE_FIELDS,
    IP_FIELDS,
    PAGE_FIELDS,
    PRICE_FIELDS,
    SERVER_MANAGED_METADATA,
    SERVER_MANAGED_SET,
    Address,
    Host,
    address_kind,
    certificate_url,
    field_texts,
    field_values,
    horizon,
    is_absolute_http,
    is_automated_agent,
    is_before,
    is_blank,
    is_future,
    is_set,
    label,
)


@rule(
    code="LL601",
    name="trustedform-not-https",
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    supersedes=("LL104",),
)
def trustedform_not_https(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a TrustedForm certificate URL (`metadata.trustedFormUrl`) that is
    not https. That is `http://`, no scheme at all, or another scheme.

    ## Why is this bad?
    Buyers and Leadping fetch certificates over https; a scheme-less value is
    not a URL at all, and the API's `uri` format rejects it.

    ## Example
    ```json
    {"metadata": {"trustedFormUrl": "http://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"trustedFormUrl": "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"}}
    ```

    ## Fix safety
    Safe: when the host and certificate id are sound, the fix writes the same
    URL with `https://`; it names the same certificate. URLs on other hosts
    are `trustedform-bad-host` (LL602), not this rule.

    ## Options
    None.
    """
    for pointer, value in field_texts(lead, CERTIFICATE_FIELDS):
        judged = certificate_url(value)
        if judged.host is Host.OTHER or judged.https:
            continue
        fix = None
        if judged.https_form is not None:
            edit = Edit("set", pointer, judged.https_form)
            fix = Fix("Use https", Applicability.SAFE, (edit,))
        yield Violation(pointer, f"{label(pointer)} is not an https URL", fix)


@rule(
    code="LL602",
    name="trustedform-bad-host",
    severity=Severity.ERROR,
    supersedes=("LL104",),
)
def trustedform_bad_host(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `metadata.trustedFormUrl` whose host is not
    `cert.trustedform.com` or `ping.trustedform.com`. Staging hosts are
    `trustedform-staging-host` (LL603) instead.

    ## Why is this bad?
    Only those hosts serve certificates; anything else (a landing page, a
    screenshot service, "N/A") is no evidence of consent.

    ## Example
    ```json
    {"metadata": {"trustedFormUrl": "https://www.example.com/thank-you"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"trustedFormUrl": "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the certificate.

    ## Options
    None.
    """
    for pointer, value in field_texts(lead, CERTIFICATE_FIELDS):
        if certificate_url(value).host is Host.OTHER:
            message = "is not on a TrustedForm certificate host (cert.trustedform.com or ping.trustedform.com)"
            yield Violation(pointer, f"{label(pointer)} {message}")


@rule(code="LL603", name="trustedform-staging-host", severity=Severity.WARNING)
def trustedform_staging_host(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `metadata.trustedFormUrl` on a TrustedForm staging host, such
    as `cert.staging.trustedform.com`.

    ## Why is this bad?
    Staging certificates come from test integrations; they are not consent
    evidence for a real consumer, and a production lead carrying one
    suggests a form still wired to the staging script.

    ## Example
    ```json
    {"metadata": {"trustedFormUrl": "https://cert.staging.trustedform.com/0123456789abcdef0123456789abcdef01234567"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"trustedFormUrl": "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"}}
    ```

    ## Fix safety
    No fix: a staging certificate has no production twin.

    ## Options
    None.
    """
    for pointer, value in field_texts(lead, CERTIFICATE_FIELDS):
        if certificate_url(value).host is Host.STAGING:
            yield Violation(pointer, f"{label(pointer)} is on a TrustedForm staging host")


@rule(
    code="LL604",
    name="trustedform-bad-certificate-id",
    severity=Severity.ERROR,
    supersedes=("LL104",),
)
def trustedform_bad_certificate_id(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a TrustedForm URL whose path is not a certificate id. Such as a
    screenshot or page path (`/abc.../screenshot`, `/privacy`), the bare
    host (`/`), or an id passed only in the query.

    ## Why is this bad?
    Only the certificate URL itself can be retained or verified. Legacy ids
    are 40 hex characters; newer ids are longer opaque tokens, so leadlint
    accepts any single path segment of 20 or more letters, digits, `_` or
    `-` (a trailing `/` and a query such as `?shared_token=` are fine).
    Certificate age (expired after 90 days) cannot be checked: the id
    carries no date.

    ## Example
    ```json
    {"metadata": {"trustedFormUrl": "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567/screenshot"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"trustedFormUrl": "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    for pointer, value in field_texts(lead, CERTIFICATE_FIELDS):
        judged = certificate_url(value)
        if judged.host is not Host.OTHER and not judged.certificate:
            yield Violation(pointer, f"{label(pointer)} path is not a certificate id")


@rule(
    code="LL605",
    name="trustedform-missing",
    severity=Severity.ERROR,
    options={"require-trustedform": False},
    supersedes=("LL101", "LL102", "LL104"),
)
def trustedform_missing(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports an empty TrustedForm certificate URL, or a missing one when
    certificates are required. Empty is `""` or spaces; with the option
    `require-trustedform`, a missing field or `null` is reported too.

    ## Why is this bad?
    An empty value means the TrustedForm script never ran on the form: the
    lead has no consent evidence. Buyers who require certificates reject
    such leads. (The `current` profile's schema requires the field too; with
    the option on, that finding is reported here instead of as LL101.)

    ## Example
    ```json
    {"metadata": {"trustedFormUrl": ""}}
    ```

    ## Use instead
    ```json
    {"metadata": {"trustedFormUrl": "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the certificate.

    ## Options
    `require-trustedform` (bool, default false): also report leads without
    the field or with `null`, at `metadata.trustedFormUrl` (at the top level
    for a flat intake body).
    """
    if not isinstance(lead, dict):
        return
    metadata = lead.get("metadata")
    if isinstance(metadata, dict):
        value = metadata.get("trustedFormUrl")
        if isinstance(value, str) and value and not value.isspace():
            return  # the common case, decided without the list below
    present = field_values(lead, CERTIFICATE_FIELDS)
    if any(value is not None and not is_blank(value) for _pointer, value in present):
        return  # a certificate, or a value of the wrong type (the schema's finding)
    blank = [pointer for pointer, value in present if value is not None]
    for pointer in blank:
        yield Violation(pointer, f"{label(pointer)} is empty")
    if not blank and options["require-trustedform"]:
        flat = not any(key in lead for key in ("metadata", "contact", "customer"))
        pointer = present[0][0] if present else CERTIFICATE_FIELDS[1 if flat else 0][0]
        yield Violation(pointer, f"{label(pointer)} is missing (a certificate is required)")


@rule(
    code="LL606",
    name="ip-address-invalid",
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
)
def ip_address_invalid(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `metadata.ipAddress` that is not one IPv4 or IPv6 address. Host
    names, address lists, CIDR blocks, octets with leading zeros
    (`010.0.0.1`, octal to some parsers) and surrounding spaces are not.

    ## Why is this bad?
    The address is audit evidence of where the consumer submitted the form;
    a value that is not an address proves nothing.

    ## Example
    ```json
    {"metadata": {"ipAddress": "73.12.200.5, 10.0.0.1"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"ipAddress": "73.12.200.5"}}
    ```

    ## Fix safety
    Safe when only surrounding spaces are wrong: the fix trims them. Empty
    values count as absent.

    ## Options
    None.
    """
    for pointer, value in field_texts(lead, IP_FIELDS):
        if address_kind(value) is not Address.INVALID:
            continue
        trimmed = value.strip()
        fix = None
        if trimmed != value and address_kind(trimmed) is not Address.INVALID:
            edit = Edit("set", pointer, trimmed)
            fix = Fix("Trim the spaces around the address", Applicability.SAFE, (edit,))
        yield Violation(pointer, f"{label(pointer)} is not an IPv4 or IPv6 address", fix)


@rule(code="LL607", name="ip-address-not-public", severity=Severity.WARNING)
def ip_address_not_public(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `metadata.ipAddress` that is not a public address. That is
    private, loopback, link-local, shared (CGNAT), documentation, reserved,
    multicast or unspecified space.

    ## Why is this bad?
    A consumer's browser reaches the form over the internet, so the captured
    address is public; a private or loopback one means the form recorded a
    proxy or server address, or the value was made up.

    ## Example
    ```json
    {"metadata": {"ipAddress": "192.168.1.20"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"ipAddress": "73.12.200.5"}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    for pointer, value in field_texts(lead, IP_FIELDS):
        if address_kind(value) is Address.NOT_PUBLIC:
            yield Violation(pointer, f"{label(pointer)} is not a public IP address")


@rule(code="LL608", name="url-not-absolute-http", severity=Severity.WARNING)
def url_not_absolute_http(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `metadata.landingPage` or `metadata.referrer` that is not an
    absolute `http://` or `https://` URL with a host.

    ## Why is this bad?
    Compliance reviews open these pages to see the consent language the
    consumer saw; a bare path (`/quote`), a domain without a scheme or a
    traffic-source label cannot be opened. Empty values count as absent.

    ## Example
    ```json
    {"metadata": {"landingPage": "/auto-insurance"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"landingPage": "https://www.example.com/auto-insurance"}}
    ```

    ## Fix safety
    No fix: the host and scheme would be guesses.

    ## Options
    None.
    """
    for pointer, value in field_texts(lead, PAGE_FIELDS):
        if not is_absolute_http(value):
            yield Violation(pointer, f"{label(pointer)} is not an absolute http(s) URL")


@rule(code="LL609", name="price-negative", severity=Severity.ERROR)
def price_negative(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a negative `metadata.price` or `metadata.directPostPrice`.

    ## Why is this bad?
    A lead is never sold for less than nothing; a negative price is a sign
    flip or a refund booked in the wrong place, and it skews buyer reports.

    ## Example
    ```json
    {"metadata": {"price": -12.5}}
    ```

    ## Use instead
    ```json
    {"metadata": {"price": 12.5}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    for pointer, value in field_values(lead, PRICE_FIELDS):
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            yield Violation(pointer, f"{label(pointer)} is negative")


@rule(code="LL610", name="timestamps-out-of-order", severity=Severity.ERROR)
def timestamps_out_of_order(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a lead whose `modifiedAt` is earlier than its `createdAt`.

    ## Why is this bad?
    A record cannot change before it exists: one of the two clocks or time
    zones is wrong, and every age or freshness figure built on them is too.
    Timestamps without an offset are read as UTC; unreadable ones are left
    to `invalid-format` (LL104).

    ## Example
    ```json
    {"createdAt": "2026-03-02T10:00:00Z", "modifiedAt": "2026-03-01T10:00:00Z"}
    ```

    ## Use instead
    ```json
    {"createdAt": "2026-03-01T10:00:00Z", "modifiedAt": "2026-03-02T10:00:00Z"}
    ```

    ## Fix safety
    No fix: leadlint cannot tell which timestamp is wrong.

    ## Options
    None.
    """
    if not isinstance(lead, dict):
        return
    created, modified = lead.get("createdAt"), lead.get("modifiedAt")
    if isinstance(created, str) and isinstance(modified, str) and is_before(modified, created):
        yield Violation("/modifiedAt", "`modifiedAt` is earlier than `createdAt`")


@rule(
    code="LL611",
    name="timestamp-in-future",
    severity=Severity.ERROR,
    options={"clock-skew-seconds": 300},
)
def timestamp_in_future(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports `createdAt`, `modifiedAt` or `metadata.createdAt` later than now.
    A few minutes of clock skew are allowed.

    ## Why is this bad?
    A lead captured in the future has a wrong clock, a wrong time zone or a
    day and month swapped; its age, and any consent window counted from it,
    is wrong. Timestamps without an offset are read as UTC.

    ## Example
    ```json
    {"createdAt": "2031-01-01T00:00:00Z"}
    ```

    ## Use instead
    ```json
    {"createdAt": "2026-01-01T00:00:00Z"}
    ```

    ## Fix safety
    No fix.

    ## Options
    `clock-skew-seconds` (int, default 300): how far ahead of now a
    timestamp may be before it is reported.
    """
    if not isinstance(lead, dict):
        return
    latest, latest_text = horizon(options["now"], options["clock-skew-seconds"])
    metadata = lead.get("metadata")
    stamps = [("/createdAt", lead.get("createdAt")), ("/modifiedAt", lead.get("modifiedAt"))]
    if isinstance(metadata, dict):
        stamps.append(("/metadata/createdAt", metadata.get("createdAt")))
    for pointer, value in stamps:
        if isinstance(value, str) and is_future(value, latest, latest_text):
            yield Violation(pointer, f"{label(pointer)} is in the future")


@rule(code="LL612", name="user-agent-suspicious", severity=Severity.WARNING)
def user_agent_suspicious(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `metadata.userAgent` that is empty or names an automated
    client. That is a bot or crawler, a command-line tool (`curl`, `wget`),
    an HTTP library (`python-requests`, `okhttp`, `axios`, Java, Go) or a
    headless browser (`HeadlessChrome`, PhantomJS, Selenium).

    ## Why is this bad?
    The user agent should be the consumer's browser at the moment of
    consent. A script's agent means the lead was posted by a server, not
    captured from a person: a sign of a resold or fabricated lead.

    ## Example
    ```json
    {"metadata": {"userAgent": "python-requests/2.32.3"}}
    ```

    ## Use instead
    ```json
    {"metadata": {"userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1"}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    if not isinstance(lead, dict) or not isinstance(lead.get("metadata"), dict):
        return
    value = lead["metadata"].get("userAgent")
    if not isinstance(value, str):
        return
    if not value.strip():
        yield Violation("/metadata/userAgent", "`metadata.userAgent` is empty")
    elif is_automated_agent(value):
        message = "`metadata.userAgent` names a bot, script or HTTP library, not a browser"
        yield Violation("/metadata/userAgent", message)


@rule(
    code="LL613",
    name="server-managed-field-set",
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
)
def server_managed_field_set(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports fields that Leadping itself records, set by the client. They are
    `metadata.complianceStatus`, `complianceBlockedReason`, the SMS consent
    fields (`smsConsentStatus`, `smsOptedOut`, `smsOptOutAt`, `smsOptInAt`,
    `smsHelpRequestedAt`, `smsConsentPhoneNumber`), `trustedFormCheckedAt`,
    `organizationId`, `userId`, `isImported`, `importBatchId`, and
    `contact.phone.phoneIdentityId`.

    ## Why is this bad?
    The API describes these as Leadping's own records: its compliance
    decision, SMS consent events, its TrustedForm check, the owning account,
    bulk imports, its phone identity. A client value is overwritten at best;
    at worst it claims consent or an opt-out that never happened. Such
    fields usually arrive in leads exported with `GET` and sent back.
    `null`, `false` and `""` count as not set (generated clients send them).

    ## Example
    ```json
    {"id": "a-1", "metadata": {"smsOptedOut": true}}
    ```

    ## Use instead
    ```json
    {"id": "a-1", "metadata": {}}
    ```

    ## Fix safety
    Unsafe: removes the field; leadlint cannot be sure the server ignores it.

    ## Options
    None.
    """
    if not isinstance(lead, dict):
        return
    metadata, contact = lead.get("metadata"), lead.get("contact")
    found = []
    if isinstance(metadata, dict) and not SERVER_MANAGED_SET.isdisjoint(metadata):
        found = [f"/metadata/{name}" for name in SERVER_MANAGED_METADATA if is_set(metadata, name)]
    if isinstance(contact, dict):
        phone = contact.get("phone")
        if isinstance(phone, dict) and is_set(phone, "phoneIdentityId"):
            found.append("/contact/phone/phoneIdentityId")
    for pointer in found:
        fix = Fix(
            "Remove the server-managed field", Applicability.UNSAFE, (Edit("remove", pointer),)
        )
        yield Violation(pointer, f"{label(pointer)} is managed by Leadping, not the client", fix)


RULES: tuple[Rule, ...] = (
    trustedform_not_https,
    trustedform_bad_host,
    trustedform_staging_host,
    trustedform_bad_certificate_id,
    trustedform_missing,
    ip_address_invalid,
    ip_address_not_public,
    url_not_absolute_http,
    price_negative,
    timestamps_out_of_order,
    timestamp_in_future,
    user_agent_suspicious,
    server_managed_field_set,
)
