"""The audit report as one self-contained HTML page (``leadlint audit --html``).

Rendered from the ``leadlint-audit-v1`` dict (``leadlint.audit``): run facts,
three Plotly charts (findings per rule, clean share per source, problems over
``createdAt``), a scorecard per source, a table per rule and the files read.

* Offline: plotly.js is inlined once and a Content-Security-Policy forbids
  every network request; scripts run only by hash, so markup that slipped
  through escaping still could not run a script.
* Every string from the audit is untrusted (group keys are lead values such
  as ``metadata.utmSource``, paths are file names): HTML-escaped in the page,
  escaped for plotly's own label markup in the charts, and kept inside inert
  ``application/json`` blocks (``<``, ``>`` and ``&`` as ``\\u`` escapes).
  Characters that steer or hide text (controls, bidi overrides, zero-width
  marks) are shown as ``[U+202E]``.

plotly is imported on call, so the CLI starts fast without it.
"""

from __future__ import annotations

import hashlib
import html
import json
from base64 import b64encode
from typing import Any

MAX_CHART_SOURCES = 30  # more bars than this are unreadable; the table has them all
MAX_LABEL = 40  # characters of a chart label; the hover text and tables have it whole
_COLORS = {"error": "#c0392b", "warning": "#e08e0b", "info": "#2c7fb8"}
_CLEAN, _PROBLEM = "#4c9a6a", "#d9603b"

# Draws the inert JSON blocks; constant, so its hash is too. data-drawn tells
# a screenshot (scripts/screenshot_audit.py, the tests) that the charts are done.
_BOOT = """\
Promise.all(Array.from(document.querySelectorAll("script[data-chart]"), (block) => {
  const figure = JSON.parse(block.textContent);
  return Plotly.newPlot(block.dataset.chart, figure.data, figure.layout,
                        {displaylogo: false, responsive: true});
})).then(() => { document.body.dataset.drawn = "yes"; });
"""

_CSS = """\
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2933;
margin:0;background:#f5f7fa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px}
.meta{color:#52606d;margin:0}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin-top:20px}
.fact{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0002}
.fact b{display:block;font-size:24px}.fact span{color:#52606d;font-size:13px}
.chart{background:#fff;border-radius:8px;box-shadow:0 1px 2px #0002;padding:8px}
.empty{background:#fff;border-radius:8px;padding:16px;color:#52606d}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}
th,td{padding:6px 10px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:#eef1f5;font-weight:600}td.n,th.n{text-align:right;white-space:nowrap}
.good{color:#2f7d4f}.fair{color:#a86b00}.poor{color:#b3261e}.none{color:#52606d}
.sev{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}
.error{background:#c0392b}.warning{background:#e08e0b}.info{background:#2c7fb8}
ul.top{margin:0;padding:0;list-style:none}
footer{color:#52606d;font-size:13px;margin:32px 0 8px}
"""


class HtmlUnavailable(RuntimeError):
    """The optional plotly dependency is not installed."""


