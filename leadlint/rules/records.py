"""LL7xx: across the leads of one run (duplicates).

Each rule gives the keys of one lead: (pointer, 64-bit hash of (kind,
normalized value)). The engine keeps, per rule, a table from key to the
first lead that had it (:class:`DuplicateTables`): a dict up to 262,144 keys
(about 110 bytes a key, at most about 28 MiB a table), then two flat arrays
(16 bytes a slot, a sixth to two thirds full, so 24 to 96 bytes a distinct
value). No lead value is stored. Two different values
share a hash with probability about n²/2⁶⁵ (for a million values, one chance
in 37 million); the hash is keyed per run, so such a false duplicate would
not repeat on the next run.

Keys are computed where the lead is read (a worker process, a Dask
partition) and resolved in lead order where the run is put together, which
is what makes a parallel run report exactly what one process reports.
"""

from __future__ import annotations

import heapq
import os
import re
import sys
from array import array
from collections.abc import Callable, Iterable
from hashlib import blake2b
from itertools import compress, repeat
from operator import lshift, ne, or_
from typing import Any

from leadlint.core import CORE
from leadlint.models import Severity
from leadlint.rules.base import KeyOf, Rule, across_rule

_INDEX_BITS = 40  # a ref is packed as file_number << 40 | index
_INDEX_MASK = (1 << _INDEX_BITS) - 1
_MASK64 = (1 << 64) - 1
_QUADRUPLE_BELOW = 1 << 20  # table slots
_SMALL_KEYS = 1 << 18  # keys a table keeps in a dict (about 28 MiB) before its arrays


class SeenTable:
    """From a nonzero 64-bit key to a packed ref: a dict while small, then flat arrays.

    A new table is a dict (one call in C per key). Past ``small_keys`` keys,
    where its 100-odd bytes a key would outgrow the arrays' 24 to 48, it
    moves to open addressing (linear probing) in two arrays. The array
    probing is written out in :class:`DuplicateTables`, in the two loops that
    run for every key (one lead, one range): no call per key.
    """

    __slots__ = ("keys", "mask", "refs", "size", "small", "small_keys")

    def __init__(self, capacity: int = 1 << 15, small_keys: int = _SMALL_KEYS) -> None:
        self._allocate(capacity)
        self.size = 0  # keys in the arrays
        self.small: dict[int, int] | None = {} if small_keys > 0 else None
        self.small_keys = small_keys

    def __len__(self) -> int:
        return self.size if self.small is None else len(self.small)

    def spill(self) -> None:
        """Move the keys from the dict to the arrays (for good)."""
        small = self.small
        if small is None:
            return
        self.small = None
        self.reserve(len(small))
        keys, refs, mask = self.keys, self.refs, self.mask
        for key, ref in small.items():
            slot = key & mask
            while keys[slot]:
                slot = (slot + 1) & mask
            keys[slot] = key
            refs[slot] = ref
        self.size = len(small)

    def _allocate(self, capacity: int) -> None:
        self.keys = array("Q", (0,)) * capacity  # no temporary buffer on the way
        self.refs = array("Q", (0,)) * capacity
        self.mask = capacity - 1

    def reserve(self, size: int) -> None:
        """Make room for ``size`` keys at most two thirds full (one rehash at most)."""
        capacity = len(self.keys)
        while 3 * size > 2 * (capacity - 1):
            capacity *= 2
        if capacity != len(self.keys):
            self._grow(capacity)

    def _grow(self, capacity: int | None = None) -> None:
        keys, refs = self.keys, self.refs
        if capacity is None:
            # Four times while small (fewer rehashes of a growing run), then twice.
            capacity = len(keys) * (4 if len(keys) < _QUADRUPLE_BELOW else 2)
        self._allocate(capacity)
        new_keys, new_refs, mask = self.keys, self.refs, self.mask
        if CORE is not None:
            CORE.rehash(keys, refs, new_keys, new_refs, mask)
            return
        for key, ref in compress(zip(keys, refs, strict=True), keys):  # occupied slots only
            slot = key & mask
            while new_keys[slot]:
                slot = (slot + 1) & mask
            new_keys[slot] = key
            new_refs[slot] = ref


