"""In-place text edits agree with ``apply_edits`` and change nothing else."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from leadlint.fixes import apply_edits
from leadlint.models import Edit
from leadlint.positions import join_pointer
from leadlint.textedit import TextEditError, apply_text_edits

# ---------------------------------------------------------------- a serialiser with variants


@dataclass(frozen=True)
class Layout:
    indent: str | None  # None: all on one line
    comma: str  # between one-line members
    colon: str
    ensure_ascii: bool


LAYOUTS = [
    Layout(None, ",", ":", False),  # compact
    Layout(None, ",", ":", True),
    Layout(None, ", ", ": ", False),  # json.dumps default, spaced
    Layout(None, ", ", ": ", True),
    Layout("  ", ",", ": ", False),  # indent=2
    Layout("  ", ",", ": ", True),
    Layout("    ", ",", ": ", False),  # indent=4
    Layout("\t", ",", ": ", True),
]


def spell_number(value: int | float, rnd: random.Random | None) -> str:
    """Some JSON spelling of ``value`` (json.dumps' own when ``rnd`` is None)."""
    plain = json.dumps(value)
    if rnd is None:
        return plain
    options = [plain]
    if isinstance(value, int):
        options += [f"{value}.0", f"{value}e0", f"{value}E-0"]
        if value == 0:
            options += ["-0", "-0.0", "0E+2"]
        elif value % 100 == 0:
            options.append(f"{value // 100}E+2")
    else:
        options.append(plain.upper())
        if value.is_integer() and abs(value) < 1e15:
            options += [str(int(value)), f"{int(value)}e0"]
    return rnd.choice(options)


def spell_string(value: str, layout: Layout, rnd: random.Random | None) -> str:
    text = json.dumps(value, ensure_ascii=layout.ensure_ascii)
    if rnd is not None and rnd.random() < 0.5:
        text = text.replace("/", "\\/")
    return text


def dump(value: Any, layout: Layout, rnd: random.Random | None = None, level: int = 0) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return spell_number(value, rnd)
    if isinstance(value, str):
        return spell_string(value, layout, rnd)
    if isinstance(value, dict):
        parts = [
            spell_string(k, layout, rnd) + layout.colon + dump(v, layout, rnd, level + 1)
            for k, v in value.items()
        ]
        opener, closer = "{", "}"
    else:
        parts = [dump(v, layout, rnd, level + 1) for v in value]
        opener, closer = "[", "]"
    if not parts:
        return opener + closer
    if layout.indent is None:
        return opener + layout.comma.join(parts) + closer
    inner = "\n" + layout.indent * (level + 1)
    return opener + inner + ("," + inner).join(parts) + "\n" + layout.indent * level + closer


# ---------------------------------------------------------------- an independent span finder


def raw_spans(text: str) -> dict[str, tuple[int, int]]:
    """Pointer -> (start, end) of every value, found with the json module's scanner."""
    decoder = json.JSONDecoder()
    spans: dict[str, tuple[int, int]] = {}

    def skip(i: int) -> int:
        while text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, pointer: str) -> int:
        i = skip(i)
        start = i
        if text[i] == "{":
            i = skip(i + 1)
            while text[i] != "}":
                key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
                i = skip(i)
                assert text[i] == ":"
                i = skip(value(i + 1, join_pointer(pointer, key)))
                if text[i] == ",":
                    i = skip(i + 1)
            i += 1
        elif text[i] == "[":
            i = skip(i + 1)
            index = 0
            while text[i] != "]":
                i = skip(value(i, join_pointer(pointer, index)))
                index += 1
                if text[i] == ",":
                    i = skip(i + 1)
            i += 1
        else:
            _, i = decoder.raw_decode(text, i)
        spans[pointer] = (start, i)
        return i

    value(0, "")
    return spans


def raw_values(text: str) -> dict[str, str]:
    return {p: text[s:e] for p, (s, e) in raw_spans(text).items()}


# ---------------------------------------------------------------- strategies

keys = st.text(
    st.sampled_from(list('ab~/"\\\n\t\x00é€😀\u2028 ')) | st.characters(exclude_categories=["Cs"]),
    max_size=4,
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6).map(lambda n: n * 100 if n % 3 == 0 else n)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)
leads = st.dictionaries(keys, json_values, max_size=5)