def render_audit_html(audit: dict[str, Any]) -> str:
    """The whole page; raises :class:`HtmlUnavailable` without plotly."""
    try:
        import plotly.graph_objects as go
        from plotly.offline import get_plotlyjs
    except ImportError as exc:
        raise HtmlUnavailable("install leadlint[html] for --html") from exc
    totals = audit["totals"]
    timeline = audit.get("timeline") or {}
    figures = {
        "chart-rules": _rules_figure(go, audit["rules"]),
        "chart-sources": _sources_figure(go, audit["sources"]),
        "chart-timeline": _timeline_figure(go, timeline.get("periods") or []),
    }
    plotly_js = get_plotlyjs()
    hashes = " ".join(f"'sha256-{_sha256(script)}'" for script in (plotly_js, _BOOT))
    csp = f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data: blob:"
    files = audit["files"]
    title = f"leadlint audit: {_plural(totals['leads'], 'lead')} in {_plural(len(files), 'file')}"
    body = "\n".join(
        [
            _header(audit, title),
            "<h2>Findings per rule</h2>",
            _chart("chart-rules", figures, "No findings: every rule passed."),
            f"<h2>Clean share per source{_group_note(audit)}</h2>",
            _chart("chart-sources", figures, "No leads."),
            "<h2>Problems over time</h2>",
            _chart("chart-timeline", figures, "No lead has a parsable creation time."),
            _timeline_note(timeline),
            f"<h2>Scorecard per source{_group_note(audit)}</h2>",
            _scorecard(audit["sources"]),
            "<h2>Rules that fired</h2>",
            _rules_table(audit["rules"], totals["leads"]),
            "<h2>Files</h2>",
            _files_table(files),
            "<footer>No lead values are included in this report, except the values of "
            "the field the sources are grouped by.</footer>",
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>{_CSS}</style>\n"
        f"<script>{plotly_js}</script>\n</head>\n<body><main>\n{body}\n</main>\n"
        f"{_data_blocks(figures)}<script>{_BOOT}</script>\n</body></html>\n"
    )


# -- the page ---------------------------------------------------------------


def _header(audit: dict[str, Any], title: str) -> str:
    t = audit["totals"]
    tool = audit.get("tool") or {}
    leads = t["leads"]
    facts = [
        (f"{leads:,}", f"leads in {_plural(len(audit['files']), 'file')}"),
        (_share(t["cleanShare"]), f"clean ({t['cleanLeads']:,} leads without errors or warnings)"),
        (f"{t['leadsWithErrors']:,}", "leads with errors"),
        (f"{t['errors']:,}", "errors"),
        (f"{t['warnings']:,}", "warnings"),
        (f"{t['infos']:,}", "infos"),
        (_share(t["duplicateShare"]), f"duplicates ({t['duplicateLeads']:,} leads)"),
    ]
    if t.get("fileFindings"):
        facts.append((f"{t['fileFindings']:,}", "findings about whole files"))
    cards = "".join(
        f'<div class="fact"><b>{_text(v)}</b><span>{_text(k)}</span></div>' for v, k in facts
    )
    meta = (
        f"Generated {_text(str(audit.get('generatedAt', '')))} by "
        f"{_text(str(tool.get('name', 'leadlint')))} {_text(str(tool.get('version', '')))}"
    )
    return (
        f'<header><h1>{_text(title)}</h1>\n<p class="meta">{meta}</p>\n'
        f'<div class="facts" id="facts">{cards}</div></header>'
    )


def _group_note(audit: dict[str, Any]) -> str:
    group_by = audit.get("groupBy")
    return f" <small>(by <code>{_text(group_by)}</code>)</small>" if group_by else ""


def _chart(chart_id: str, figures: dict[str, dict[str, Any] | None], empty: str) -> str:
    if figures[chart_id] is None:
        return f'<p class="empty" id="{chart_id}">{_text(empty)}</p>'
    return f'<div class="chart" id="{chart_id}"></div>'


def _timeline_note(timeline: dict[str, Any]) -> str:
    undated = timeline.get("undated") or 0
    if not undated:
        return ""
    field = timeline.get("field") or "createdAt"
    return (
        f'<p class="meta" id="undated">{_plural(undated, "lead")} without a parsable '
        f"<code>{_text(field)}</code> {'is' if undated == 1 else 'are'} not shown.</p>"
    )


def _scorecard(sources: list[dict[str, Any]]) -> str:
    head = (
        "<tr><th>Source</th><th class=n>Leads</th><th class=n>Clean</th>"
        "<th class=n>Leads with errors</th><th class=n>Errors</th><th class=n>Warnings</th>"
        "<th class=n>Infos</th><th class=n>Duplicates</th><th>Top problems</th></tr>"
    )
    rows = []
    for s in sources:
        problems = "".join(
            f'<li><span class="sev {_severity(p)}"></span>{_text(p["code"])} '
            f"{_text(p['name'])} ({_plural(p['leads'], 'lead')})</li>"
            for p in s["topProblems"]
        )
        rows.append(
            f"<tr><td>{_source_html(s['source'])}</td><td class=n>{s['leads']:,}</td>"
            f'<td class="n {_grade(s["cleanShare"])}">{_share(s["cleanShare"])}</td>'
            f"<td class=n>{s['leadsWithErrors']:,}</td><td class=n>{s['errors']:,}</td>"
            f"<td class=n>{s['warnings']:,}</td><td class=n>{s['infos']:,}</td>"
            f"<td class=n>{_share(s['duplicateShare'])}</td>"
            f'<td><ul class="top">{problems}</ul></td></tr>'
        )
    return _table("scorecard", head, rows, "No leads.")


def _rules_table(rules: list[dict[str, Any]], leads: int) -> str:
    head = (
        "<tr><th>Code</th><th>Rule</th><th>Severity</th><th class=n>Findings</th>"
        "<th class=n>Leads</th><th class=n>Share of leads</th></tr>"
    )
    rows = [
        f"<tr><td>{_text(r['code'])}</td><td>{_text(r['name'])}</td>"
        f'<td><span class="sev {_severity(r)}"></span>{_text(r["severity"])}</td>'
        f"<td class=n>{r['findings']:,}</td><td class=n>{r['leads']:,}</td>"
        f"<td class=n>{_share(r['leads'] / leads if leads else 0.0)}</td></tr>"
        for r in rules
    ]
    return _table("rules", head, rows, "No findings.")


def _files_table(files: list[dict[str, Any]]) -> str:
    head = "<tr><th>File</th><th class=n>Leads</th></tr>"
    rows = [f"<tr><td>{_text(f['path'])}</td><td class=n>{f['leads']:,}</td></tr>" for f in files]
    return _table("files", head, rows, "No files.")


def _table(table_id: str, head: str, rows: list[str], empty: str) -> str:
    if not rows:
        return f'<p class="empty" id="{table_id}">{_text(empty)}</p>'
    return (
        f'<table id="{table_id}"><thead>{head}</thead><tbody>\n'
        + "\n".join(rows)
        + "</tbody></table>"
    )


def _data_blocks(figures: dict[str, dict[str, Any] | None]) -> str:
    return "".join(
        f'<script type="application/json" data-chart="{chart_id}">{_json(figure)}</script>\n'
        for chart_id, figure in figures.items()
        if figure is not None
    )


# -- the charts -------------------------------------------------------------


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    return {
        "template": "plotly_white",
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 30, "b": 40},
        "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        **extra,
    }


