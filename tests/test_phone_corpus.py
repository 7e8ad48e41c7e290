"""Phone rules against libphonenumber's own example numbers, and the fast path's proof.

Corpus: ../shared/corpora/phone/phonenumbers_examples.json (1,383 example
numbers of every region and type, 1,138 marked valid by libphonenumber).
Figures with phonenumbers 9.0.43: the 1,136 valid examples outside 555-01xx
(all but +1 201-555-0123, libphonenumber's US example) give no error in E.164,
nor in their national format read with the example's region as the lead's
country (1,127, the 9 non-geographic ones have no national form); all 245
invalid examples get exactly one error, LL302 (0 misses).

The fast path (``nanp_verdicts``) must give libphonenumber's verdict (valid,
type, region) for every E.164 NANP number it answers: checked on every area
code 200-999 with a spread of exchanges and lines, and on the corpus.
"""

from __future__ import annotations

import collections
import json
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from leadlint.models import Applicability, Severity
from leadlint.rules import phone, phone_data
from leadlint.rules.phone import analyse
from leadlint.rules.phone_data import (
    UnsupportedPatternError,
    Verdict,
    iter_geodata_states,
    nanp_verdicts,
    npa_states,
    pattern_terms,
    state_codes,
)

PHONE_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "phone"
EXAMPLES = PHONE_CORPUS / "phonenumbers_examples.json"
NPA_TSV = PHONE_CORPUS / "nanp_npa_regions_libphonenumber.tsv"
OPTIONS = {rule.code: {**rule.options, "now": None} for rule in phone.RULES}


@cache
def examples() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(EXAMPLES.read_text(encoding="utf-8"))["numbers"]
    return data


def fiction_range(e164: str) -> bool:
    return e164.startswith("+1") and len(e164) == 12 and e164[5:8] == "555" and e164[8:10] == "01"


def lead(number: str, country: str | None) -> dict[str, Any]:
    address = {} if country is None else {"streetAddress": {"country": country}}
    return {"contact": {"phone": {"number": number}, **address}}


def findings(data: Any) -> list[tuple[str, Severity, Any]]:
    """(code, severity, fix) of every phone rule's finding on one lead."""
    found = []
    for rule in phone.RULES:
        assert rule.check is not None
        for violation in rule.check(data, OPTIONS[rule.code]):
            found.append((rule.code, rule.severity, violation.fix))
    return found


def errors(data: dict[str, Any]) -> list[str]:
    return [code for code, severity, _fix in findings(data) if severity is Severity.ERROR]


def test_valid_examples_in_e164_give_no_error() -> None:
    valid = [x for x in examples() if x["libphonenumber_valid"] and not fiction_range(x["e164"])]
    false_alarms = {x["e164"]: errors(lead(x["e164"], x["region"])) for x in valid}
    false_alarms = {number: codes for number, codes in false_alarms.items() if codes}
    assert len(valid) == 1136
    assert false_alarms == {}


def test_valid_examples_in_national_format_give_no_error_and_fix_to_e164() -> None:
    valid = [
        x
        for x in examples()
        if x["libphonenumber_valid"] and not fiction_range(x["e164"]) and x["region"] != "001"
    ]
    for example in valid:
        data = lead(example["national"], example["region"])
        found = findings(data)
        assert [code for code, severity, _ in found if severity is Severity.ERROR] == [], example
        for code, _severity, fix in found:
            if code == "LL301":
                assert fix is not None and fix.applicability is Applicability.SAFE
                assert fix.edits[0].value == example["e164"]


def test_invalid_examples_are_caught() -> None:
    invalid = [x for x in examples() if not x["libphonenumber_valid"]]
    caught = collections.Counter(
        code for x in invalid for code in errors(lead(x["e164"], x["region"]))
    )
    misses = [x["e164"] for x in invalid if not errors(lead(x["e164"], x["region"]))]
    assert len(invalid) == 245
    assert misses == []
    assert sum(caught.values()) == len(invalid), "one error per number"
    assert caught == {"LL302": 245}


def test_fiction_range_examples_are_fictional() -> None:
    fictional = [x for x in examples() if fiction_range(x["e164"])]
    assert fictional
    for example in fictional:
        assert errors(lead(example["e164"], example["region"])) == ["LL304"]


# The fast path's proof.


def library_verdict(national: str) -> Verdict:
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
    valid = phonenumbers.is_valid_number(number)
    return Verdict(
        valid, phonenumbers.number_type(number), phonenumbers.region_code_for_number(number)
    )


def test_fast_path_covers_almost_every_area_code() -> None:
    table = nanp_verdicts()
    assert len(table) >= 760, "a metadata pattern the fast path cannot read?"
    assert sum(v.valid for v in table.values()) >= 430


def test_fast_path_agrees_with_the_library_on_every_area_code() -> None:
    table = nanp_verdicts()
    checked = 0
    for npa, verdict in table.items():
        # Every exchange for eight area codes, a spread of 50 for the others.
        step = 1 if int(npa) % 97 == 0 else 16
        for exchange in range(200 + int(npa) % step, 1000, step):
            line = f"{(int(npa) * 7919 + exchange * 104729) % 10000:04d}"
            national = f"{npa}{exchange}{line}"
            assert library_verdict(national) == verdict, national
            checked += 1
    assert checked > 40_000


