"""Rejected leads, written back in the input's format, with a findings sidecar.

The sidecar names rule codes, messages and pointers, never lead values, so it
can go back to the vendor with the leads it describes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

import orjson

from leadlint.models import Diagnostic
from leadlint.records import Record
from leadlint.writer import cell_text


class RejectsWriter:
    """Writes ``FILE`` (leads: NDJSON for .ndjson/.jsonl, a JSON array for .json,
    CSV with dotted headers for .csv) and ``FILE.findings.json``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = {".json": "json", ".csv": "csv"}.get(path.suffix.lower(), "ndjson")
        self._leads: list[Any] = []
        self._findings: list[dict[str, Any]] = []
        self._out: IO[str] | None = None
        if self.kind == "ndjson":
            self._out = path.open("w", encoding="utf-8")

    def add(self, record: Record, lead: Any, codes: list[str], errors: list[Diagnostic]) -> None:
        entry = {
            "file": record.source,
            "record": record.index,
            "lead_id": lead.get("id")
            if isinstance(lead, dict) and isinstance(lead.get("id"), str)
            else None,
            "codes": sorted(set(codes)),
            "findings": [
                {"code": d.code, "message": d.message, "pointer": d.location.pointer}
                for d in errors
            ],
        }
        self._findings.append(entry)
        if self._out is not None:
            self._out.write(orjson.dumps(lead).decode() + "\n")
        else:
            self._leads.append(lead)

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
        elif self.kind == "json":
            self.path.write_bytes(orjson.dumps(self._leads, option=orjson.OPT_INDENT_2) + b"\n")
        else:
            self._write_csv()
        sidecar = self.path.with_name(self.path.name + ".findings.json")
        sidecar.write_bytes(orjson.dumps(self._findings, option=orjson.OPT_INDENT_2) + b"\n")

    def _write_csv(self) -> None:
        rows = [dict(_flatten(lead)) for lead in self._leads if isinstance(lead, dict)]
        header: list[str] = []
        for row in rows:
            header.extend(k for k in row if k not in header)
        with self.path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow([cell_text(row[k]) if k in row else "" for k in header])


def _flatten(value: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for key, child in value.items():
        name = f"{prefix}{key}"
        if isinstance(child, dict) and child:
            found.extend(_flatten(child, name + "."))
        else:
            found.append((name, child))
    return found
