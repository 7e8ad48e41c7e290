"""Screens: one cheap test per rule family that a lead gives the family nothing to report.

Most leads are clean, and running a family's rules on a clean lead costs a
generator, a field walk and a cache look-up per rule. A screen reads the
family's fields once and answers True only when it is certain that none of
the family's rules reports anything for the lead; the engine then skips the
family. Anything unusual (a value not in its common, well-formed shape, a
lead with flat intake fields, a non-default option it does not model) makes
it answer False, and the rules run as always. So a screen never changes a
finding, only how fast a clean lead is passed; ``tests/test_screens.py``
checks that on the rule cases, the corpora and generated leads.

A screen is built once per file from every rule's options (a
:data:`~leadlint.rules.base.ScreenFactory`); a factory returns None when the
options are ones it does not model (the family then always runs). With
the compiled core (:mod:`leadlint.core`), a factory returns its compiled
twin, built with the same parameters and tested to answer the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from leadlint.core import CORE
from leadlint.rules import email_data
from leadlint.rules.address_data import (
    FAST_PATH_EXCLUDED,
    FAST_PATH_SUFFIXES,
    USPS_CODES,
    ZIP_FORMAT,
    LineKind,
    street_kind,
    zip_states,
)
from leadlint.rules.base import Screen, ScreenFactory
from leadlint.rules.customer_data import CREDIT_MODELS, ENUM_SETS, credit_model, iso_date
from leadlint.rules.metadata_data import (
    IPV4_NOT_PUBLIC,
    SERVER_MANAGED_SET,
    Address,
    horizon,
    ip_address_kind,
    is_absolute_http,
    is_automated_agent,
)
from leadlint.rules.names_data import PLACEHOLDER_PAIRS, assess_name
from leadlint.rules.phone_data import nanp_verdict, normalise_state, npa_states, state_codes

Options = Mapping[str, Mapping[str, Any]]


# --- names (LL201-LL206) -------------------------------------------------------

# Every way to cut a placeholder pair ("john q public") into a first and a last key.
_PAIR_CUTS = [pair.split(" ") for pair in PLACEHOLDER_PAIRS]
_PAIR_HEADS = frozenset(" ".join(w[:i]) for w in _PAIR_CUTS for i in range(1, len(w)))
_PAIR_TAILS = frozenset(" ".join(w[i:]) for w in _PAIR_CUTS for i in range(1, len(w)))


@lru_cache(maxsize=65536)
def _name(value: str) -> tuple[int, bool, bool, bool, str]:
    """(placeholder level, clean otherwise, may start a pair, may end one, folded normalized)."""
    found = assess_name(value)
    clean = (
        not found.has_digit
        and (found.has_letter or not found.normalized)
        and not found.mashed
        and value == found.normalized
        and found.recased is None
    )
    head, tail = found.key in _PAIR_HEADS, found.key in _PAIR_TAILS
    return found.placeholder, clean, head, tail, found.normalized.casefold()


def names_screen(options: Options) -> Screen | None:
    if options["LL201"]["extra-placeholders"]:
        return None
    if CORE is not None:
        return CORE.NamesScreen(_name)  # type: ignore[no-any-return]

    def quiet(lead: Any) -> bool:
        contact = lead.get("contact") if isinstance(lead, dict) else None
        if not isinstance(contact, dict):
            return True
        first, last = contact.get("firstName"), contact.get("lastName")
        if isinstance(first, str):
            level, clean, head, tail, folded = _name(first)
            if level or not clean:
                return False
            if isinstance(last, str):
                level, clean, last_head, last_tail, last_folded = _name(last)
                if level > 1 or not clean or (folded and folded == last_folded):
                    return False
                # A stock pair ("john doe"), in either order.
                return not ((head and last_tail) or (last_head and tail))
        elif isinstance(last, str):
            level, clean = _name(last)[:2]
            return level < 2 and clean
        return True

    return quiet


# --- email (LL211-LL216) -------------------------------------------------------

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+[a-z]{2,63}")


@lru_cache(maxsize=65536)
def _clean_domain(domain: str) -> bool:
    """A lower-case domain of the common shape that no email rule objects to."""
    return (
        _DOMAIN.fullmatch(domain) is not None
        and email_data.typo_suggestion(domain) is None
        and not email_data.reserved(domain)
        and not email_data.disposable(domain)
    )


def email_screen(options: Options) -> Screen | None:
    if options["LL211"].get("check-deliverability"):
        return None
    if CORE is not None:
        return CORE.EmailScreen(_clean_domain, email_data.ROLE_ACCOUNTS)  # type: ignore[no-any-return]

    def quiet(lead: Any) -> bool:
        contact = lead.get("contact") if isinstance(lead, dict) else None
        value = contact.get("email") if isinstance(contact, dict) else None
        if not isinstance(value, str):
            return True
        local, _, domain = value.rpartition("@")
        return (
            len(value) <= 64
            and _clean_domain(domain)
            and _LOCAL.fullmatch(local) is not None
            and local.lower().partition("+")[0] not in email_data.ROLE_ACCOUNTS
        )

    return quiet


# --- phone (LL301-LL308) -------------------------------------------------------

# E.164 NANP outside the 555 exchange (whose 555-01xx is the fiction range).
_E164_NANP = re.compile(r"\+1[2-9][0-9]{2}(?!555)[2-9][0-9]{6}").fullmatch
# Ten repeated digits, or a run up or down: LL304's placeholders.
_RUNS = "0123456789" * 2, "9876543210" * 2
_PLACEHOLDERS = frozenset(
    "+1" + national
    for national in (
        *(digit * 10 for digit in "0123456789"),
        *(run[start : start + 10] for run in _RUNS for start in range(10)),
    )
)
_ANY_STATE: frozenset[str] = frozenset()  # an area code without geodata: no LL308


@lru_cache(maxsize=4096)
def _state_code(text: str) -> str | None:
    """LL308's reading of a state or province (a code, or a name such as "N.Y.")."""
    return state_codes().get(normalise_state(text))


