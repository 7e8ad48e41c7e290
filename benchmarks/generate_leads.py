"""Generate realistic, clearly synthetic Leadping leads for benchmarks.

    python benchmarks/generate_leads.py --count 100000 --seed 1 --dirty 0.1 \\
        --format ndjson -o /tmp/leads.ndjson

Formats: ``ndjson`` (one compact lead per line), ``json`` (a pretty-printed
array, indent 2) and ``csv`` (dotted headers such as
``contact.streetAddress.postalCode``, one lead per row, empty cell = absent
field, arrays as JSON text, booleans ``true``/``false``). Output is written
lead by lead, so memory stays constant for any ``--count``.

``--dirty`` is the fraction of leads given one to three schema problems:
wrong types, legacy or misspelt field names, enum values the API rejects,
malformed dates, int32 overflow. The same ``--seed`` always gives the same
file. Names and ZIP codes come from ``../shared/corpora`` when it is there
(faker's en_US/es_MX names, the zipcodes ZIP/state/city table, so a lead's
ZIP, city, state and area code agree) and from small built-in lists
otherwise. Every lead's ``id`` is distinct.

Importable: ``generate(count, seed, dirty) -> Iterator[dict]``.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import random
import sys
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

try:
    import orjson
except ImportError:  # the generator itself needs only the standard library
    orjson = None

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
NAMES_FILE = CORPORA / "names" / "faker_person_names.json"
ZIPS_FILE = CORPORA / "reference" / "zipcodes_3.0.0_zip_state.tsv"

# The 50 states and DC: territories and military ZIPs are real but are a
# different kind of lead, and a later address rule may treat them apart.
STATES = frozenset(
    ("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
     "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
     "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
     "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY")
)  # fmt: skip

FALLBACK_MALE = ["James", "Robert", "Michael", "David", "Carlos", "Kevin", "Brian", "Marcus"]
FALLBACK_FEMALE = ["Mary", "Linda", "Susan", "Karen", "Maria", "Emily", "Angela", "Nicole"]
FALLBACK_LAST = ["Smith", "Johnson", "Garcia", "Miller", "Nguyen", "Walker", "Lopez", "Reed"]
# (zip, state, city, area codes)
FALLBACK_ZIPS = [
    ("02134", "MA", "Allston", ("617", "857")),
    ("10027", "NY", "New York", ("212", "646")),
    ("60614", "IL", "Chicago", ("312", "773")),
    ("73301", "TX", "Austin", ("512",)),
    ("85004", "AZ", "Phoenix", ("602",)),
    ("94110", "CA", "San Francisco", ("415",)),
    ("30309", "GA", "Atlanta", ("404", "678")),
    ("98101", "WA", "Seattle", ("206",)),
    ("33131", "FL", "Miami", ("305", "786")),
    ("07030", "NJ", "Hoboken", ("201",)),
]
FALLBACK_AREA_CODES = ("312", "415", "617", "713", "404", "206", "305", "602")

STREET_NAMES = [
    "Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park",
    "Walnut", "Sunset", "Lincoln", "Jackson", "Highland", "Ridge", "Church", "Spring",
    "Meadow", "River", "Willow", "Franklin", "Chestnut", "Forest", "Madison", "Adams",
]  # fmt: skip
STREET_SUFFIXES = ["St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way", "Pl", "Ter"]
UNIT_KINDS = ["Apt", "Unit", "Ste", "#"]
EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com"]
UTM_SOURCES = ["google", "facebook", "bing", "tiktok", "newsletter", "partner"]
UTM_MEDIUMS = ["cpc", "social", "email", "display", "affiliate"]
UTM_CAMPAIGNS = ["auto_q1_2026", "home_spring_2026", "life_term_2026", "health_oep", "medicare"]
REFERRERS = ["https://www.google.com/", "https://www.facebook.com/", "https://www.bing.com/"]
LANDING_PAGES = [
    "https://www.quotesharbor.com/auto-insurance",
    "https://www.quotesharbor.com/home-insurance",
    "https://get.coverbright.com/life/term",
    "https://get.coverbright.com/health",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/132.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.2 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/132.0.0.0 Mobile Safari/537.36",
]
# First octets of ordinary public unicast space (no private, loopback,
# documentation or multicast ranges).
IP_FIRST_OCTETS = [23, 24, 47, 50, 64, 66, 67, 68, 69, 71, 73, 75, 76, 96, 98, 99, 107, 108, 174]
TAGS = [("tag_auto", "auto"), ("tag_home", "home"), ("tag_life", "life"), ("tag_hot", "hot")]
MARITAL = ["Married", "Single", "Widow", "Separated", "Divorced"]
EMPLOYMENT = ["Employed", "PartTime", "SelfEmployed", "Contractor", "Unemployed", "Student",
              "Military", "Homemaker", "Disabled", "Other"]  # fmt: skip

TODAY = date(2026, 8, 1)
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)

# Every column a CSV can have: the clean lead's fields in document order,
# then the fields only dirty leads carry. Keeping this list fixed lets CSV
# output stream with its header written first.
CLEAN_COLUMNS = (
    "id", "createdAt", "modifiedAt",
    "metadata.trustedFormUrl", "metadata.utmSource", "metadata.utmMedium",
    "metadata.utmCampaign", "metadata.referrer", "metadata.landingPage", "metadata.subId",
    "metadata.pubId", "metadata.ipAddress", "metadata.userAgent", "metadata.externalId",
    "metadata.createdAt", "metadata.price",
    "contact.firstName", "contact.lastName",
    "contact.streetAddress.line1", "contact.streetAddress.line2",
    "contact.streetAddress.city", "contact.streetAddress.state",
    "contact.streetAddress.postalCode", "contact.streetAddress.country",
    "contact.phone.number", "contact.email",
    "customer.gender", "customer.height", "customer.weight", "customer.birthDate",
    "customer.maritalStatus", "customer.income", "customer.isHomeowner",
    "customer.monthsAtResidence", "customer.creditScore", "customer.hasBankruptcy",
    "customer.employmentType", "customer.numberOfDependents", "customer.hasMedicalCondition",
    "tagIds", "tagNames",
)  # fmt: skip
DIRTY_COLUMNS = (
    "contact.fristName", "contact.streetAddress.zip", "contact.streetAddress.address1",
    "customer.creditscore", "metadata.utm_source", "metadata.trustedFormUri",
)  # fmt: skip
CSV_COLUMNS = CLEAN_COLUMNS + DIRTY_COLUMNS


@functools.cache
def _names() -> tuple[list[str], list[str], list[str]]:
    """(male first names, female first names, last names)."""
    try:
        locales = json.loads(NAMES_FILE.read_text(encoding="utf-8"))["locales"]
    except (OSError, ValueError, KeyError):
        return FALLBACK_MALE, FALLBACK_FEMALE, FALLBACK_LAST
    male: list[str] = []
    female: list[str] = []
    last: list[str] = []
    for locale in ("en_US", "es_MX"):
        names = locales.get(locale, {})
        male += names.get("first_names_male", [])
        female += names.get("first_names_female", [])
        last += names.get("last_names", [])
    if not (male and female and last):
        return FALLBACK_MALE, FALLBACK_FEMALE, FALLBACK_LAST
    return male, female, last


@functools.cache
def _zips() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Active standard ZIP codes of the states and DC: (zip, state, city, area codes)."""
    rows = []
    try:
        with ZIPS_FILE.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["zip_type"] != "STANDARD" or row["active"] != "true":
                    continue
                if row["state"] not in STATES:
                    continue
                codes = tuple(c for c in row["area_codes"].split(",") if len(c) == 3)
                rows.append((row["zip"], row["state"], row["city"], codes))
    except (OSError, KeyError):
        return FALLBACK_ZIPS
    return rows or FALLBACK_ZIPS


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _phone(rng: random.Random, area_codes: tuple[str, ...]) -> str:
    area = rng.choice(area_codes or FALLBACK_AREA_CODES)
    while True:  # NANP exchange: 2-9 first, not N11, and never the 555 range
        exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        if exchange[1:] != "11" and exchange != "555":
            break
    return f"+1{area}{exchange}{rng.randint(0, 9999):04d}"


