"""Word lists and the per-value analysis behind the person-name rules (LL201-LL206).

Each name is analysed once per distinct value (``assess_name`` is cached);
the rules in ``names`` only read the result.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

# Compared against the name with case folded and every non-letter removed, so
# "First Name", "first_name" and "FIRSTNAME" are one entry.
PLACEHOLDER_WORDS = frozenset(
    {
        "test", "tester", "testing", "testtest", "asdf", "asdfgh", "asdfghjkl", "qwerty",
        "qwer", "none", "null", "unknown", "fake", "sample", "xxx", "abc", "abcd", "abcde",
        "abcdef", "xyz", "firstname", "lastname", "fname", "lname", "name", "noname",
        "yourname", "myname", "fullname", "anonymous", "undefined", "dummy", "placeholder",
        "notprovided", "notgiven", "notapplicable", "nobody", "someone",
    }
)  # fmt: skip
# Attested surnames (Sample, Null): placeholders only as a first name.
FIRST_NAME_ONLY = frozenset({"sample", "null"})
# "N/A" is a placeholder but "Na" is a Korean surname and a Chinese given
# name (Li Na): with a separator it is a placeholder, without one a name.
SEPARATED_ONLY = frozenset({"na", "nn"})

# Whole names that are placeholders or famous fictional characters. Each part
# alone can be a real name (John, Doe, Mickey, Simpson all are), so only the
# pair, as first + last or written whole in one field, is reported.
PLACEHOLDER_PAIRS = frozenset(
    {
        "john doe", "jane doe", "john q public", "jane q public", "joe bloggs",
        "fred bloggs", "joe schmoe", "max mustermann", "erika mustermann",
        "test user", "test test", "first last", "mickey mouse", "minnie mouse",
        "donald duck", "daisy duck", "daffy duck", "bugs bunny", "porky pig",
        "elmer fudd", "tweety bird", "homer simpson", "fred flintstone",
        "wilma flintstone", "barney rubble", "betty rubble", "scooby doo",
        "spongebob squarepants", "santa claus", "easter bunny", "wile e coyote",
        "road runner", "yogi bear", "winnie the pooh", "darth vader",
    }
)  # fmt: skip

# "Mac" + capital only where the Gaelic patronymic is meant: Macias, Machado,
# Mackey and Macy are names of their own.
MAC_STEMS = frozenset(
    {
        "allister", "arthur", "aulay", "donald", "dougall", "duff", "farlane", "gregor",
        "gillivray", "innes", "intosh", "intyre", "kay", "kinnon", "lachlan", "laren", "lean",
        "leod", "lennan", "millan", "namara", "naughton", "neil", "pherson", "quarrie",
        "queen", "rae", "tavish",
    }
)  # fmt: skip

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Letter -> (row, column) on a US QWERTY keyboard.
_KEYS = {ch: (row, col) for row, keys in enumerate(_ROWS) for col, ch in enumerate(keys)}
_VOWELS = frozenset("aeiouyw")  # y and w are vowels in Welsh and in Nguyen
_WORD_MARKS = frozenset({"Mn", "Mc", "Me"})
_JOINERS = frozenset("\u200c\u200d")
_APOSTROPHES = frozenset("'\u2019\u02bc")
# Separators between the parts of a name when re-casing it.
_PARTS = re.compile(r"([\s\-'\u2019\u02bc]+)")


class NameAssessment(NamedTuple):
    """What the rules need to know about one name value."""

    key: str  # case-folded letters and single spaces: "mary ann", "" if none
    placeholder: int  # 0 no, 1 only as a first name, 2 anywhere
    has_digit: bool
    has_letter: bool
    mashed: bool  # keyboard run, vowel-less Latin mash or one letter repeated
    normalized: str  # trimmed, whitespace runs collapsed to one space
    recased: str | None  # the title-cased value when it is all upper or all lower


@lru_cache(maxsize=65536)
def assess_name(value: str) -> NameAssessment:
    """Analyse one first or last name (cached per distinct value)."""
    folded = value.casefold()
    if folded.isalpha():  # most names: one word of letters only
        words = [folded]
    else:
        words = "".join(ch if _in_word(ch) else " " for ch in folded).split()
    key = " ".join(words)
    letters = "".join(words)
    has_letter = any(ch.isalpha() for ch in value)
    return NameAssessment(
        key=key,
        placeholder=_placeholder(folded, key, letters),
        has_digit=any(ch.isdigit() for ch in value),
        has_letter=has_letter,
        mashed=has_letter and _mashed(folded, words, letters),
        normalized=" ".join(value.split()),
        recased=_recased(value, letters),
    )


def _in_word(ch: str) -> bool:
    # Combining marks (Devanagari vowel signs, the dot of a folded "İ") and
    # joiners belong to the letters around them.
    return ch.isalpha() or unicodedata.category(ch) in _WORD_MARKS or ch in _JOINERS


def _placeholder(folded: str, key: str, letters: str) -> int:
    if letters in SEPARATED_ONLY:
        return 2 if "".join(folded.split()) != letters else 0
    if key in PLACEHOLDER_PAIRS:
        return 2
    if letters in FIRST_NAME_ONLY:
        return 1
    if letters in PLACEHOLDER_WORDS:
        return 2
    return 0


def _mashed(folded: str, words: list[str], letters: str) -> bool:
    if any(ch.isdigit() for ch in folded):
        return False  # reported as digits, not as mash
    if len(letters) >= 3 and len(set(letters)) == 1:
        return True
    if not letters.isascii():
        return False  # vowel and keyboard logic is for Latin ASCII only
    if _keyboard_runs(letters):
        return True
    return any(len(word) >= 5 and not _VOWELS.intersection(word) for word in words)


def _keyboard_runs(letters: str) -> bool:
    """Whether the letters are nothing but runs of 3+ neighbouring keys on one row.

    A run goes one way along a row ("asdf", "lkjh"); "asdasd" is two runs.
    Four letters are enough without a vowel ("hjkl", "zxcv"); with one, five
    are needed, so real names such as Wert and Trew pass.
    """
    if len(letters) < (5 if _VOWELS.intersection(letters) else 4):
        return False
    run, step = 1, 0
    for prev, cur in pairwise(letters):
        move = _step(prev, cur)
        if move and step in (0, move):
            run, step = run + 1, move
            continue
        if run < 3:
            return False
        run, step = 1, 0
    return run >= 3


def _step(prev: str, cur: str) -> int:
    (row_a, col_a), (row_b, col_b) = _KEYS[prev], _KEYS[cur]
    if row_a == row_b and abs(col_a - col_b) == 1:
        return col_b - col_a
    return 0


def _recased(value: str, letters: str) -> str | None:
    if len(letters) < 2 or not (value.isupper() or value.islower()):
        return None
    pieces = _PARTS.split(value)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:  # a separator
            out.append(piece)
        elif index and pieces[index - 1][-1:] in _APOSTROPHES and len(pieces[index - 2]) > 1:
            out.append(_lower(piece))  # only O', D', L' take a capital: "Dell'acqua"
        else:
            out.append(_title_part(piece))
    return "".join(out)


def _title_part(word: str) -> str:
    low = _lower(word)
    if low.startswith("mc") and len(low) > 3:
        return _capital(word[:2]) + _capital(word[2:])
    if low.startswith("mac") and low[3:] in MAC_STEMS:
        return _capital(word[:3]) + _capital(word[3:])
    return _capital(word)


def _capital(word: str) -> str:
    head = word[:1]
    # An upper-case head stays as written: "İBRAHİM" keeps its dotted İ.
    return (head if head.isupper() else head.title()) + _lower(word[1:])


def _lower(text: str) -> str:
    # "İ".lower() is "i" plus a combining dot above; a name wants plain "i".
    return text.replace("\u0130", "i").lower()
