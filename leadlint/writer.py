"""Writing fixes back in the file's own shape, atomically; and ``--diff``.

Only what a fix changed is rewritten: NDJSON lines and CSV rows without an
applied fix keep their exact bytes, and inside JSON text only the edited
members change (``textedit``). A file with nothing applied is not written.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from leadlint.csvfile import LineTap, parse_header, put_path, typed_cell
from leadlint.encoding import sniff_encoding
from leadlint.fixes import FixedLead
from leadlint.models import Diagnostic, Edit
from leadlint.positions import duplicate_keys, escape_token
from leadlint.readers import _records_of
from leadlint.records import ReadOptions
from leadlint.textedit import TextEditError, apply_text_edits

FixOne = Callable[[Any], FixedLead]


@dataclass
class FileFix:
    """A file before and after its fixes, and the fixes applied (with lead index)."""

    original: bytes
    fixed: bytes
    applied: list[tuple[int, Diagnostic]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_document(
    fmt: str, data: bytes, fix_one: FixOne, options: ReadOptions, strip_bom: bool = False
) -> FileFix:
    """The fixed bytes of one file in format ``fmt`` (json, ndjson, csv).

    ``strip_bom`` drops a UTF-8 byte order mark (LL005's safe fix).
    """
    skip, _problems, readable = sniff_encoding(data[:4])
    if not readable:
        return FileFix(data, data)
    head, body = data[:skip], data[skip:]
    if strip_bom:
        head = b""
    if fmt == "ndjson":
        result = _fix_ndjson(body, fix_one)
    elif fmt == "csv":
        result = _fix_csv(body, fix_one, options)
    else:
        result = _fix_json(body, fix_one, options)
    return FileFix(data, head + result.fixed, result.applied)


def _fix_ndjson(data: bytes, fix_one: FixOne) -> FileFix:
    out: list[bytes] = []
    applied: list[tuple[int, Diagnostic]] = []
    index = -1
    for line in data.splitlines(keepends=True):
        content = line.rstrip(b"\r\n")
        if not content.strip():
            out.append(line)
            continue
        index += 1
        new = _fix_text(content, "", fix_one, applied, index)
        out.append(line if new is None else new + line[len(content) :])
    return FileFix(data, b"".join(out), applied)


def _fix_text(
    raw: bytes, base: str, fix_one: FixOne, applied: list[tuple[int, Diagnostic]], index: int
) -> bytes | None:
    """One lead's fixed JSON text, or None to keep the text as it is."""
    try:
        text = raw.decode("utf-8")
        lead: Any = orjson.loads(raw)
    except (UnicodeDecodeError, orjson.JSONDecodeError):
        return None
    if not isinstance(lead, dict) or duplicate_keys(text):
        return None  # which copy of a repeated key to edit would be a guess
    result = fix_one(lead)
    if not result.edits:
        return None
    try:
        new = apply_text_edits(text, result.edits, base)
    except TextEditError:
        return None
    applied.extend((index, finding) for finding in result.applied)
    return new.encode("utf-8")


def _fix_json(data: bytes, fix_one: FixOne, options: ReadOptions) -> FileFix:
    try:
        text = data.decode("utf-8")
        document = orjson.loads(data)
    except (UnicodeDecodeError, orjson.JSONDecodeError):
        return FileFix(data, data)
    found = _records_of(document, options.records_key)
    if isinstance(found, str) or duplicate_keys(text):
        return FileFix(data, data)
    prefix, leads = found
    applied: list[tuple[int, Diagnostic]] = []
    for index, lead in enumerate(leads):
        if not isinstance(lead, dict):
            continue
        base = "" if prefix is None else f"{prefix}/{index}"
        result = fix_one(lead)
        if not result.edits:
            continue
        try:
            text = apply_text_edits(text, result.edits, base)
        except TextEditError:
            continue
        applied.extend((index, finding) for finding in result.applied)
    return FileFix(data, text.encode("utf-8"), applied)


def _fix_csv(data: bytes, fix_one: FixOne, options: ReadOptions) -> FileFix:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return FileFix(data, data)
    tap = LineTap(io.StringIO(text, newline=""))
    reader = csv.reader(tap, strict=False)
    header = next(reader, None)
    out = [tap.take()]
    if header is None:
        return FileFix(data, data)
    paths, problem = parse_header(header, out[0])
    if problem is not None:
        return FileFix(data, data)
    columns = {"".join("/" + escape_token(k) for k in path): n for n, path in enumerate(paths)}
    types = [options.field_types(".".join(p)) for p in paths]
    applied: list[tuple[int, Diagnostic]] = []
    index = -1
    for row in reader:
        raw = tap.take()
        if not row:
            out.append(raw)
            continue
        index += 1
        new = (
            _fixed_row(row, raw, paths, types, columns, fix_one) if len(row) == len(paths) else None
        )
        if new is None:
            out.append(raw)
            continue
        cells, result = new
        out.append(_write_row(cells, raw))
        applied.extend((index, finding) for finding in result.applied)
    out.append(tap.take())
    return FileFix(data, "".join(out).encode("utf-8"), applied)


def _fixed_row(
    row: list[str],
    raw: str,
    paths: list[tuple[str, ...]],
    types: list[frozenset[str]],
    columns: dict[str, int],
    fix_one: FixOne,
) -> tuple[list[str], FixedLead] | None:
    lead: dict[str, Any] = {}
    for number, cell in enumerate(row):
        if cell:
            put_path(lead, paths[number], typed_cell(cell, types[number]))
    result = fix_one(lead)
    if not result.edits:
        return None
    cells = list(row)
    try:
        for edit in result.edits:
            _edit_cells(cells, columns, edit)
    except TextEditError:
        return None
    return cells, result


def _edit_cells(cells: list[str], columns: dict[str, int], edit: Edit) -> None:
    """Apply one edit to a row; an edit that needs a column the file lacks fails."""
    source = columns.get(edit.pointer)
    if source is None:
        raise TextEditError(f"no CSV column for `{edit.pointer}`")
    if edit.op == "set":
        cells[source] = cell_text(edit.value)
    elif edit.op == "remove":
        cells[source] = ""
    else:
        target = columns.get(edit.to or "")
        if target is None:
            raise TextEditError(f"no CSV column for `{edit.to}`")
        cells[target], cells[source] = cells[source], ""


def cell_text(value: Any) -> str:
    """A value as the CSV convention writes it (strings as they are, JSON otherwise)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return orjson.dumps(value).decode()


def _write_row(cells: list[str], raw: str) -> str:
    ending = "\r\n" if raw.endswith("\r\n") else "\n" if raw.endswith("\n") else ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending or "\n").writerow(cells)
    written = buffer.getvalue()
    return written if ending else written.rstrip("\n")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace (or create) ``path`` with ``data``: temp file beside it, fsync, os.replace.

    A reader (or a crash) sees the complete old file or the complete new one.
    An existing file keeps its mode; a new one gets the usual mode (umask).
    """
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    directory_path = path.parent if str(path.parent) else Path(".")
    handle, temp = tempfile.mkstemp(dir=directory_path, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    directory = os.open(directory_path, os.O_RDONLY)
    try:
        os.fsync(directory)  # make the rename itself durable
    finally:
        os.close(directory)


def unified_diff(display: str, before: bytes, after: bytes) -> str:
    """A unified diff of one file's fix (lead data: shown only because asked for)."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    lines: Iterable[str] = difflib.unified_diff(old, new, f"a/{display}", f"b/{display}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