def _customer(rng: random.Random, gender: str) -> dict[str, Any]:
    age_days = rng.randint(18 * 365 + 5, 84 * 365)
    birth = TODAY - timedelta(days=age_days)
    age = age_days // 365
    male = gender == "M" or (gender not in ("M", "F") and rng.random() < 0.5)
    height = round(rng.gauss(69.5 if male else 64, 3))
    weight = round(rng.gauss(195 if male else 168, 30))
    if age >= 65 and rng.random() < 0.7:
        employment = "Retired"
    else:
        employment = rng.choices(EMPLOYMENT, weights=[60, 8, 9, 4, 5, 4, 2, 4, 2, 2])[0]
    return {
        "gender": gender,
        "height": min(max(height, 56), 82),
        "weight": min(max(weight, 95), 350),
        "birthDate": birth.isoformat(),
        "maritalStatus": rng.choices(MARITAL, weights=[48, 34, 6, 2, 10])[0],
        "income": rng.randrange(15_000, 250_000, 1_000),
        "isHomeowner": rng.random() < 0.62,
        "monthsAtResidence": rng.randint(1, max(1, (age - 17) * 12)),
        "creditScore": min(850, max(300, round(rng.gauss(705, 70)))),
        "hasBankruptcy": rng.random() < 0.04,
        "employmentType": employment,
        "numberOfDependents": rng.choices(range(6), weights=[40, 20, 22, 11, 5, 2])[0],
        "hasMedicalCondition": rng.random() < 0.2,
    }