def walk(value: Any, pointer: str = "") -> list[tuple[str, Any]]:
    found = [(pointer, value)]
    if isinstance(value, dict):
        for k, v in value.items():
            found += walk(v, join_pointer(pointer, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += walk(v, join_pointer(pointer, i))
    return found


def parent_of(pointer: str) -> str:
    return pointer[: pointer.rfind("/")]


def draw_missing(data: st.DataObject, state: Any) -> str:
    """A pointer to a missing member of some object, maybe under new parent objects."""
    objects = [p for p, v in walk(state) if isinstance(v, dict)]
    parent = data.draw(st.sampled_from(objects))
    node = dict(walk(state))[parent]
    pointer = join_pointer(parent, data.draw(keys.filter(lambda k: k not in node)))
    for extra in data.draw(st.lists(keys, max_size=2)):
        pointer = join_pointer(pointer, extra)
    return pointer


def draw_edit(data: st.DataObject, state: Any, values: st.SearchStrategy[Any]) -> Edit:
    existing = [p for p, _ in walk(state) if p]
    kinds = ["set-missing"] + (["set", "remove", "move", "rename"] if existing else [])
    kind = data.draw(st.sampled_from(kinds))
    if kind == "set":
        edit = Edit("set", data.draw(st.sampled_from(existing)), data.draw(values))
    elif kind == "remove":
        edit = Edit("remove", data.draw(st.sampled_from(existing)))
    elif kind in {"move", "rename"}:
        source = data.draw(st.sampled_from(existing))
        parent = dict(walk(state))[parent_of(source)]
        if kind == "rename" and isinstance(parent, dict):
            key = data.draw(keys.filter(lambda k: k not in parent))
            target = join_pointer(parent_of(source), key)
        elif data.draw(st.booleans()):
            target = data.draw(st.sampled_from(existing))
        else:
            target = draw_missing(data, state)
        edit = Edit("move", source, to=target)
    else:
        edit = Edit("set", draw_missing(data, state), data.draw(values))
    try:
        apply_edits(state, [edit])
    except (ValueError, IndexError, KeyError, TypeError):
        event("edit: invalid draw, replaced by set-missing")
        return Edit("set", draw_missing(data, state), data.draw(values))
    event(f"edit: {kind}")
    return edit


def draw_edits(data: st.DataObject, lead: Any, values: st.SearchStrategy[Any]) -> list[Edit]:
    edits: list[Edit] = []
    state = lead
    for _ in range(data.draw(st.integers(1, 3))):
        edit = draw_edit(data, state, values)
        state = apply_edits(state, [edit])
        edits.append(edit)
    return edits


def touched(pointer: str, edits: list[Edit]) -> bool:
    """Whether an edit may change the raw text at ``pointer`` (conservatively)."""
    for edit in edits:
        for target in filter(None, [edit.pointer, edit.to]):
            if target == pointer or target.startswith(pointer + "/"):
                return True  # an ancestor of (or the) target
            if pointer.startswith(target + "/"):
                return True  # inside the target
            container = parent_of(target)
            last = target[len(container) + 1 :]
            if last.isdigit() and pointer.startswith(container + "/"):
                return True  # array items after the target shift
    return False


SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# ---------------------------------------------------------------- properties


@SETTINGS
@given(lead=leads, layout=st.sampled_from(LAYOUTS), seed=st.integers(0, 2**32), data=st.data())
def test_edits_match_apply_edits_and_keep_the_rest(
    lead: dict[str, Any], layout: Layout, seed: int, data: st.DataObject
) -> None:
    text = dump(lead, layout, random.Random(seed)) + data.draw(st.sampled_from(["", "\n", " \n"]))
    edits = draw_edits(data, lead, json_values)
    result = apply_text_edits(text, edits)
    assert json.loads(result) == apply_edits(json.loads(text), edits)
    before, after = raw_values(text), raw_values(result)
    for pointer, raw in before.items():
        if not touched(pointer, edits):
            assert after.get(pointer) == raw, pointer
    # The trailing whitespace after the document is never touched.
    assert result[len(result.rstrip()) :] == text[len(text.rstrip()) :]


@SETTINGS
@given(lead=leads, layout=st.sampled_from(LAYOUTS), seed=st.integers(0, 2**32))
def test_no_edits_is_identity(lead: dict[str, Any], layout: Layout, seed: int) -> None:
    text = dump(lead, layout, random.Random(seed)) + "\n"
    assert apply_text_edits(text, []) is text


@SETTINGS
@given(
    lead=leads.filter(bool),
    layout=st.sampled_from([x for x in LAYOUTS if not x.ensure_ascii]),
    data=st.data(),
)
def test_canonical_layout_stays_canonical(
    lead: dict[str, Any], layout: Layout, data: st.DataObject
) -> None:
    """Text written by json.dumps stays exactly what json.dumps writes (scalar values set)."""
    text = dump(lead, layout)
    edits = draw_edits(data, lead, scalars)
    result = apply_text_edits(text, edits)
    parsed = json.loads(result)
    if layout.indent is None:
        separators = (layout.comma, layout.colon)
        again = json.dumps(parsed, ensure_ascii=False, separators=separators)
    else:
        again = json.dumps(parsed, ensure_ascii=False, indent=layout.indent)
    assert result == again


@SETTINGS
@given(
    batch=st.lists(leads, min_size=1, max_size=4),
    layout=st.sampled_from(LAYOUTS),
    envelope=st.booleans(),
    seed=st.integers(0, 2**32),
    data=st.data(),
)
def test_other_leads_are_untouched(
    batch: list[dict[str, Any]], layout: Layout, envelope: bool, seed: int, data: st.DataObject
) -> None:
    document: Any = {"source": "x", "leads": batch} if envelope else batch
    text = dump(document, layout, random.Random(seed)) + "\n"
    index = data.draw(st.integers(0, len(batch) - 1))
    base = f"/leads/{index}" if envelope else f"/{index}"
    edits = draw_edits(data, batch[index], json_values)
    result = apply_text_edits(text, edits, base)
    start, end = raw_spans(text)[base]
    assert result.startswith(text[:start])
    assert result.endswith(text[end:])
    parsed = json.loads(result)
    got = parsed["leads"] if envelope else parsed
    assert got[index] == apply_edits(json.loads(text[start:end]), edits)
    before, after = raw_values(text), raw_values(result)
    for i in range(len(batch)):
        if i != index:
            pointer = f"/leads/{i}" if envelope else f"/{i}"
            assert after[pointer] == before[pointer]


# ---------------------------------------------------------------- styles, by example


def check(text: str, edits: list[Edit], expected: str, base: str = "") -> None:
    result = apply_text_edits(text, edits, base)
    assert result == expected
    lead = json.loads(text)
    for token in filter(None, base.split("/")):
        lead = lead[int(token)] if isinstance(lead, list) else lead[token]
    got = json.loads(result)
    for token in filter(None, base.split("/")):
        got = got[int(token)] if isinstance(got, list) else got[token]
    assert got == apply_edits(lead, edits)


PRETTY = '{\n  "a": 1.0,\n  "b": {\n    "c": 1e3\n  },\n  "d": "x"\n}\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a":1}', '{"a":1,"k":"v"}'),
        ('{"a":1,"b":2}', '{"a":1,"b":2,"k":"v"}'),
        ('{"a": 1}', '{"a": 1, "k": "v"}'),
        ('{ "a": 1 }', '{ "a": 1, "k": "v" }'),
        ('{\n  "a": 1\n}\n', '{\n  "a": 1,\n  "k": "v"\n}\n'),
        ('{\n    "a": 1,\n    "b": 2\n}', '{\n    "a": 1,\n    "b": 2,\n    "k": "v"\n}'),
        ("{}", '{"k": "v"}'),
        ("{\n}", '{\n  "k": "v"\n}'),
    ],
)
def test_set_missing_member_matches_style(text: str, expected: str) -> None:
    check(text, [Edit("set", "/k", "v")], expected)


