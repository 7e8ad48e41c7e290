"""Data behind the phone rules: libphonenumber's NANP verdicts, NANP fiction, states.

``nanp_verdicts()`` is the fast path for E.164 NANP numbers: libphonenumber's
verdict (valid, type, region) for each area code whose verdict is the same for
every exchange ``[2-9]XX`` and every line, computed once from the library's own
metadata patterns. Those patterns use a small regular-expression subset
(digits, ``[...]`` classes, ``\\d``, groups, ``|``, ``{n}``, ``{m,n}``, ``?``),
which :func:`pattern_terms` expands into sequences of digit classes. Area codes
whose verdict depends on the exchange (Caribbean islands, 983, personal
numbers) are left out and go to the library; a pattern outside the subset
turns the fast path off. tests/test_phone_corpus.py proves the verdicts equal
the library's.

``nanp_fiction()`` and ``area_code_problem()`` tell LL304 and LL303 apart from
a plain invalid number. ``npa_states()`` maps area codes to the US states and Canadian provinces
libphonenumber's geocoder gives for them. The geocoder's data module costs
0.26 s and ~100 MB to import, so the map is kept here as text, and a test
checks it against the installed geodata.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phonenumbers.phonemetadata import PhoneNumberDesc

DIGITS = frozenset("0123456789")
EXCHANGE = frozenset("23456789")
_MAX_TERMS = 5000

# A run of digit classes: the language of a pattern is a union of such runs.
Term = tuple[frozenset[str], ...]

NONE, ALL, MIXED = 0, 1, 2  # how much of NPA-[2-9]XX-XXXX a pattern matches


class UnsupportedPatternError(ValueError):
    """A metadata pattern uses regular-expression syntax outside the subset."""


def pattern_terms(pattern: str) -> tuple[Term, ...]:
    """The strings ``pattern`` matches, as a union of runs of digit classes."""
    parser = _Parser(pattern)
    terms = parser.alternation()
    if parser.pos != len(pattern):
        raise UnsupportedPatternError(pattern)
    return tuple(terms)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _take(self, expected: str) -> None:
        if not self.text.startswith(expected, self.pos):
            raise UnsupportedPatternError(self.text)
        self.pos += len(expected)

    def alternation(self) -> list[Term]:
        terms = self.sequence()
        while self._peek() == "|":
            self.pos += 1
            terms += self.sequence()
        return terms

    def sequence(self) -> list[Term]:
        terms: list[Term] = [()]
        while self._peek() not in ("", "|", ")"):
            atom = self.atom()
            low, high = self.quantifier()
            options = [
                tuple(itertools.chain.from_iterable(picks))
                for count in range(low, high + 1)
                for picks in itertools.product(atom, repeat=count)
            ]
            terms = [term + option for term in terms for option in options]
            if len(terms) > _MAX_TERMS:
                raise UnsupportedPatternError(self.text)
        return terms

    def atom(self) -> list[Term]:
        char = self._peek()
        if char.isdigit() and char.isascii():
            self.pos += 1
            return [(frozenset(char),)]
        if char == "\\":
            self._take("\\d")
            return [(DIGITS,)]
        if char == "[":
            return [(self.char_class(),)]
        if char == "(":
            self._take("(?:" if self.text.startswith("(?:", self.pos) else "(")
            terms = self.alternation()
            self._take(")")
            return terms
        raise UnsupportedPatternError(self.text)

    def char_class(self) -> frozenset[str]:
        end = self.text.find("]", self.pos)
        body = self.text[self.pos + 1 : end]
        if end < 0 or not body or body.startswith("^"):
            raise UnsupportedPatternError(self.text)
        self.pos = end + 1
        found: set[str] = set()
        body = body.replace("\\d", "0-9")
        index = 0
        while index < len(body):
            if index + 2 < len(body) and body[index + 1] == "-":
                found.update(str(d) for d in range(int(body[index]), int(body[index + 2]) + 1))
                index += 3
            else:
                found.add(body[index])
                index += 1
        if not found <= DIGITS:
            raise UnsupportedPatternError(self.text)
        return frozenset(found)

    def quantifier(self) -> tuple[int, int]:
        char = self._peek()
        if char == "?":
            self.pos += 1
            return 0, 1
        if char != "{":
            return 1, 1
        end = self.text.find("}", self.pos)
        low, comma, high = self.text[self.pos + 1 : end].partition(",")
        high = high if comma else low
        if end < 0 or not low.isdigit() or not high.isdigit():
            raise UnsupportedPatternError(self.text)
        self.pos = end + 1
        return int(low), int(high)


# By area code: the rest of each run after the area code's three digits.
Index = dict[str, list[Term]]


def index_terms(terms: tuple[Term, ...], full: bool) -> Index:
    """Runs by area code. ``full``: whole-number patterns (10 digits), else prefixes."""
    index: Index = {}
    for term in terms:
        if (full and len(term) != 10) or len(term) > 10:
            continue
        head = term[:3] + (DIGITS,) * (3 - len(term[:3]))
        for digits in itertools.product(*(sorted(c) for c in head)):
            index.setdefault("".join(digits), []).append(term[3:])
    return index


def status(index: Index | None, npa: str) -> int:
    """Whether a pattern matches none, all or some numbers NPA-[2-9]XX-XXXX."""
    if index is None:
        return NONE
    found = NONE
    for rest in index.get(npa, ()):
        if not rest:
            return ALL
        exchange = rest[0] & EXCHANGE
        if not exchange:
            continue
        if exchange == EXCHANGE and all(c == DIGITS for c in rest[1:]):
            return ALL
        found = MIXED
    return found


@dataclass(frozen=True, slots=True)
class Verdict:
    """libphonenumber's verdict on every number of one area code."""

    valid: bool
    number_type: int
    region: str | None


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    leading: Index | None
    general: Index | None
    special: tuple[tuple[int, Index | None], ...]  # checked in the library's order
    fixed: Index | None
    mobile: Index | None
    same_fixed_and_mobile: bool