def _categories(labels: list[str]) -> dict[str, Any]:
    """A category axis by position, so equal labels stay separate bars, first on top."""
    positions = list(range(len(labels)))
    return {
        "tickmode": "array",
        "tickvals": positions,
        "ticktext": [_chart_text(label, MAX_LABEL) for label in labels],
        "autorange": "reversed",
        "automargin": True,
    }


def _rules_figure(go: Any, rules: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rules:
        return None
    fig = go.Figure(
        layout=_layout(
            90 + 26 * len(rules),
            barmode="relative",
            yaxis=_categories([f"{r['code']} {r['name']}" for r in rules]),
            xaxis={"title": {"text": "findings"}, "rangemode": "tozero"},
        )
    )
    for severity, color in _COLORS.items():
        picked = [(i, r) for i, r in enumerate(rules) if r["severity"] == severity]
        if picked:
            fig.add_bar(
                name=severity,
                orientation="h",
                y=[i for i, _ in picked],
                x=[r["findings"] for _, r in picked],
                marker_color=color,
                customdata=[
                    [_chart_text(f"{r['code']} {r['name']}"), r["leads"]] for _, r in picked
                ],
                hovertemplate="%{customdata[0]}<br>%{x:,} findings in %{customdata[1]:,} leads<extra></extra>",
            )
    return dict(fig.to_plotly_json())


def _sources_figure(go: Any, sources: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not sources:
        return None
    shown = sources[:MAX_CHART_SOURCES]
    title = (
        f"the {len(shown)} sources with the most leads, of {len(sources)}"
        if len(shown) < len(sources)
        else ""
    )
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=list(range(len(shown))),
            x=[round(s["cleanShare"] * 100, 2) for s in shown],
            text=[_share(s["cleanShare"]) for s in shown],
            textposition="auto",
            marker_color=_CLEAN,
            customdata=[
                [_chart_text(_source_name(s["source"])), s["leads"], s["cleanLeads"]] for s in shown
            ],
            hovertemplate="%{customdata[0]}<br>%{customdata[2]:,} of %{customdata[1]:,} leads clean<extra></extra>",
        ),
        layout=_layout(
            90 + 26 * len(shown),
            title={"text": title, "font": {"size": 13}},
            yaxis=_categories([_source_name(s["source"]) for s in shown]),
            xaxis={"title": {"text": "clean leads (%)"}, "range": [0, 100]},
        ),
    )
    return dict(fig.to_plotly_json())