class DuplicateTables:
    """One :class:`SeenTable` per across rule: the whole state of a run's LL7xx checks."""

    __slots__ = ("tables", "usual")

    def __init__(self, codes: Iterable[str], small_keys: int = _SMALL_KEYS) -> None:
        self.tables = {code: SeenTable(small_keys=small_keys) for code in codes}
        # The tables of the USUAL_SLOTS, slot by slot (when this run has all three rules).
        self.usual = (
            tuple(self.tables[code] for code, _pointer in USUAL_SLOTS)
            if all(code in self.tables for code, _pointer in USUAL_SLOTS)
            else None
        )

    def usual_repeats(
        self,
    ) -> Callable[[UsualKeys, tuple[int, int]], list[tuple[str, str, tuple[int, int]]]]:
        """:meth:`repeats_usual`, compiled when :mod:`leadlint.core` is."""
        if CORE is not None and self.usual is not None:
            return CORE.UsualRepeats(self.usual, USUAL_SLOTS, self.repeats_in)  # type: ignore[no-any-return]
        return self.repeats_usual

    def repeats_usual(
        self, keys: UsualKeys, ref: tuple[int, int]
    ) -> list[tuple[str, str, tuple[int, int]]]:
        """:meth:`repeats_in` for the :func:`usual_keys` of one lead: (code, pointer, earlier lead).

        Needs the tables of all three rules (``usual`` is not None).
        """
        assert self.usual is not None
        packed = (ref[0] << _INDEX_BITS) | ref[1]
        found = []
        for table, (code, pointer), key in zip(self.usual, USUAL_SLOTS, keys, strict=True):
            if not key:
                continue
            small = table.small
            if small is None:
                for _pointer, earlier in self.repeats_in(code, [(pointer, key)], ref):
                    found.append((code, pointer, earlier))
                continue
            first = small.setdefault(key, packed)
            if first != packed:
                found.append((code, pointer, (first >> _INDEX_BITS, first & _INDEX_MASK)))
            elif len(small) > table.small_keys:
                table.spill()
        return found

    def repeats_in(
        self, code: str, keyed: list[tuple[str, int]], ref: tuple[int, int]
    ) -> list[tuple[str, tuple[int, int]]]:
        """The (pointer, earlier lead) of each key of one lead that an earlier lead had.

        ``ref`` is the lead's (file number, index); a key repeated inside the
        lead finds the lead's own ref: not a duplicate. One call per rule and
        lead, the probing inlined (the one-process hot path).
        """
        packed = (ref[0] << _INDEX_BITS) | ref[1]
        table = self.tables[code]
        found = []
        small = table.small
        if small is not None:
            for pointer, key in keyed:
                earlier = small.setdefault(key, packed)
                if earlier != packed:
                    found.append((pointer, (earlier >> _INDEX_BITS, earlier & _INDEX_MASK)))
            if len(small) > table.small_keys:
                table.spill()
            return found
        table_keys, refs, mask = table.keys, table.refs, table.mask
        for pointer, key in keyed:
            slot = key & mask
            seen = table_keys[slot]
            while seen and seen != key:
                slot = (slot + 1) & mask
                seen = table_keys[slot]
            if seen:
                earlier = refs[slot]
                if earlier != packed:
                    found.append((pointer, (earlier >> _INDEX_BITS, earlier & _INDEX_MASK)))
                continue
            table_keys[slot] = key
            refs[slot] = packed
            table.size += 1
            if 3 * table.size > 2 * mask:
                table._grow()
                table_keys, refs, mask = table.keys, table.refs, table.mask
        return found

    def resolve(
        self, batch: KeyBatch, file_number: int, shift: int
    ) -> list[tuple[str, CodeKeys, int]]:
        """Decide a range's keys in order: (code, its keys, position) of each repeat.

        ``shift`` turns the batch's range-local lead indexes into the file's.
        One call per range and one tight loop per rule: this runs for every
        key of a parallel run, in the one process that puts the run together.
        Keys of one rule are decided in lead order; rules have separate tables.
        """
        base = (file_number << _INDEX_BITS) + shift
        found: list[tuple[str, CodeKeys, int]] = []
        for code, keyed in batch.by_code.items():
            table = self.tables[code]
            keys, owners = keyed.keys, keyed.owners
            small = table.small
            if CORE is not None:  # the arrays, probed in C
                table.spill()
                table.reserve(table.size + len(keys))
                repeated, added = CORE.resolve_keys(
                    table.keys, table.refs, table.mask, keys, owners, base
                )
                table.size += added
                found.extend((code, keyed, position) for position in repeated)
                continue
            if small is not None and len(small) + len(keys) <= table.small_keys:
                # All in C: each key's first ref, compared with the key's own.
                mine = [base + (owner >> 8) for owner in owners]
                firsts = map(small.setdefault, keys, mine)
                repeated = compress(range(len(keys)), map(ne, firsts, mine))
                found.extend((code, keyed, position) for position in repeated)
                continue
            table.spill()
            table.reserve(table.size + len(keys))
            table_keys, refs, mask = table.keys, table.refs, table.mask
            added = 0
            for position in range(len(keys)):
                key = keys[position]
                slot = key & mask
                while True:
                    seen = table_keys[slot]
                    if seen == key:
                        if refs[slot] != base + (owners[position] >> 8):
                            found.append((code, keyed, position))
                        break
                    if seen == 0:
                        table_keys[slot] = key
                        refs[slot] = base + (owners[position] >> 8)
                        added += 1
                        break
                    slot = (slot + 1) & mask
            table.size += added
        return found

    def expect(self, batch: KeyBatch, batches: int) -> None:
        """Size the tables for ``batches`` more batches like ``batch`` (one rehash, not many).

        The one process that assembles a parallel run would otherwise rehash
        each table a dozen times as it doubles, while the workers wait.
        """
        for code, keyed in batch.by_code.items():
            table = self.tables[code]
            expected = len(table) + len(keyed.keys) * batches
            # The compiled core decides batches in the arrays only (see resolve).
            if CORE is not None or table.small is None or expected > table.small_keys:
                table.spill()
                table.reserve(expected)

    def first_of(self, code: str, key: int) -> tuple[int, int]:
        """The (file number, index) of the first lead with ``key`` (which was seen)."""
        table = self.tables[code]
        if table.small is not None:
            found = table.small[key]  # KeyError: never seen, a caller's mistake
            return found >> _INDEX_BITS, found & _INDEX_MASK
        slot = key & table.mask
        while table.keys[slot] != key:
            if table.keys[slot] == 0:
                raise KeyError(key)  # never seen: a caller's mistake, not a lead's
            slot = (slot + 1) & table.mask
        found = table.refs[slot]
        return found >> _INDEX_BITS, found & _INDEX_MASK