# (phonenumbers.PhoneNumberType value, metadata field), in _number_type_helper's order.
_SPECIAL = (
    (4, "premium_rate"), (3, "toll_free"), (5, "shared_cost"), (6, "voip"),
    (7, "personal_number"), (8, "pager"), (9, "uan"), (10, "voicemail"),
)  # fmt: skip


def nanp_verdicts() -> dict[str, Verdict]:
    """Area code -> verdict, for the area codes whose verdict is uniform."""
    table: dict[str, Verdict] = {}
    for number in range(200, 1000):
        verdict = nanp_verdict(str(number))
        if verdict is not None:
            table[str(number)] = verdict
    return table


@functools.lru_cache(maxsize=1024)
def nanp_verdict(npa: str) -> Verdict | None:
    """One area code's uniform verdict (None: ask the library).

    Computed per area code on first use, so checking one lead does not pay
    for all 800 (about 50 ms).
    """
    try:
        regions = _cached_regions()
    except UnsupportedPatternError:
        return None
    return _verdict(npa, regions)


@functools.cache
def _cached_regions() -> list[_Region]:
    return _nanp_regions()


def _nanp_regions() -> list[_Region]:
    """The NANP regions in the library's order, their patterns indexed by area code."""
    import phonenumbers
    from phonenumbers.phonemetadata import PhoneMetadata

    indexes: dict[str, Index] = {}  # regions share patterns (toll-free, personal)

    def desc_index(desc: PhoneNumberDesc | None) -> Index | None:
        pattern = None if desc is None else desc.national_number_pattern
        if desc is None or not pattern:
            return None
        if desc.possible_length and 10 not in desc.possible_length:
            return None
        if pattern not in indexes:
            indexes[pattern] = index_terms(pattern_terms(pattern), full=True)
        return indexes[pattern]

    regions = []
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        meta = PhoneMetadata.metadata_for_region(code)
        if meta is None:  # the library skips such a region too
            continue
        leading = meta.leading_digits
        special = tuple((kind, desc_index(getattr(meta, name))) for kind, name in _SPECIAL)
        regions.append(
            _Region(
                code=code,
                leading=None if leading is None else index_terms(pattern_terms(leading), False),
                general=desc_index(meta.general_desc),
                special=special,
                fixed=desc_index(meta.fixed_line),
                mobile=desc_index(meta.mobile),
                same_fixed_and_mobile=bool(meta.same_mobile_and_fixed_line_pattern),
            )
        )
    return regions


def _verdict(npa: str, regions: list[_Region]) -> Verdict | None:
    """The library's region lookup then validity check, for a whole area code."""
    for region in regions:
        if region.leading is not None:
            found = status(region.leading, npa)
            if found == NONE:
                continue
            kind = _type(npa, region) if found == ALL else None
            return None if kind is None else Verdict(kind != _UNKNOWN, kind, region.code)
        kind = _type(npa, region)
        if kind is None:
            return None
        if kind != _UNKNOWN:
            return Verdict(True, kind, region.code)
    return Verdict(False, _UNKNOWN, None)


_UNKNOWN, _FIXED_LINE, _MOBILE, _FIXED_LINE_OR_MOBILE = 99, 0, 1, 2