def test_analyse_agrees_with_the_library_on_corpus_and_samples() -> None:
    numbers = [x["e164"] for x in examples() if x["e164"].startswith("+1")]
    numbers += [f"+1{npa}{ex}{line}" for npa in range(200, 1000, 3) for ex, line in _samples()]
    for text in numbers:
        if text[5:8] == "555" or len(text) != 12:
            continue
        result = analyse(text, None)
        number = phonenumbers.parse(text)
        valid = phonenumbers.is_valid_number(number)
        assert (result.problem is None) == valid, text
        if valid:
            kind = phonenumbers.number_type(number)
            assert result.kind == phone._KINDS.get(kind), text
            assert result.npa == text[2:5]


def _samples() -> list[tuple[int, str]]:
    return [(200, "0000"), (234, "5678"), (911, "9999"), (555, "0200"), (999, "4321")]


def test_type_numbers_match_the_library() -> None:
    types = phonenumbers.PhoneNumberType
    assert phone._KINDS == {
        types.TOLL_FREE: "toll-free",
        types.PREMIUM_RATE: "premium-rate",
        types.SHARED_COST: "shared-cost",
    }
    assert phone._UNKNOWN == phone_data._UNKNOWN == types.UNKNOWN
    assert phone_data._FIXED_LINE == types.FIXED_LINE
    assert phone_data._MOBILE == types.MOBILE
    assert phone_data._FIXED_LINE_OR_MOBILE == types.FIXED_LINE_OR_MOBILE
    for kind, name in phone_data._SPECIAL:
        assert getattr(types, name.upper()) == kind


def test_pattern_terms_expand_the_metadata_subset() -> None:
    digit = phone_data.DIGITS
    assert pattern_terms("2[0-13]\\d{2}") == ((frozenset("2"), frozenset("013"), digit, digit),)
    assert len(pattern_terms("(?:1|2(?:3|4))5?")) == 6
    assert len(pattern_terms("\\d{1,3}")) == 3
    for unsupported in ("1*", "[^1]", "a", "(?=1)2", "1{2", "(1"):
        with pytest.raises(UnsupportedPatternError):
            pattern_terms(unsupported)


# Area codes.


def test_shared_npa_list_has_no_bad_area_code() -> None:
    rows = NPA_TSV.read_text(encoding="utf-8").splitlines()[1:]
    npas = [row.split("\t")[0] for row in rows]
    assert len(npas) == 410
    for npa in npas:
        result = analyse(f"+1{npa}2345678", None)
        assert result.problem not in ("area-n11", "area-0-1", "area-unassigned"), npa
    for n11 in range(211, 1000, 100):
        assert analyse(f"+1{n11}2345678", None).problem == "area-n11"


def test_npa_states_match_the_geodata() -> None:
    """On failure, paste the printed text into phone_data._NPA_STATES."""
    from phonenumbers.geodata import GEOCODE_DATA

    expected: dict[str, set[str]] = collections.defaultdict(set)
    for npa, code in iter_geodata_states(GEOCODE_DATA):
        expected[npa].add(code)
    items = " ".join(f"{npa}:{','.join(sorted(expected[npa]))}" for npa in sorted(expected))
    shipped = {npa: set(codes) for npa, codes in npa_states().items()}
    assert shipped == dict(expected), textwrap.fill(items, 99)


@pytest.mark.parametrize(
    ("number", "country", "safety"),
    [
        ("(312) 555-7342", "US", Applicability.SAFE),
        ("(312) 555-7342", "us ", Applicability.SAFE),
        ("+1 312 555 7342", None, Applicability.SAFE),
        ("(312) 555-7342", None, Applicability.UNSAFE),
        ("(312) 555-7342", "USA", Applicability.UNSAFE),
        ("312-555-7342 ext 5", "US", None),
    ],
)
def test_e164_fix_is_safe_only_when_the_country_is_known(
    number: str, country: str | None, safety: Applicability | None
) -> None:
    found = [fix for code, _severity, fix in findings(lead(number, country)) if code == "LL301"]
    assert len(found) == 1
    assert (found[0].applicability if found[0] is not None else None) is safety


def test_any_text_or_shape_is_tolerated() -> None:
    strings = json.loads((PHONE_CORPUS.parent / "fuzz" / "blns.json").read_text(encoding="utf-8"))
    shapes: list[Any] = [[], "x", {"contact": []}, {"contact": {"phone": "x"}}, None]
    shapes += [{"contact": {"phone": {"number": 1, "lookup": []}, "streetAddress": []}}]
    for text in strings:
        address = {"country": text, "state": text}
        phone_object = {"number": text, "lookup": {"number": text, "isValid": text}}
        shapes.append({"contact": {"phone": phone_object, "streetAddress": address}})
    for data in shapes:
        findings(data)


def test_state_names_and_codes() -> None:
    codes = state_codes()
    assert codes[phone_data.normalise_state(" New  York ")] == "NY"
    assert codes[phone_data.normalise_state("N.Y.")] == "NY"
    assert codes[phone_data.normalise_state("Washington D.C.")] == "DC"
    assert codes[phone_data.normalise_state("québec")] == "QC"
    assert len(set(codes.values())) == 51 + 5 + 13