def _timeline_figure(go: Any, periods: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not periods:
        return None
    x = [_chart_text(str(p["period"])) for p in periods]
    problem_share = [
        round(100 * (p["leads"] - p["cleanLeads"]) / p["leads"], 2) if p["leads"] else None
        for p in periods
    ]
    details = [[p["findings"], p["errors"]] for p in periods]
    fig = go.Figure(
        layout=_layout(
            380,
            barmode="stack",
            # Categories: the periods as the audit names them, days or months alike.
            xaxis={"type": "category", "nticks": 12},
            yaxis={"title": {"text": "leads"}, "rangemode": "tozero"},
            yaxis2={
                "title": {"text": "leads with problems (%)"},
                "overlaying": "y",
                "side": "right",
                "range": [0, 100],
                "tickmode": "linear",
                "dtick": 20,
                "showgrid": False,
            },
        )
    )
    fig.add_bar(
        name="leads with problems",
        x=x,
        y=[p["leads"] - p["cleanLeads"] for p in periods],
        marker_color=_PROBLEM,
        customdata=details,
        hovertemplate="%{x}: %{y:,} leads with problems, %{customdata[0]:,} findings, %{customdata[1]:,} errors<extra></extra>",
    )
    fig.add_bar(
        name="clean leads", x=x, y=[p["cleanLeads"] for p in periods], marker_color="#b7d7c2"
    )
    fig.add_scatter(
        name="share with problems",
        x=x,
        y=problem_share,
        yaxis="y2",
        mode="lines+markers",
        line={"color": "#5b3a8c", "width": 2},
        hovertemplate="%{x}: %{y}% of leads with problems<extra></extra>",
    )
    return dict(fig.to_plotly_json())


# -- text -------------------------------------------------------------------


def _visible(text: str) -> str:
    """Characters that steer or hide text (controls, bidi overrides, zero-width) made visible."""
    return "".join(ch if ch.isprintable() else f"[U+{ord(ch):04X}]" for ch in text)


def _text(text: str) -> str:
    return html.escape(_visible(text), quote=True)


def _chart_text(text: str, limit: int | None = None) -> str:
    """Plain text for plotly, which reads ``<b>``, ``<a href>``, entities and ``$math$``."""
    shown = _visible(text)
    if limit is not None and len(shown) > limit:
        shown = shown[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return html.escape(shown, quote=False).replace("$", "&#36;")


def _source_name(source: object) -> str:
    """A group key as text: a lead may hold a number or an object where a string belongs."""
    if source is None:
        return "(none)"
    return source if isinstance(source, str) else json.dumps(source, ensure_ascii=False)


def _source_html(source: object) -> str:
    if source is None:
        return '<span class="none">(none)</span>'
    return f"<bdi>{_text(_source_name(source))}</bdi>"


def _json(value: Any) -> str:
    """JSON that cannot end or open a tag in an HTML script block."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(script: str) -> str:
    return b64encode(hashlib.sha256(script.encode()).digest()).decode()


def _share(share: float) -> str:
    return f"{share * 100:.1f}%"


def _grade(share: float) -> str:
    return "good" if share >= 0.9 else "fair" if share >= 0.7 else "poor"


def _severity(item: dict[str, Any]) -> str:
    severity = item.get("severity")
    return severity if severity in _COLORS else ""


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