class CodeKeys:
    """One across rule's keys of a range, in lead order, in flat arrays."""

    __slots__ = ("keys", "owners", "pointer_ids", "pointers", "values")

    def __init__(self, show_values: bool) -> None:
        self.keys = array("Q")
        # Per key: the lead's record index in the range << 8 | the pointer's number.
        self.owners = array("Q")
        self.pointers: list[str] = []
        self.pointer_ids: dict[str, int] = {}
        self.values: list[str | None] | None = [] if show_values else None

    def append(self, owner: int, pointer: str, key: int) -> None:
        """One key of the lead ``owner`` (its range index << 8), at ``pointer``."""
        self.keys.append(key)
        self.owners.append(owner | self.number(pointer))

    def number(self, pointer: str) -> int:
        """The pointer's number in ``owners``."""
        number = self.pointer_ids.get(pointer)
        if number is None:
            number = self.pointer_ids[pointer] = len(self.pointers)
            self.pointers.append(pointer)
        return number

    def merge(self, keys: array[int], owners: array[int]) -> None:
        """Add keys of other leads of the range, keeping lead order (both are in it)."""
        if not self.keys:
            self.keys, self.owners = keys, owners
            return
        pairs = list(
            heapq.merge(
                zip(self.owners, self.keys, strict=True),
                zip(owners, keys, strict=True),
                key=_lead_of,
            )
        )
        self.owners = array("Q", (owner for owner, _key in pairs))
        self.keys = array("Q", (key for _owner, key in pairs))

    def lead(self, position: int) -> int:
        return self.owners[position] >> 8

    def pointer(self, position: int) -> str:
        return self.pointers[self.owners[position] & 0xFF]