def test_set_into_empty_nested_object_follows_document() -> None:
    check('{"a":1,"m":{}}', [Edit("set", "/m/k", 2)], '{"a":1,"m":{"k":2}}')
    check('{"a": 1, "m": {}}', [Edit("set", "/m/k", 2)], '{"a": 1, "m": {"k": 2}}')
    check(
        '{\n\t"a": 1,\n\t"m": {}\n}',
        [Edit("set", "/m/k", 2)],
        '{\n\t"a": 1,\n\t"m": {\n\t\t"k": 2\n\t}\n}',
    )


def test_set_existing_replaces_only_the_value() -> None:
    check(PRETTY, [Edit("set", "/d", "é")], PRETTY.replace('"x"', '"é"'))
    check("[1.0, 2.50]", [Edit("set", "/1", None)], "[1.0, null]")
    check('{"a": {"b": [1E2]}}', [Edit("set", "/a/b", {"c": [1]})], '{"a": {"b": {"c": [1]}}}')


def test_creates_missing_parents_in_style() -> None:
    edit = Edit("set", "/metadata/trustedFormUrl", "https://t.example/1")
    check('{"id":"1"}', [edit], '{"id":"1","metadata":{"trustedFormUrl":"https://t.example/1"}}')
    check(
        '{"id": "1"}', [edit], '{"id": "1", "metadata": {"trustedFormUrl": "https://t.example/1"}}'
    )
    check(
        '{\n  "id": "1"\n}\n',
        [edit],
        '{\n  "id": "1",\n  "metadata": {\n    "trustedFormUrl": "https://t.example/1"\n  }\n}\n',
    )


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/a", '{\n  "b": {\n    "c": 1e3\n  },\n  "d": "x"\n}\n'),
        ("/b", '{\n  "a": 1.0,\n  "d": "x"\n}\n'),
        ("/d", '{\n  "a": 1.0,\n  "b": {\n    "c": 1e3\n  }\n}\n'),
        ("/b/c", '{\n  "a": 1.0,\n  "b": {},\n  "d": "x"\n}\n'),
    ],
)
def test_remove_pretty(pointer: str, expected: str) -> None:
    check(PRETTY, [Edit("remove", pointer)], expected)


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/a", '{"b":[1,2,3],"c":3}'),
        ("/b", '{"a":1,"c":3}'),
        ("/c", '{"a":1,"b":[1,2,3]}'),
        ("/b/0", '{"a":1,"b":[2,3],"c":3}'),
        ("/b/1", '{"a":1,"b":[1,3],"c":3}'),
        ("/b/2", '{"a":1,"b":[1,2],"c":3}'),
    ],
)
def test_remove_compact(pointer: str, expected: str) -> None:
    check('{"a":1,"b":[1,2,3],"c":3}', [Edit("remove", pointer)], expected)