def phone_screen(options: Options) -> Screen | None:
    types = options["LL305"]["types"]
    kinds = {3: "toll-free", 4: "premium-rate", 5: "shared-cost"}
    # Area code -> the states it serves (_ANY_STATE: no geodata), or None
    # when its numbers are invalid or of a type LL305 reports.
    area_codes: dict[str, frozenset[str] | None] = {}

    def served(npa: str) -> frozenset[str] | None:
        verdict = nanp_verdict(npa)
        if verdict is None or not verdict.valid:
            return None
        kind = kinds.get(verdict.number_type)
        if kind is not None and kind in types:
            return None
        return npa_states().get(npa, _ANY_STATE)

    if CORE is not None:
        return CORE.PhoneScreen(_PLACEHOLDERS, area_codes, served, _state_code, _ANY_STATE)  # type: ignore[no-any-return]

    def quiet(lead: Any) -> bool:
        contact: Any = lead.get("contact") if isinstance(lead, dict) else None
        phone = contact.get("phone") if isinstance(contact, dict) else None
        if not isinstance(phone, dict):
            return True
        text = phone.get("number")
        lookup = phone.get("lookup")
        if isinstance(lookup, dict):
            if lookup.get("isValid") is False:
                return False
            other = lookup.get("number")
            if isinstance(other, str) and other != text and other.strip():
                return False
        if not isinstance(text, str):
            return True
        if not _E164_NANP(text) or text in _PLACEHOLDERS:
            return False
        npa = text[2:5]
        if npa in area_codes:
            states = area_codes[npa]
        else:
            states = area_codes[npa] = served(npa)
        if states is None:
            return False
        if states is _ANY_STATE:
            return True
        address = contact.get("streetAddress")
        if not isinstance(address, dict):
            return True
        state = address.get("state") or address.get("province")
        code = _state_code(state) if isinstance(state, str) else None
        return code is None or code in states

    return quiet


# --- address (LL401-LL409) -----------------------------------------------------

_STREET_LINES = (LineKind.STREET, LineKind.ROUTE_BOX)