class KeyBatch:
    """A range's duplicate keys, per rule, in lead order (cheap to send).

    Filled where the leads are read (a worker); decided, in run order, by
    :meth:`DuplicateTables.resolve` where the run is put together. Holds
    hashes and field names, never values (``values`` only with --show-values).
    """

    __slots__ = ("by_code", "lines", "show_values", "usual")

    def __init__(self, show_values: bool = False) -> None:
        self.by_code: dict[str, CodeKeys] = {}
        # The line of each lead by range index (-1: none, or a lead without keys).
        self.lines = array("q")
        self.show_values = show_values
        # Leads of the usual shape as they came: range index, then the four
        # usual_keys; moved into ``by_code`` by :meth:`finish`.
        self.usual = array("Q")

    def line(self, index: int) -> int | None:
        """The line the reader gave lead ``index`` of the range (None if it had none)."""
        line = self.lines[index] if index < len(self.lines) else -1
        return None if line < 0 else line

    def _code(self, code: str) -> CodeKeys:
        try:
            return self.by_code[code]
        except KeyError:
            batch = self.by_code[code] = CodeKeys(self.show_values)
            return batch

    def _line(self, index: int, line: int | None) -> None:
        lines = self.lines
        if len(lines) <= index:
            if len(lines) < index:
                lines.extend([-1] * (index - len(lines)))
            lines.append(-1 if line is None else line)

    def add_usual(self, index: int, line: int | None, keys: UsualKeys) -> None:
        """:meth:`add` for the :func:`usual_keys` of one lead (not with ``show_values``).

        Two appends in C: the keys reach ``by_code`` in :meth:`finish`.
        """
        self._line(index, line)
        self.usual.append(index)
        self.usual.extend(keys)

    def finish(self) -> None:
        """Move the usual leads' keys into ``by_code``, in lead order (call once the range is read)."""
        usual = self.usual
        if not usual:
            return
        assert not self.show_values
        self.usual = array("Q")
        width = 1 + len(USUAL_SLOTS)
        owners = array("Q", map(lshift, usual[0::width], repeat(8)))
        for code, slots in _USUAL_BY_CODE:
            target = self._code(code)
            # The code's slots side by side, lead by lead: as the rules give them.
            keys = array("Q", bytes(8 * len(slots) * len(owners)))
            mine = array("Q", keys)
            for place, (slot, pointer) in enumerate(slots):
                keys[place :: len(slots)] = usual[1 + slot :: width]
                number = target.number(pointer)
                mine[place :: len(slots)] = array("Q", map(or_, owners, repeat(number)))
            target.merge(array("Q", compress(keys, keys)), array("Q", compress(mine, keys)))

    def add(
        self,
        index: int,
        line: int | None,
        code: str,
        keyed: list[tuple[str, int]],
        shown: Callable[[str], str | None] | None = None,
    ) -> None:
        batch = self._code(code)
        self._line(index, line)
        owner = index << 8
        for pointer, key in keyed:
            batch.append(owner, pointer, key)
        if batch.values is not None:
            batch.values.extend(shown(p) if shown is not None else None for p, _key in keyed)


def _lead_of(pair: tuple[int, int]) -> int:
    return pair[0] >> 8


def duplicate_message(pointer: str, earlier: str) -> str:
    """``Same `contact.email` as lead 3 of a.ndjson``: the field, never the value."""
    return f"Same `{pointer[1:].replace('/', '.')}` as {earlier}"


def _python_hash_key(kind: str, value: str) -> int:
    return (hash((kind, value)) & _MASK64) or 1


def keyed_blake2b(secret: bytes | None = None) -> KeyOf:
    """A key function that gives the same keys in every process given ``secret``.

    For runs whose leads are read by processes that do not share Python's
    hash seed (Dask workers): the secret is made once per run and shipped to
    them, so keys still differ from one run to the next.
    """
    salt = secret if secret is not None else os.urandom(16)

    def key_of(kind: str, value: str) -> int:
        data = (kind + "\0" + value).encode("utf-8", "surrogatepass")
        return int.from_bytes(blake2b(data, digest_size=8, key=salt).digest()) or 1

    return key_of


# The nonzero 64-bit hash a table keeps for (kind, value) by default: Python's
# own string hash (SipHash, keyed per process), right where every key of a run
# is computed in one process or in processes forked from it, at a tenth of the
# cost of a ``blake2b`` digest. 32-bit builds have no 64-bit ``hash``.
value_key: KeyOf = _python_hash_key if sys.hash_info.width >= 64 else keyed_blake2b()


_EMPTY_KEYS: list[tuple[str, int]] = []


@across_rule(code="LL701", name="duplicate-lead-id", severity=Severity.ERROR)
def duplicate_lead_id(lead: Any, key_of: KeyOf) -> list[tuple[str, int]]:
    """
    ## What it does
    Reports a lead whose `id` an earlier lead of the same run already had,
    in the same file or another one. The message names the earlier lead.

    ## Why is this bad?
    `PUT /leads/{id}` with a repeated id overwrites the first lead with the
    second: one of the two is lost, and which one depends on the order of
    delivery. Ids are compared exactly.

    ## Example
    ```ndjson
    {"id": "a-1", "contact": {"firstName": "Ann"}}
    {"id": "a-1", "contact": {"firstName": "Bob"}}
    ```

    ## Use instead
    ```ndjson
    {"id": "a-1", "contact": {"firstName": "Ann"}}
    {"id": "a-2", "contact": {"firstName": "Bob"}}
    ```

    ## Fix safety
    No fix: only the sender knows which lead owns the id.

    ## Options
    None.
    """
    value = lead.get("id") if isinstance(lead, dict) else None
    if isinstance(value, str) and value:
        return [("/id", key_of("id", value))]
    return _EMPTY_KEYS