def test_rename_keeps_position_and_value_text() -> None:
    text = '{\n  "contact": {\n    "streetAddress": {\n      "zip": "02134",\n      "n": 1.0\n    }\n  }\n}'
    edit = Edit("move", "/contact/streetAddress/zip", to="/contact/streetAddress/postalCode")
    check(text, [edit], text.replace('"zip"', '"postalCode"'))


def test_move_across_objects_keeps_raw_text_and_reindents() -> None:
    text = '{\n  "trusted_form": {\n    "u": "\\u00e9",\n    "n": 1.0\n  },\n  "id": 1e3\n}\n'
    edit = Edit("move", "/trusted_form", to="/metadata/trustedFormUrl")
    expected = (
        '{\n  "id": 1e3,\n  "metadata": {\n    "trustedFormUrl": {\n'
        '      "u": "\\u00e9",\n      "n": 1.0\n    }\n  }\n}\n'
    )
    check(text, [edit], expected)
    check('{"t":"\\/x","m":{"a":1}}', [Edit("move", "/t", to="/m/b")], '{"m":{"a":1,"b":"\\/x"}}')


def test_move_below_its_own_old_place_creates_parents() -> None:
    check('{"a": 1.0, "b": 2}', [Edit("move", "/a", to="/a/x")], '{"b": 2, "a": {"x": 1.0}}')


def test_move_onto_existing_member() -> None:
    check('{"a": 1.0, "b": 2}', [Edit("move", "/a", to="/b")], '{"b": 1.0}')


def test_unicode_escapes_elsewhere_are_kept() -> None:
    text = '{"name": "Ren\\u00e9e", "city": "Z\\u00fcrich", "x": 1}'
    check(
        text, [Edit("set", "/x", "é")], '{"name": "Ren\\u00e9e", "city": "Z\\u00fcrich", "x": "é"}'
    )


def test_sequential_edits_see_earlier_ones() -> None:
    edits = [Edit("set", "/m/a", 1), Edit("set", "/m/b", 2), Edit("remove", "/m/a")]
    check('{"x": 0}', edits, '{"x": 0, "m": {"b": 2}}')


def test_lead_inside_pretty_array() -> None:
    text = '[\n  {\n    "a": 1\n  },\n  {\n    "a": 2\n  }\n]\n'
    expected = (
        '[\n  {\n    "a": 1\n  },\n  {\n    "a": 2,\n    "m": {\n      "k": 1\n    }\n  }\n]\n'
    )
    check(text, [Edit("set", "/m/k", 1)], expected, base="/1")
    envelope = '{"leads": [{"a": 1}, {}]}'
    check(envelope, [Edit("set", "/k", 1)], '{"leads": [{"a": 1}, {"k": 1}]}', base="/leads/1")


@pytest.mark.parametrize(
    "edit",
    [
        Edit("set", "/a/b", 1),  # through a scalar
        Edit("set", "/l/5", 1),  # index out of range
        Edit("set", "/l/-", 1),
        Edit("remove", "/zz"),
        Edit("remove", "/l/3"),
        Edit("remove", ""),
        Edit("set", "", 1),
        Edit("move", "/zz", to="/y"),
        Edit("move", "/a", to=None),
        Edit("set", "x", 1),  # not a pointer
        Edit("set", "/n", float("nan")),
    ],
)
def test_invalid_edits_raise(edit: Edit) -> None:
    text = '{"a": 1, "l": [1, 2, 3]}'
    with pytest.raises(TextEditError):
        apply_text_edits(text, [edit])


def test_bad_base_and_duplicates_raise() -> None:
    with pytest.raises(TextEditError):
        apply_text_edits('[{"a": 1}]', [Edit("set", "/a", 2)], base="/3")
    with pytest.raises(TextEditError):
        apply_text_edits('{"a": 1, "a": 2}', [Edit("remove", "/a")])
    # Setting a duplicated key writes the copy that parsers keep (the last).
    assert apply_text_edits('{"a": 1, "a": 2}', [Edit("set", "/a", 3)]) == '{"a": 1, "a": 3}'