def address_screen(options: Options) -> Screen | None:
    if CORE is not None:
        return CORE.AddressScreen(  # type: ignore[no-any-return]
            street_kind,
            LineKind.STREET,
            _STREET_LINES,
            frozenset(FAST_PATH_SUFFIXES),
            FAST_PATH_EXCLUDED,
            frozenset(USPS_CODES),
            zip_states(),
            ZIP_FORMAT.fullmatch,
        )

    def quiet(lead: Any) -> bool:
        contact = lead.get("contact") if isinstance(lead, dict) else None
        address = contact.get("streetAddress") if isinstance(contact, dict) else None
        if not isinstance(address, dict):
            return True
        country = address.get("country")
        if country is not None and country != "US":
            return False
        line = address.get("line1")
        if (
            isinstance(line, str)
            and line
            and not line.isspace()
            and street_kind(line) not in _STREET_LINES
        ):
            return False
        state = address.get("state")
        if isinstance(state, str) and state and not state.isspace():
            if state not in USPS_CODES:
                return False
        else:
            state = None
        postal = address.get("postalCode")
        if isinstance(postal, str) and postal and not postal.isspace():
            zips = zip_states()
            states = zips.get(postal)  # found: five digits, so ZIP_FORMAT holds
            if states is None:
                if not ZIP_FORMAT.fullmatch(postal):
                    return False
                states = zips.get(postal[:5])
            if state is not None and states is not None and state not in states:
                return False
        return True

    return quiet


# --- customer (LL501-LL510) ----------------------------------------------------

_NUMBER = (int, float)


def customer_screen(options: Options) -> Screen | None:
    name = options["LL504"]["model"]
    model = (CREDIT_MODELS.get(name) or credit_model(name)) if type(name) is str else None
    limits = (
        options["LL503"]["min-age"],
        options["LL503"]["max-age"],
        options["LL506"]["max-income"],
        options["LL507"]["min-height"],
        options["LL507"]["max-height"],
        options["LL507"]["min-weight"],
        options["LL507"]["max-weight"],
        options["LL509"]["max-dependents"],
    )
    if model is None or not all(type(limit) in _NUMBER for limit in limits):
        return None
    low_age, high_age, max_income, low_h, high_h, low_w, high_w, max_dependents = limits
    low_score, high_score = model[0], model[1]
    year_502 = options["LL502"]["now"].year
    year_503 = options["LL503"]["now"].year
    year_508 = options["LL508"]["now"].year
    enums = tuple(ENUM_SETS.items())
    if CORE is not None:
        scores, years = (low_score, high_score), (year_502, year_503, year_508)
        return CORE.CustomerScreen(limits, scores, years, enums)  # type: ignore[no-any-return]

    def quiet(lead: Any) -> bool:
        customer = lead.get("customer") if isinstance(lead, dict) else None
        if not isinstance(customer, dict):
            return True
        get = customer.get
        value: Any = get("birthDate")
        birth_year = None
        if type(value) is str:
            birth = iso_date(value)
            if birth is None:
                return False
            birth_year = birth[0]
            if birth_year >= year_502 or not low_age < year_503 - birth_year <= high_age:
                return False
        value = get("creditScore")
        if type(value) in _NUMBER and not low_score <= value <= high_score:
            return False
        value = get("income")
        if type(value) in _NUMBER and not 0 <= value <= max_income:
            return False
        value = get("height")
        if type(value) in _NUMBER and not low_h <= value <= high_h:
            return False
        value = get("weight")
        if type(value) in _NUMBER and not low_w <= value <= high_w:
            return False
        value = get("numberOfDependents")
        if type(value) in _NUMBER and not 0 <= value <= max_dependents:
            return False
        value = get("monthsAtResidence")
        if type(value) in _NUMBER and (
            value < 0 or (birth_year is not None and value > 12 * (year_508 - birth_year - 1))
        ):
            return False
        for field, allowed in enums:
            value = get(field)
            if type(value) is str and value not in allowed:
                return False
        return True

    return quiet


# --- metadata (LL601-LL613) ----------------------------------------------------

# First octets whose addresses are all public (no range that is not meets
# them), and three more octets written as ``ipaddress`` accepts them: such an
# address is public without the octet arithmetic of ``ip_address_kind``.
_PUBLIC_FIRST_OCTETS = frozenset(
    str(first)
    for first in range(256)
    if not any(
        int(n.network_address) >> 24 <= first <= int(n.broadcast_address) >> 24
        for n in IPV4_NOT_PUBLIC
    )
)
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_THREE_OCTETS = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}").fullmatch