def _type(npa: str, region: _Region) -> int | None:
    """``_number_type_helper`` for a whole area code; None when it varies."""
    general = status(region.general, npa)
    if general != ALL:
        return _UNKNOWN if general == NONE else None
    for kind, index in region.special:
        found = status(index, npa)
        if found != NONE:
            return kind if found == ALL else None
    fixed = status(region.fixed, npa)
    if fixed == MIXED:
        return None
    mobile = NONE if region.same_fixed_and_mobile and fixed == NONE else status(region.mobile, npa)
    if fixed == ALL:
        if region.same_fixed_and_mobile:
            return _FIXED_LINE_OR_MOBILE
        return {ALL: _FIXED_LINE_OR_MOBILE, NONE: _FIXED_LINE}.get(mobile)
    return {ALL: _MOBILE, NONE: _UNKNOWN}.get(mobile)


_ASCENDING = "0123456789" * 2
_DESCENDING = "9876543210" * 2


def nanp_fiction(national: str) -> str | None:
    """ "fiction-range" (555-0100..0199), "placeholder" or None, for 10 NANP digits."""
    if national[3:6] == "555" and national[6:8] == "01":
        return "fiction-range"
    if repeated_digits(national) or national in _ASCENDING or national in _DESCENDING:
        return "placeholder"
    return None


def repeated_digits(digits: str) -> bool:
    """Six or more digits, all the same."""
    return len(digits) >= 6 and digits == digits[0] * len(digits)


def area_code_problem(npa: str) -> str | None:
    """Why no NANP number has this area code: starts with 0/1, N11, unassigned."""
    if npa[0] in "01":
        return "area-0-1"
    if npa[1:] == "11":
        return "area-n11"
    verdict = nanp_verdict(npa)
    return "area-unassigned" if verdict is not None and not verdict.valid else None


# Area code -> states/provinces, from libphonenumber's geodata (see the module
# docstring); regenerate with tests/test_phone_corpus.py when it changes.
_NPA_STATES = """
201:NJ,NY 202:DC 203:CT 204:MB 205:AL 206:WA 207:ME 208:ID 209:CA 210:TX 212:NY 213:CA 214:TX
215:PA 216:OH 217:IL 218:MN 219:IN 220:OH 223:PA 224:IL 225:LA 226:ON 227:MD 228:MS 229:GA 231:MI
234:OH 235:MO 236:BC 239:FL 240:MD 248:MI 249:ON 250:BC 251:AL 252:NC 253:WA 254:TX 256:AL 257:BC
260:IN 262:WI 263:QC 267:PA 269:MI 270:KY 272:PA 273:QC 274:WI 276:VA 279:CA 281:TX 283:OH 289:ON
301:MD 302:DE 303:CO 304:WV 305:FL 306:SK 307:WY 308:NE 309:IL 310:CA 312:IL 313:MI 314:MO 315:NY
316:KS 317:IN 318:LA 319:IA 320:MN 321:FL 323:CA 324:FL 325:TX 326:OH 327:AR 329:NY 330:OH 331:IL
332:NY 334:AL 336:NC 337:LA 339:MA 340:VI 341:CA 343:ON 346:TX 347:NY 350:CA 351:MA 352:FL 353:WI
354:QC 360:WA 361:TX 363:NY 364:KY 365:ON 367:QC 368:AB 369:CA 380:OH 382:ON 385:UT 386:FL 401:RI
402:NE 403:AB 404:GA 405:OK 406:MT 407:FL 408:CA 409:TX 410:MD 412:PA 413:MA 414:WI 415:CA 416:ON
417:MO 418:QC 419:OH 423:TN 424:CA 425:WA 428:NB 430:TX 431:MB 432:TX 434:VA 435:UT 437:ON 438:QC
440:OH 442:CA 443:MD 445:PA 447:IL 448:FL 450:QC 458:OR 463:IN 464:IL 468:QC 469:TX 470:GA 472:NC
474:SK 475:CT 478:GA 479:AR 480:AZ 484:PA 501:AR 502:KY 503:OR 504:LA 505:NM 506:NB 507:MN 508:MA
509:WA 510:CA 512:TX 513:OH 514:QC 515:IA 516:NY 517:MI 518:NY 519:ON 520:AZ 530:CA 531:NE 534:WI
539:OK 540:VA 541:OR 548:ON 551:NJ 557:MO 559:CA 561:FL 562:CA 563:IA 564:WA 567:OH 570:PA 571:VA
572:OK 573:MO 574:IN 575:NM 579:QC 580:OK 581:QC 582:PA 584:MB 585:NY 586:MI 587:AB 601:MS 602:AZ
603:NH 604:BC 605:SD 606:KY 607:NY 608:WI 609:NJ 610:PA 612:MN 613:ON 614:OH 615:TN 616:MI 617:MA
618:IL 619:CA 620:KS 623:AZ 626:CA 628:CA 629:TN 630:IL 631:NY 636:MO 639:SK 640:NJ 641:IA 645:FL
646:NY 647:ON 650:CA 651:MN 656:FL 657:CA 659:AL 660:MO 661:CA 662:MS 667:MD 669:CA 672:BC 678:GA
680:NY 681:WV 682:TX 683:ON 686:VA 689:FL 701:ND 702:NV 703:VA 704:NC 705:ON 706:GA 707:CA 708:IL
709:NL 712:IA 713:TX 714:CA 715:WI 716:NY 717:PA 718:NY 719:CO 720:CO 724:PA 725:NV 726:TX 727:FL
728:FL 730:IL 731:TN 732:NJ 734:MI 737:TX 738:CA 740:OH 742:ON 743:NC 747:CA 748:CO 753:ON 754:FL
757:VA 760:CA 762:GA 763:MN 765:IN 769:MS 770:GA 771:DC 772:FL 773:IL 774:MA 775:NV 778:BC 779:IL
780:AB 781:MA 782:NS,PE 785:KS 786:FL 801:UT 802:VT 803:SC 804:VA 805:CA 806:TX 807:ON 808:HI
810:MI 812:IN 813:FL 814:PA 815:IL 816:MO 817:TX 818:CA 819:QC 820:CA 821:SC 825:AB 826:VA 828:NC
830:TX 831:CA 832:TX 835:PA 838:NY 839:SC 840:CA 843:SC 845:NY 847:IL 848:NJ 850:FL 854:SC 856:NJ
857:MA 858:CA 859:KY 860:CT 862:NJ 863:FL 864:SC 865:TN 867:NT,NU,YT 870:AR 872:IL 873:QC 878:PA
879:NL 901:TN 902:NS,PE 903:TX 904:FL 905:ON 906:MI 907:AK 908:NJ 909:CA 910:NC 912:GA 913:KS
914:NY 915:TX 916:CA 917:NY 918:OK 919:NC 920:WI 925:CA 928:AZ 929:NY 930:IN 931:TN 934:NY 936:TX
937:OH 938:AL 940:TX 941:FL 942:ON 943:GA 945:TX 947:MI 948:VA 949:CA 951:CA 952:MN 954:FL 956:TX
959:CT 970:CO 971:OR 972:TX 973:NJ 975:MO 978:MA 979:TX 980:NC 983:CO 984:NC 985:LA 986:ID 989:MI
"""


