"""The terminal view of an audit: totals, a scorecard per source, findings per rule."""

from __future__ import annotations

from typing import Any

import click

NONE_LABEL = "(none)"
MAX_KEY_WIDTH = 32


def _clean(text: str) -> str:
    """One printable line: a group key is untrusted text (no terminal control)."""
    cleaned = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)
    if len(cleaned) > MAX_KEY_WIDTH:
        cleaned = cleaned[: MAX_KEY_WIDTH - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return cleaned


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), *(line(row) for row in rows)]


def render_audit_text(report: dict[str, Any], color: bool = False) -> str:
    totals = report["totals"]
    files = report["files"]
    noun = "file" if len(files) == 1 else "files"
    leads = "lead" if totals["leads"] == 1 else "leads"
    title = (
        f"{totals['leads']:,} {leads} in {len(files):,} {noun}: "
        f"{_percent(totals['cleanShare'])} clean, "
        f"{totals['leadsWithErrors']:,} with errors, "
        f"{_percent(totals['duplicateShare'])} duplicates"
    )
    lines = [click.style(title, bold=True) if color else title]
    lines.append(
        f"  {totals['errors']:,} errors, {totals['warnings']:,} warnings, "
        f"{totals['infos']:,} infos"
        + (
            f" ({totals['fileFindings']:,} not tied to a readable lead)"
            if totals["fileFindings"]
            else ""
        )
    )
    sources = report["sources"]
    if sources:
        lines += ["", f"Sources by {_clean(report['groupBy'])}"]
        rows = []
        for source in sources:
            key = NONE_LABEL if source["source"] is None else _clean(source["source"])
            top = ", ".join(
                f"{p['code']} {p['name']} ({p['leads']:,})" for p in source["topProblems"][:3]
            )
            rows.append(
                [
                    key,
                    f"{source['leads']:,}",
                    _percent(source["cleanShare"]),
                    f"{source['leadsWithErrors']:,}",
                    _percent(source["duplicateShare"]),
                    top or "-",
                ]
            )
        header = ["source", "leads", "clean", "w/ errors", "dupes", "top problems (leads)"]
        lines += _table(header, rows, right={1, 2, 3, 4})
    rules = report["rules"]
    if rules:
        lines += ["", "Findings per rule"]
        rows = [
            [r["code"], r["name"], r["severity"], f"{r['findings']:,}", f"{r['leads']:,}"]
            for r in rules
        ]
        lines += _table(["code", "rule", "severity", "findings", "leads"], rows, right={3, 4})
    timeline = report["timeline"]
    if timeline["periods"]:
        first, last = timeline["periods"][0]["period"], timeline["periods"][-1]["period"]
        worst = max(
            timeline["periods"],
            key=lambda p: (1 - p["cleanLeads"] / p["leads"] if p["leads"] else 0.0, p["period"]),
        )
        share = 1 - worst["cleanLeads"] / worst["leads"] if worst["leads"] else 0.0
        lines += [
            "",
            f"Created {first} to {last} ({len(timeline['periods'])} {timeline['unit']}s); "
            f"worst {timeline['unit']}: {worst['period']}, {_percent(share)} of its "
            f"{worst['leads']:,} leads with problems",
        ]
    return "\n".join(lines) + "\n"