def _lead_id(rng: random.Random, index: int, mask: int) -> str:
    """A random-looking UUID4 that is distinct for every index below 2**32.

    The low 32 bits are the index times an odd constant, XOR a per-file mask
    (both bijections mod 2**32), so ids never repeat within a file and no set
    of seen ids is kept.
    """
    low = ((index * 0x9E3779B1) ^ mask) & 0xFFFFFFFF
    return str(uuid.UUID(int=(rng.getrandbits(96) << 32) | low, version=4))


def clean_lead(rng: random.Random, index: int = 0, id_mask: int = 0) -> dict[str, Any]:
    """One synthetic lead that the ``put`` profile accepts.

    ``index`` (below 2**32) makes its id distinct from the other leads of a file.
    """
    male_names, female_names, last_names = _names()
    gender = rng.choices(["M", "F", "NonBinary", "PreferNotToSay", "Other"], [48, 48, 2, 1, 1])[0]
    if gender == "M" or (gender not in ("M", "F") and rng.random() < 0.5):
        first = rng.choice(male_names)
    else:
        first = rng.choice(female_names)
    last = rng.choice(last_names)
    postal_code, state, city, area_codes = rng.choice(_zips())

    created = YEAR_START + timedelta(seconds=rng.randint(0, 200 * 86_400))
    captured = created - timedelta(seconds=rng.randint(1, 900))
    modified = created + timedelta(seconds=rng.randint(0, 14 * 86_400))
    street = {
        "line1": f"{rng.randint(1, 9899)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_SUFFIXES)}",
        "city": city,
        "state": state,
        "postalCode": postal_code,
        "country": "US",
    }
    if rng.random() < 0.25:
        street["line2"] = f"{rng.choice(UNIT_KINDS)} {rng.randint(1, 40)}{rng.choice('ABCD')}"
        # Keep document order stable: line2 after line1.
        street = {
            k: street[k] for k in ("line1", "line2", "city", "state", "postalCode", "country")
        }
    local = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
    if rng.random() < 0.6:
        local += str(rng.randint(1, 99))
    tags = rng.sample(TAGS, rng.randint(0, 2))
    return {
        "id": _lead_id(rng, index, id_mask),
        "createdAt": _timestamp(created),
        "modifiedAt": _timestamp(modified),
        "metadata": {
            "trustedFormUrl": f"https://cert.trustedform.com/{rng.getrandbits(160):040x}",
            "utmSource": rng.choice(UTM_SOURCES),
            "utmMedium": rng.choice(UTM_MEDIUMS),
            "utmCampaign": rng.choice(UTM_CAMPAIGNS),
            "referrer": rng.choice(REFERRERS),
            "landingPage": rng.choice(LANDING_PAGES),
            "subId": f"sub-{rng.randint(100, 999)}",
            "pubId": f"pub-{rng.randint(10, 60)}",
            "ipAddress": f"{rng.choice(IP_FIRST_OCTETS)}.{rng.randint(0, 255)}."
            f"{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "userAgent": rng.choice(USER_AGENTS),
            "externalId": f"ext-{rng.getrandbits(48):012x}",
            "createdAt": _timestamp(captured),
            "price": round(rng.uniform(4, 65), 2),
        },
        "contact": {
            "firstName": first,
            "lastName": last,
            "streetAddress": street,
            "phone": {"number": _phone(rng, area_codes)},
            "email": f"{local}@{rng.choice(EMAIL_DOMAINS)}",
        },
        "customer": _customer(rng, gender),
        "tagIds": [tag_id for tag_id, _ in tags],
        "tagNames": [name for _, name in tags],
    }


