"""LL7xx: across the leads of one run (duplicates).

Each rule is a factory the engine calls once per run; the check it returns
sees every lead in order, across all files of the run. What a check keeps
is a table from a 64-bit hash of (kind, normalized value) to the first lead
that had it, in two flat arrays (16 bytes a slot, a third to two thirds
full): no lead value is stored, and memory grows by 24 to 48 bytes per
distinct value. Two different values share a hash with probability about
n²/2⁶⁵ (for a million values, one chance in 37 million); the hash is keyed
per process, so such a false duplicate would not repeat on the next run.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterator, Mapping
from typing import Any

from leadlint.models import Severity, Violation
from leadlint.rules.base import AcrossCheck, Describe, Rule, across_rule

_INDEX_BITS = 40  # a ref is packed as file_number << 40 | index
_INDEX_MASK = (1 << _INDEX_BITS) - 1
_MASK64 = (1 << 64) - 1


class SeenTable:
    """Open addressing (linear probing) from a nonzero 64-bit key to a packed ref."""

    __slots__ = ("keys", "mask", "refs", "size")

    def __init__(self, capacity: int = 1 << 15) -> None:
        self._allocate(capacity)
        self.size = 0

    def _allocate(self, capacity: int) -> None:
        self.keys = array("Q", (0,)) * capacity  # no temporary buffer on the way
        self.refs = array("Q", (0,)) * capacity
        self.mask = capacity - 1

    def first(self, key: int, ref: int) -> int:
        """The ref stored under ``key``; stores ``ref`` there first if there was none."""
        keys, mask = self.keys, self.mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return self.refs[slot]
            if found == 0:
                break
            slot = (slot + 1) & mask
        keys[slot] = key
        self.refs[slot] = ref
        self.size += 1
        if 3 * self.size > 2 * mask:
            self._grow()
        return ref

    def _grow(self) -> None:
        keys, refs = self.keys, self.refs
        self._allocate(2 * len(keys))
        new_keys, new_refs, mask = self.keys, self.refs, self.mask
        for key, ref in zip(keys, refs, strict=True):
            if key:
                slot = key & mask
                while new_keys[slot]:
                    slot = (slot + 1) & mask
                new_keys[slot] = key
                new_refs[slot] = ref


def value_key(kind: str, value: str) -> int:
    """The nonzero 64-bit hash a table keeps for (kind, value).

    Python's own string hash (SipHash, keyed per process): a check's table
    lives in one process for the whole run, and this costs a tenth of a
    ``blake2b`` digest.
    """
    return (hash((kind, value)) & _MASK64) or 1


if sys.hash_info.width < 64:  # pragma: no cover - 32-bit builds
    from hashlib import blake2b

    def value_key(kind: str, value: str) -> int:
        data = (kind + "\0" + value).encode("utf-8", "surrogatepass")
        return int.from_bytes(blake2b(data, digest_size=8).digest()) or 1


def _label(pointer: str) -> str:
    return "`" + pointer[1:].replace("/", ".") + "`"


def _report(
    table: SeenTable, describe: Describe, keyed: list[tuple[str, int]], ref: tuple[int, int]
) -> Iterator[Violation]:
    """A violation for each (pointer, key) an earlier lead already had."""
    packed = (ref[0] << _INDEX_BITS) | ref[1]
    found = []
    for pointer, key in keyed:
        earlier = table.first(key, packed)
        if earlier != packed:  # a repeat inside this lead finds its own ref
            where = describe((earlier >> _INDEX_BITS, earlier & _INDEX_MASK))
            found.append(Violation(pointer, f"Same {_label(pointer)} as {where}"))
    return iter(found)


_NOTHING: Iterator[Violation] = iter(())


@across_rule(code="LL701", name="duplicate-lead-id", severity=Severity.ERROR)
def duplicate_lead_id(options: Mapping[str, Any], describe: Describe) -> AcrossCheck:
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
    table = SeenTable()

    def check(lead: Any, ref: tuple[int, int]) -> Iterator[Violation]:
        value = lead.get("id") if isinstance(lead, dict) else None
        if isinstance(value, str) and value:
            return _report(table, describe, [("/id", value_key("id", value))], ref)
        return _NOTHING

    return check


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
def duplicate_external_id(options: Mapping[str, Any], describe: Describe) -> AcrossCheck:
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
    table = SeenTable()

    def check(lead: Any, ref: tuple[int, int]) -> Iterator[Violation]:
        if not isinstance(lead, dict):
            return _NOTHING
        metadata = lead.get("metadata")
        if not isinstance(metadata, dict):
            metadata = _EMPTY
        keyed = []
        for pointer, name, nested, kind in _EXTERNAL_IDS:
            value = (metadata if nested else lead).get(name)
            if isinstance(value, str) and value:
                keyed.append((pointer, value_key(kind, value)))
        return _report(table, describe, keyed, ref) if keyed else _NOTHING

    return check


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
def duplicate_contact(options: Mapping[str, Any], describe: Describe) -> AcrossCheck:
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
    table = SeenTable()

    def check(lead: Any, ref: tuple[int, int]) -> Iterator[Violation]:
        if not isinstance(lead, dict):
            return _NOTHING
        keyed = []
        phone_pointer, phone, email_pointer, email = _contact_values(lead)
        if isinstance(phone, str) and (number := phone_key(phone)) is not None:
            keyed.append((phone_pointer, value_key("phone", number)))
        if isinstance(email, str) and (address := email_key(email)) is not None:
            keyed.append((email_pointer, value_key("email", address)))
        return _report(table, describe, keyed, ref) if keyed else _NOTHING

    return check


RULES: tuple[Rule, ...] = (duplicate_lead_id, duplicate_external_id, duplicate_contact)