@functools.cache
def npa_states() -> dict[str, frozenset[str]]:
    """Area code -> USPS codes of the states (or provinces) it serves."""
    table: dict[str, frozenset[str]] = {}
    for item in _NPA_STATES.split():
        npa, _, codes = item.partition(":")
        table[npa] = frozenset(codes.split(","))
    return table


# USPS codes of states, DC and territories, and Canada Post province codes.
_STATE_NAMES = """
AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|
DE Delaware|DC District of Columbia|DC Washington DC|FL Florida|GA Georgia|HI Hawaii|
ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|LA Louisiana|ME Maine|
MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|MO Missouri|
MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|
NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania|
RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|
VT Vermont|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming|
AS American Samoa|GU Guam|MP Northern Mariana Islands|PR Puerto Rico|
VI Virgin Islands|VI US Virgin Islands|
AB Alberta|BC British Columbia|MB Manitoba|NB New Brunswick|NL Newfoundland and Labrador|
NL Newfoundland|NS Nova Scotia|NT Northwest Territories|NU Nunavut|ON Ontario|
PE Prince Edward Island|QC Quebec|QC Québec|SK Saskatchewan|YT Yukon
"""


@functools.cache
def state_codes() -> dict[str, str]:
    """Normalised state or province name or code -> its two-letter code."""
    table: dict[str, str] = {}
    for item in _STATE_NAMES.replace("\n", "").split("|"):
        code, _, name = item.partition(" ")
        table[normalise_state(name)] = code
        table[code.casefold()] = code
    return table


def normalise_state(text: str) -> str:
    """Case, dots and spacing folded: "N.Y." -> "ny", "New  York" -> "new york"."""
    return " ".join(text.replace(".", "").casefold().split())


def iter_geodata_states(geodata: dict[str, dict[str, str]]) -> Iterator[tuple[str, str]]:
    """(area code, state code) pairs named by libphonenumber's NANP geodata."""
    names = state_codes()
    extra = {"washington state": "WA", "british colombia": "BC"}
    for prefix, descriptions in geodata.items():
        if len(prefix) < 4 or not prefix.startswith("1"):
            continue
        text = descriptions.get("en", "")
        parts = [text.rsplit(",", 1)[1]] if "," in text else text.split("/")
        for part in parts:
            key = normalise_state(part)
            code = names.get(key) or extra.get(key)
            if code is not None:
                yield prefix[1:4], code