# Fields of the flat intake body that the metadata rules read at the top level.
_FLAT_FIELDS = frozenset({"trustedFormUrl", "landingPage", "referrer", "price", "directPostPrice"})
_CANONICAL_CERTIFICATE = re.compile(
    r"https://(?:cert|ping)\.trustedform\.com/[A-Za-z0-9_-]{20,256}/?"
).fullmatch


@lru_cache(maxsize=65536)
def _clean_agent(value: str) -> bool:
    return bool(value.strip()) and not is_automated_agent(value)


def metadata_screen(options: Options) -> Screen | None:
    require = options["LL605"]["require-trustedform"]
    latest = horizon(options["LL611"]["now"], options["LL611"]["clock-skew-seconds"])[1]
    public = Address.PUBLIC
    if CORE is not None:
        return CORE.MetadataScreen(  # type: ignore[no-any-return]
            require,
            latest,
            public,
            ip_address_kind,
            is_absolute_http,
            _clean_agent,
            _FLAT_FIELDS,
            _PUBLIC_FIRST_OCTETS,
            SERVER_MANAGED_SET,
        )

    def past(value: str) -> bool:
        """Written as "2026-03-01T10:00:00Z" and not after ``latest``."""
        return (
            len(value) == 20
            and value[10] == "T"
            and value[19] == "Z"
            and value.isascii()
            and value <= latest
        )

    def quiet(lead: Any) -> bool:
        if not isinstance(lead, dict):
            return True
        if not lead.keys().isdisjoint(_FLAT_FIELDS):
            return False
        created, modified = lead.get("createdAt"), lead.get("modifiedAt")
        if isinstance(created, str):
            if not past(created):
                return False
            if isinstance(modified, str) and modified < created:
                return False
        if isinstance(modified, str) and not past(modified):
            return False
        contact = lead.get("contact")
        phone = contact.get("phone") if isinstance(contact, dict) else None
        if isinstance(phone, dict):
            value = phone.get("phoneIdentityId")
            if value is not None and value is not False and value != "":
                return False
        metadata = lead.get("metadata")
        if not isinstance(metadata, dict):
            return not require
        get = metadata.get
        value = get("trustedFormUrl")
        if isinstance(value, str):
            if not _CANONICAL_CERTIFICATE(value):
                return False  # blank (LL605) or not the canonical form
        elif value is not None or require:
            return False
        value = get("ipAddress")
        if isinstance(value, str):
            head, _, rest = value.partition(".")
            fast = head in _PUBLIC_FIRST_OCTETS and _THREE_OCTETS(rest) is not None
            if not fast and value.strip() and ip_address_kind(value) is not public:
                return False
        for value in (get("landingPage"), get("referrer")):
            if isinstance(value, str) and not is_absolute_http(value) and value.strip():
                return False
        value = get("price")
        if isinstance(value, _NUMBER) and value < 0:
            return False
        value = get("directPostPrice")
        if isinstance(value, _NUMBER) and value < 0:
            return False
        value = get("createdAt")
        if isinstance(value, str) and not past(value):
            return False
        value = get("userAgent")
        if isinstance(value, str) and not _clean_agent(value):
            return False
        return metadata.keys().isdisjoint(SERVER_MANAGED_SET)

    return quiet


# Each screen with the codes it vouches for. A rule that no screen lists
# always runs: a rule added to a family is not skipped until its family's
# screen is taught what it reports, and its code is added here.
SCREENS: tuple[tuple[ScreenFactory, frozenset[str]], ...] = (
    (names_screen, frozenset({"LL201", "LL202", "LL203", "LL204", "LL205", "LL206"})),
    (email_screen, frozenset({"LL211", "LL212", "LL213", "LL214", "LL215", "LL216"})),
    (phone_screen, frozenset({f"LL30{n}" for n in range(1, 9)})),
    (address_screen, frozenset({f"LL40{n}" for n in range(1, 10)})),
    (customer_screen, frozenset({f"LL50{n}" for n in range(1, 10)} | {"LL510"})),
    (metadata_screen, frozenset({f"LL6{n:02d}" for n in range(1, 14)})),
)
