"""What the address rules (LL4xx) know: USPS codes, ISO 3166-1 codes, ZIPs, street lines.

The tables are small and shipped here (USPS Publication 28 codes, ISO
3166-1 alpha-2/alpha-3); ZIP-to-state comes from the ``zipcodes`` package and
street lines are tagged by ``usaddress``, both loaded on first use.
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from importlib import resources
from typing import Any

# USPS codes: the 50 states, DC, the territories, the freely associated states
# (their mail is US domestic mail) and the military "states".
_USPS = """
AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut
DE Delaware|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa
KS Kansas|KY Kentucky|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan
MN Minnesota|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire
NJ New Jersey|NM New Mexico|NY New York|NC North Carolina|ND North Dakota|OH Ohio
OK Oklahoma|OR Oregon|PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota
TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|WV West Virginia
WI Wisconsin|WY Wyoming|DC District of Columbia|AS American Samoa|GU Guam
MP Northern Mariana Islands|PR Puerto Rico|VI U.S. Virgin Islands
FM Federated States of Micronesia|MH Marshall Islands|PW Palau
AA Armed Forces Americas|AE Armed Forces Europe|AP Armed Forces Pacific
"""
# Other unambiguous ways to write a state: AP style abbreviations and common names.
_STATE_ALIASES = """
AL Ala.|AZ Ariz.|AR Ark.|CA Calif.|CO Colo.|CT Conn.|DE Del.|FL Fla.|IL Ill.|IN Ind.
KS Kan.|MA Mass.|MI Mich.|MN Minn.|MS Miss.|MT Mont.|NE Neb.|NV Nev.|OK Okla.|OR Ore.
TN Tenn.|WA Wash.|WV W.Va.|WI Wis.|WY Wyo.|DC Washington D.C.|VI Virgin Islands
FM Micronesia|AE Armed Forces Africa|AE Armed Forces Canada|AE Armed Forces Middle East
"""
# ISO 3166-1 (pycountry 26.2.16): each pair is the alpha-2 code then the alpha-3 code.
_ISO_3166_1 = """
ADAND AEARE AFAFG AGATG AIAIA ALALB AMARM AOAGO AQATA ARARG ASASM ATAUT AUAUS AWABW
AXALA AZAZE BABIH BBBRB BDBGD BEBEL BFBFA BGBGR BHBHR BIBDI BJBEN BLBLM BMBMU BNBRN
BOBOL BQBES BRBRA BSBHS BTBTN BVBVT BWBWA BYBLR BZBLZ CACAN CCCCK CDCOD CFCAF CGCOG
CHCHE CICIV CKCOK CLCHL CMCMR CNCHN COCOL CRCRI CUCUB CVCPV CWCUW CXCXR CYCYP CZCZE
DEDEU DJDJI DKDNK DMDMA DODOM DZDZA ECECU EEEST EGEGY EHESH ERERI ESESP ETETH FIFIN
FJFJI FKFLK FMFSM FOFRO FRFRA GAGAB GBGBR GDGRD GEGEO GFGUF GGGGY GHGHA GIGIB GLGRL
GMGMB GNGIN GPGLP GQGNQ GRGRC GSSGS GTGTM GUGUM GWGNB GYGUY HKHKG HMHMD HNHND HRHRV
HTHTI HUHUN IDIDN IEIRL ILISR IMIMN ININD IOIOT IQIRQ IRIRN ISISL ITITA JEJEY JMJAM
JOJOR JPJPN KEKEN KGKGZ KHKHM KIKIR KMCOM KNKNA KPPRK KRKOR KWKWT KYCYM KZKAZ LALAO
LBLBN LCLCA LILIE LKLKA LRLBR LSLSO LTLTU LULUX LVLVA LYLBY MAMAR MCMCO MDMDA MEMNE
MFMAF MGMDG MHMHL MKMKD MLMLI MMMMR MNMNG MOMAC MPMNP MQMTQ MRMRT MSMSR MTMLT MUMUS
MVMDV MWMWI MXMEX MYMYS MZMOZ NANAM NCNCL NENER NFNFK NGNGA NINIC NLNLD NONOR NPNPL
NRNRU NUNIU NZNZL OMOMN PAPAN PEPER PFPYF PGPNG PHPHL PKPAK PLPOL PMSPM PNPCN PRPRI
PSPSE PTPRT PWPLW PYPRY QAQAT REREU ROROU RSSRB RURUS RWRWA SASAU SBSLB SCSYC SDSDN
SESWE SGSGP SHSHN SISVN SJSJM SKSVK SLSLE SMSMR SNSEN SOSOM SRSUR SSSSD STSTP SVSLV
SXSXM SYSYR SZSWZ TCTCA TDTCD TFATF TGTGO THTHA TJTJK TKTKL TLTLS TMTKM TNTUN TOTON
TRTUR TTTTO TVTUV TWTWN TZTZA UAUKR UGUGA UMUMI USUSA UYURY UZUZB VAVAT VCVCT VEVEN
VGVGB VIVIR VNVNM VUVUT WFWLF WSWSM YEYEM YTMYT ZAZAF ZMZMB ZWZWE
"""
# Names that mean one country beyond doubt, for the countries leads come from.
_COUNTRY_NAMES = """
US United States|US United States of America|US U.S.|US U.S.A.|CA Canada
GB United Kingdom|GB UK|GB U.K.|GB Great Britain|GB Britain|GB England|GB Scotland
GB Wales|GB Northern Ireland|MX Mexico|MX México|MX Estados Unidos Mexicanos
"""


def alias_key(text: str) -> str:
    """How a state or country is looked up: case-folded, without periods, spaces collapsed."""
    return " ".join(text.casefold().replace(".", "").split())


def _pairs(table: str) -> list[tuple[str, str]]:
    entries = table.strip().replace("\n", "|").split("|")
    return [(entry[:2], entry[3:]) for entry in entries]


USPS_CODES: dict[str, str] = dict(_pairs(_USPS))
_STATE_KEYS: dict[str, str] = {
    alias_key(text): code
    for code, name in (*_pairs(_USPS), *_pairs(_STATE_ALIASES))
    for text in (code, name)
}

ISO_ALPHA2: frozenset[str] = frozenset(pair[:2] for pair in _ISO_3166_1.split())
_COUNTRY_KEYS: dict[str, str] = {
    **{pair[:2].lower(): pair[:2] for pair in _ISO_3166_1.split()},
    **{pair[2:].lower(): pair[:2] for pair in _ISO_3166_1.split()},
    **{alias_key(name): code for code, name in _pairs(_COUNTRY_NAMES)},
}


def state_code(value: str) -> str | None:
    """The USPS code a state value stands for: itself, or a name, AP form or lower-case code."""
    if value in USPS_CODES:
        return value
    return _STATE_KEYS.get(alias_key(value))


def country_code(value: str) -> str | None:
    """The ISO alpha-2 code a country value stands for, when it is beyond doubt."""
    if value in ISO_ALPHA2:
        return value
    return _COUNTRY_KEYS.get(alias_key(value))


@functools.cache
def zip_states() -> dict[str, frozenset[str]]:
    """ZIP code -> the states it serves: the table shipped in leadlint/data/.

    It is generated from the maintained ``zipcodes`` package by
    ``scripts/generate_zip_states.py`` (a test keeps it current); reading it
    takes milliseconds, building it from ``zipcodes`` about a second.
    """
    text = resources.files("leadlint").joinpath("data", "zip_states.txt").read_text("utf-8")
    states: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        state, *zips = line.split()
        only = frozenset((state,))
        for zip5 in zips:
            # A few ZIPs serve several states; most lines add new keys only.
            previous = states.get(zip5)
            states[zip5] = only if previous is None else previous | only
    return states


ZIP_FORMAT = re.compile(r"[0-9]{5}(?:-[0-9]{4})?")
_ZIP_WITHOUT_ZERO = re.compile(r"[0-9]{4}(?:-[0-9]{4})?")


def restored_zip(postal: str, state: str | None) -> str | None:
    """A four-digit ZIP with its leading zero put back, if then a ZIP of ``state`` (or real)."""
    if not _ZIP_WITHOUT_ZERO.fullmatch(postal):
        return None
    states = zip_states().get("0" + postal[:4])
    if states is None or (state is not None and state_code(state) not in states):
        return None
    return "0" + postal


_CA_POSTAL = re.compile(
    r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]",
    re.ASCII | re.IGNORECASE,
)
# The UK government's postcode pattern (outward code, optional space, inward code).
_GB_POSTAL = re.compile(
    r"GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2}",
    re.ASCII | re.IGNORECASE,
)
POSTAL_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "CA": (_CA_POSTAL, "a Canadian postal code (A1A 1A1)"),
    "GB": (_GB_POSTAL, "a UK postcode (such as SW1A 1AA)"),
}


class LineKind(Enum):
    """What a street line is, as usaddress reads it."""

    STREET = "street"  # a street number and a street
    ROUTE_BOX = "route box"  # a rural-route or highway-contract box: delivered like a street
    PO_BOX = "po box"
    NO_NUMBER = "no number"  # a street, building or intersection without a number
    UNPARSEABLE = "unparseable"  # labels repeat: two addresses, or not an address


FAST_PATH_SUFFIXES = (
    "st", "street", "ave", "avenue", "rd", "road", "dr", "drive", "ln", "lane", "ct", "court",
    "blvd", "boulevard", "way", "pl", "place", "ter", "terrace", "cir", "circle", "pkwy",
    "parkway", "trl", "trail",
)  # fmt: skip
# "NUMBER NAME SUFFIX": usaddress reads every such line as a street address,
# except with these names (proven by the sweep in tests/test_address_corpus.py).
_FAST_STREET = re.compile(
    rf"[1-9][0-9]{{0,5}} ([A-Z]{{1,30}}) (?:{'|'.join(FAST_PATH_SUFFIXES)})\.?", re.I | re.A
)
FAST_PATH_EXCLUDED = frozenset((
    "allen", "and", "boulevard", "breakers", "building", "ca", "cathedral", "center", "ctr",
    "east", "mizzou", "overlook", "plaza", "tower",
))  # fmt: skip


def street_kind(text: str) -> LineKind:
    """Classify a street line; the common "123 Main St" shape skips the tagger."""
    match = _FAST_STREET.fullmatch(text)
    if match is not None and match.group(1).lower() not in FAST_PATH_EXCLUDED:
        return LineKind.STREET
    return tagged_line_kind(text)


def line_kind(text: str) -> LineKind:
    """:func:`street_kind`, remembered for the latest line (LL401 then LL402 ask)."""
    if text is _last_line[0]:
        return _last_line[1]  # type: ignore[no-any-return]
    kind = street_kind(text)
    _last_line[:] = [text, kind]
    return kind


# The line line_kind last classified (held, so its identity is not reused).
_last_line: list[Any] = [None, None]


@functools.lru_cache(maxsize=65536)
def tagged_line_kind(text: str) -> LineKind:
    """Classify a street line with usaddress (about 50 us a call, hence the cache)."""
    import usaddress

    try:
        tags, kind = usaddress.tag(text)
        labels = set(tags)
    except usaddress.RepeatedLabelError as error:
        labels = {label for _token, label in error.parsed_string}
        kind = "Repeated"
    if "USPSBoxType" in labels:
        return LineKind.ROUTE_BOX if "USPSBoxGroupType" in labels else LineKind.PO_BOX
    if kind == "Street Address":
        return LineKind.STREET
    if kind == "Repeated" or "AddressNumber" in labels:
        return LineKind.UNPARSEABLE
    return LineKind.NO_NUMBER