# (pointer, name, under metadata?, kind): the seller's reconciliation
# handles, structured and flat.
_EXTERNAL_IDS = (
    ("/metadata/externalId", "externalId", True, "externalId"),
    ("/metadata/sellerLeadId", "sellerLeadId", True, "sellerLeadId"),
    ("/externalId", "externalId", False, "externalId"),
    ("/sellerLeadId", "sellerLeadId", False, "sellerLeadId"),
    ("/sellerLeadIdentifier", "sellerLeadIdentifier", False, "sellerLeadId"),
)
_EMPTY: dict[str, Any] = {}


@across_rule(code="LL702", name="duplicate-external-id", severity=Severity.ERROR)
def duplicate_external_id(lead: Any, key_of: KeyOf) -> list[tuple[str, int]]:
    """
    ## What it does
    Reports a lead whose external or seller lead id an earlier lead of the
    same run already had. The ids are `metadata.externalId` and
    `metadata.sellerLeadId`, or in a flat intake body `externalId`,
    `sellerLeadId` and `sellerLeadIdentifier`.

    ## Why is this bad?
    These ids are how seller and buyer reconcile deliveries and how Leadping
    deduplicates: a repeat is either the same lead sent twice (billed twice)
    or two leads the seller cannot tell apart. An external id and a seller
    id are compared only with their own kind, exactly.

    ## Example
    ```ndjson
    {"id": "a-1", "metadata": {"externalId": "ext-100"}}
    {"id": "a-2", "metadata": {"externalId": "ext-100"}}
    ```

    ## Use instead
    ```ndjson
    {"id": "a-1", "metadata": {"externalId": "ext-100"}}
    {"id": "a-2", "metadata": {"externalId": "ext-101"}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    if not isinstance(lead, dict):
        return _EMPTY_KEYS
    metadata = lead.get("metadata")
    if not isinstance(metadata, dict):
        metadata = _EMPTY
    keyed = []
    for pointer, name, nested, kind in _EXTERNAL_IDS:
        value = (metadata if nested else lead).get(name)
        if isinstance(value, str) and value:
            keyed.append((pointer, key_of(kind, value)))
    return keyed


_EXTENSION = re.compile(r"[A-Za-z#;,]")
_NOT_DIGITS = re.compile(r"[^0-9]+")
_GMAIL = frozenset({"gmail.com", "googlemail.com"})


def phone_key(value: str) -> str | None:
    """Digits of a phone number before any extension, without a NANP leading 1.

    "+1 (617) 555-0123", "617.555.0123" and "16175550123" are one number;
    fewer than 7 digits is no number.
    """
    if len(value) == 12 and value.startswith("+1") and value.isascii() and value[2:].isdigit():
        return value[2:]  # E.164 NANP, the common case
    cut = _EXTENSION.search(value)
    digits = _NOT_DIGITS.sub("", value if cut is None else value[: cut.start()])
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return digits if len(digits) >= 7 else None


def email_key(value: str) -> str | None:
    """An address trimmed and lowercased; for Gmail, without dots and ``+tag``."""
    local, at, domain = value.strip().lower().rpartition("@")
    if not (at and local and domain):
        return None
    if domain in _GMAIL:
        local = local.partition("+")[0].replace(".", "")
        domain = "gmail.com"
    return local + "@" + domain


def _contact_values(lead: dict[str, Any]) -> tuple[str, Any, str, Any]:
    """(pointer, phone, pointer, email), structured or flat."""
    contact = lead.get("contact")
    if isinstance(contact, dict):
        phone = contact.get("phone")
        number = phone.get("number") if isinstance(phone, dict) else None
        return "/contact/phone/number", number, "/contact/email", contact.get("email")
    return "/phone", lead.get("phone"), "/email", lead.get("email")


@across_rule(code="LL703", name="duplicate-contact", severity=Severity.WARNING)
def duplicate_contact(lead: Any, key_of: KeyOf) -> list[tuple[str, int]]:
    """
    ## What it does
    Reports a lead whose phone number or email an earlier lead of the same
    run already had. The fields are `contact.phone.number` and
    `contact.email`, or in a flat intake body `phone` and `email`.

    ## Why is this bad?
    The same person sold twice is a duplicate the buyer will return, and a
    burst of leads sharing one phone or inbox is a common sign of fraud.
    Phones compare by their digits (a leading `1` of an 11-digit NANP number
    and any extension dropped); emails trimmed and lowercased, and for
    Gmail also without dots and `+tag`, which Gmail ignores.

    ## Example
    ```ndjson
    {"id": "a-1", "contact": {"email": "Ann.Lee@example.com"}}
    {"id": "a-2", "contact": {"email": "ann.lee@example.com"}}
    ```

    ## Use instead
    ```ndjson
    {"id": "a-1", "contact": {"email": "ann.lee@example.com"}}
    {"id": "a-2", "contact": {"email": "bob.ray@example.com"}}
    ```

    ## Fix safety
    No fix: the leads may be one person's repeat request.

    ## Options
    None.
    """
    if not isinstance(lead, dict):
        return _EMPTY_KEYS
    keyed = []
    phone_pointer, phone, email_pointer, email = _contact_values(lead)
    if isinstance(phone, str) and (number := phone_key(phone)) is not None:
        keyed.append((phone_pointer, key_of("phone", number)))
    if isinstance(email, str) and (address := email_key(email)) is not None:
        keyed.append((email_pointer, key_of("email", address)))
    return keyed


RULES: tuple[Rule, ...] = (duplicate_lead_id, duplicate_external_id, duplicate_contact)

# The keys of the three rules for a lead of the usual shape, slot by slot:
# (rule code, pointer). See :func:`usual_keys`.
USUAL_SLOTS = (
    (duplicate_lead_id.code, "/id"),
    (duplicate_external_id.code, "/metadata/externalId"),
    (duplicate_contact.code, "/contact/phone/number"),
    (duplicate_contact.code, "/contact/email"),
)
# USUAL_SLOTS by rule: (code, ((slot, pointer), ...)).
_USUAL_BY_CODE = tuple(
    (
        code,
        tuple(
            (slot, pointer) for slot, (other, pointer) in enumerate(USUAL_SLOTS) if other == code
        ),
    )
    for code in dict.fromkeys(code for code, _pointer in USUAL_SLOTS)
)
_FLAT_IDS = frozenset(name for _pointer, name, nested, _kind in _EXTERNAL_IDS if not nested)
UsualKeys = tuple[int, int, int, int]


def usual_keys(lead: Any, key_of: KeyOf) -> UsualKeys | None:
    """The keys of LL701, LL702 and LL703 in one pass: one per :data:`USUAL_SLOTS` slot, 0 for none.

    For a lead of the usual shape (a ``contact`` object, no flat external
    ids, no ``metadata.sellerLeadId``), the rules' own functions give
    exactly these keys, in this order; for any other lead this gives None,
    and the caller asks the rules. One call instead of three lists of
    tuples (tested against the rules on every kind of lead).
    """
    contact = lead.get("contact") if isinstance(lead, dict) else None
    if not isinstance(contact, dict) or not lead.keys().isdisjoint(_FLAT_IDS):
        return None
    external = 0
    metadata = lead.get("metadata")
    if isinstance(metadata, dict):
        if "sellerLeadId" in metadata:
            return None
        value = metadata.get("externalId")
        if isinstance(value, str) and value:
            external = key_of("externalId", value)
    value = lead.get("id")
    lead_id = key_of("id", value) if isinstance(value, str) and value else 0
    phone = contact.get("phone")
    value = phone.get("number") if isinstance(phone, dict) else None
    number = phone_key(value) if isinstance(value, str) else None
    phone_number = 0 if number is None else key_of("phone", number)
    value = contact.get("email")
    address = email_key(value) if isinstance(value, str) else None
    email = 0 if address is None else key_of("email", address)
    return lead_id, external, phone_number, email


def usual_key_reader(key_of: KeyOf) -> Callable[[Any], UsualKeys | None]:
    """:func:`usual_keys` with ``key_of`` bound: compiled when :mod:`leadlint.core` is."""
    if CORE is not None:
        native = key_of is _python_hash_key
        return CORE.UsualKeys(key_of, native, _FLAT_IDS, _GMAIL, phone_key)  # type: ignore[no-any-return]

    def read(lead: Any) -> UsualKeys | None:
        return usual_keys(lead, key_of)

    return read