# --- schema problems for dirty leads ---------------------------------------
# Each takes (lead, rng) and breaks the lead in place in one way seen in
# real vendor exports, and each is an error under the `put` profile (which
# requires no field, so a field goes missing by being renamed).


def _rename(mapping: dict[str, Any], old: str, new: str) -> None:
    """Rename a key, keeping its place in the document."""
    items = [(new if k == old else k, v) for k, v in mapping.items()]
    mapping.clear()
    mapping.update(items)


def _credit_score_as_string(lead: dict[str, Any], rng: random.Random) -> None:
    lead["customer"]["creditScore"] = str(lead["customer"]["creditScore"])


def _not_a_number(lead: dict[str, Any], rng: random.Random) -> None:
    field, value = rng.choice([("income", "$52,000"), ("height", "5'10\""), ("weight", "N/A")])
    lead["customer"][field] = value


def _bool_as_text(lead: dict[str, Any], rng: random.Random) -> None:
    lead["customer"][rng.choice(["isHomeowner", "hasBankruptcy"])] = rng.choice(["yes", "Y", "1"])


def _zip_lost_leading_zero(lead: dict[str, Any], rng: random.Random) -> None:
    address = lead["contact"]["streetAddress"]
    address["postalCode"] = int(address["postalCode"])


def _legacy_zip(lead: dict[str, Any], rng: random.Random) -> None:
    _rename(lead["contact"]["streetAddress"], "postalCode", "zip")


def _legacy_address1(lead: dict[str, Any], rng: random.Random) -> None:
    _rename(lead["contact"]["streetAddress"], "line1", "address1")


def _legacy_trusted_form_uri(lead: dict[str, Any], rng: random.Random) -> None:
    _rename(lead["metadata"], "trustedFormUrl", "trustedFormUri")


def _enum_value(lead: dict[str, Any], rng: random.Random) -> None:
    field, value = rng.choice(
        [
            ("gender", "male"),
            ("gender", "Female"),
            ("maritalStatus", "married"),
            ("employmentType", "Full-Time"),
        ]
    )
    lead["customer"][field] = value


def _bad_birth_date(lead: dict[str, Any], rng: random.Random) -> None:
    year, month, day = lead["customer"]["birthDate"].split("-")
    layout = rng.choice(["{d}/{m}/{y}", "{m}/{d}/{y}", "{y}/{d}/{m}", "{y}{m}{d}"])
    lead["customer"]["birthDate"] = layout.format(y=year, m=month, d=day)


def _bad_timestamp(lead: dict[str, Any], rng: random.Random) -> None:
    lead["createdAt"] = lead["createdAt"].replace("T", " ").rstrip("Z")


def _int32_overflow(lead: dict[str, Any], rng: random.Random) -> None:
    field, value = rng.choice([("creditScore", 99_999_999_999), ("income", 3_000_000_000)])
    lead["customer"][field] = value


def _typo_first_name(lead: dict[str, Any], rng: random.Random) -> None:
    _rename(lead["contact"], "firstName", "fristName")


def _typo_credit_score(lead: dict[str, Any], rng: random.Random) -> None:
    _rename(lead["customer"], "creditScore", "creditscore")


def _snake_case_utm(lead: dict[str, Any], rng: random.Random) -> None:
    _rename(lead["metadata"], "utmSource", "utm_source")


Problem = Callable[[dict[str, Any], random.Random], None]
PROBLEMS: tuple[Problem, ...] = (
    _credit_score_as_string,
    _not_a_number,
    _bool_as_text,
    _zip_lost_leading_zero,
    _legacy_zip,
    _legacy_address1,
    _legacy_trusted_form_uri,
    _enum_value,
    _bad_birth_date,
    _bad_timestamp,
    _int32_overflow,
    _typo_first_name,
    _typo_credit_score,
    _snake_case_utm,
)
# Problems that touch the same field cannot be combined in one lead.
_CONFLICTS = {
    frozenset({_credit_score_as_string, _int32_overflow}),
    frozenset({_credit_score_as_string, _typo_credit_score}),
    frozenset({_int32_overflow, _typo_credit_score}),
    frozenset({_int32_overflow, _not_a_number}),
    frozenset({_zip_lost_leading_zero, _legacy_zip}),
}


def make_dirty(lead: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Give a clean lead one to three schema problems (in place), return it."""
    wanted = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
    chosen: list[Problem] = []
    for problem in rng.sample(PROBLEMS, len(PROBLEMS)):
        if not any(frozenset({problem, other}) in _CONFLICTS for other in chosen):
            chosen.append(problem)
        if len(chosen) == wanted:
            break
    for problem in chosen:
        problem(lead, rng)
    return lead


def generate(count: int, seed: int = 1, dirty: float = 0.1) -> Iterator[dict[str, Any]]:
    """Yield ``count`` leads; about ``dirty`` of them have schema problems."""
    if not 0.0 <= dirty <= 1.0:
        raise ValueError("dirty must be between 0 and 1")
    rng = random.Random(seed)
    id_mask = rng.getrandbits(32)
    for index in range(count):
        lead = clean_lead(rng, index, id_mask)
        if rng.random() < dirty:
            make_dirty(lead, rng)
        yield lead


# --- output ----------------------------------------------------------------


def _compact(lead: dict[str, Any]) -> str:
    if orjson is not None:
        return orjson.dumps(lead).decode()
    return json.dumps(lead, ensure_ascii=False, separators=(",", ":"))


def write_ndjson(leads: Iterable[dict[str, Any]], out: TextIO) -> int:
    written = 0
    for lead in leads:
        out.write(_compact(lead))
        out.write("\n")
        written += 1
    return written


def write_json(leads: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A pretty array, byte for byte what ``json.dumps(list, indent=2)`` gives."""
    written = 0
    out.write("[")
    for lead in leads:
        out.write(",\n  " if written else "\n  ")
        out.write(json.dumps(lead, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        written += 1
    out.write("\n]\n" if written else "]\n")
    return written


def _flatten(value: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, item in value.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict):
            yield from _flatten(item, f"{path}.")
        else:
            yield path, item


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write_csv(leads: Iterable[dict[str, Any]], out: TextIO) -> int:
    written = 0
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="raise", lineterminator="\n")
    writer.writeheader()
    for lead in leads:
        writer.writerow({path: _cell(value) for path, value in _flatten(lead)})
        written += 1
    return written


WRITERS = {"ndjson": write_ndjson, "json": write_json, "csv": write_csv}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="number of leads (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--dirty", type=float, default=0.1, help="fraction of leads with problems (default 0.1)"
    )
    parser.add_argument("--format", choices=sorted(WRITERS), default="ndjson")
    parser.add_argument("-o", "--output", type=Path, help="output file (default stdout)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must not be negative")
    if not 0.0 <= args.dirty <= 1.0:
        parser.error("--dirty must be between 0 and 1")

    leads = generate(args.count, args.seed, args.dirty)
    write = WRITERS[args.format]
    if args.output is None:
        write(leads, sys.stdout)
        return 0
    newline = "" if args.format == "csv" else "\n"
    with args.output.open("w", encoding="utf-8", newline=newline) as out:
        write(leads, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
