"""The HTML audit report, opened from a file in real headless Chromium (Debian's).

Every page is loaded with the network refused and recorded, and must show no
console error, no page error and no dialog; each test screenshots the whole
page into its tmp_path (and into $LEADLINT_SCREENSHOT_DIR when set).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from leadlint.report.audit_html import MAX_CHART_SOURCES, render_audit_html

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "audit-example.json"
CHROMIUM = "/usr/bin/chromium"
# The flags the screenshot script starts Chromium with: one list for both.
sys.path.insert(0, str(ROOT / "scripts"))
from screenshot_audit import CHROMIUM_ARGS  # noqa: E402

CHARTS = ("chart-rules", "chart-sources", "chart-timeline")
SEVERITIES = ("error", "warning", "info")


# -- audit dicts built by the contract (/work/audit-contract.md) -------------


def rule(code: str, findings: int, leads: int, severity: str = "error") -> dict[str, Any]:
    return {"code": code, "name": f"rule-{code.lower()}", "severity": severity} | {
        "findings": findings,
        "leads": leads,
    }


def source(key: object, leads: int, clean: int, *top: dict[str, Any]) -> dict[str, Any]:
    counts = {sev: sum(p["findings"] for p in top if p["severity"] == sev) for sev in SEVERITIES}
    duplicates = sum(p["leads"] for p in top if p["code"].startswith("LL7"))
    return {
        "source": key,
        "leads": leads,
        "cleanLeads": clean,
        "cleanShare": round(clean / leads, 4) if leads else 0.0,
        "leadsWithErrors": min(
            leads - clean, sum(p["leads"] for p in top if p["severity"] == "error")
        ),
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
        "duplicateLeads": duplicates,
        "duplicateShare": round(duplicates / leads, 4) if leads else 0.0,
        "topProblems": list(top),
    }


def audit_of(
    sources: list[dict[str, Any]],
    periods: list[dict[str, Any]] | None = None,
    undated: int = 0,
    files: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A consistent audit: rules and totals summed from the sources' problems."""
    rules: dict[str, dict[str, Any]] = {}
    for s in sources:
        for p in s["topProblems"]:
            r = rules.setdefault(p["code"], p | {"findings": 0, "leads": 0})
            r["findings"] += p["findings"]
            r["leads"] += p["leads"]

    def total(key: str) -> int:
        return sum(int(s[key]) for s in sources)

    leads, clean, duplicates = total("leads"), total("cleanLeads"), total("duplicateLeads")
    counts = {k: total(k) for k in ("errors", "warnings", "infos")}
    return {
        "version": 1,
        "tool": {"name": "leadlint", "version": "0.1.0"},
        "generatedAt": "2026-11-26T17:30:00Z",
        "groupBy": "metadata.utmSource",
        "files": files if files is not None else [{"path": "leads.ndjson", "leads": leads}],
        "totals": {
            "leads": leads,
            "cleanLeads": clean,
            "cleanShare": round(clean / leads, 4) if leads else 0.0,
            "leadsWithErrors": total("leadsWithErrors"),
            "duplicateLeads": duplicates,
            "duplicateShare": round(duplicates / leads, 4) if leads else 0.0,
            "findings": sum(counts.values()),
            **counts,
            "fileFindings": 0,
        },
        "rules": sorted(rules.values(), key=lambda r: (-r["findings"], r["code"])),
        "sources": sources,
        "timeline": {
            "field": "createdAt",
            "unit": "day",
            "periods": periods or [],
            "undated": undated,
        },
    }


def day(n: int, leads: int, clean: int) -> dict[str, Any]:
    findings = 2 * (leads - clean)
    return {"period": f"2026-07-{n:02d}", "leads": leads, "cleanLeads": clean} | {
        "findings": findings,
        "errors": findings // 2,
    }


# -- the browser --------------------------------------------------------------


@dataclass
class Seen:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def offline_and_quiet(self) -> None:
        assert [url for url in self.requests if not url.startswith("file:")] == []
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []


@contextlib.contextmanager
def browser_session() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with browser_session() as chromium:
        yield chromium


def open_file(browser: Browser, path: Path, seen: Seen) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    def refuse(route: Route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", refuse)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("websocket", lambda ws: seen.requests.append(ws.url))
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    return page


def show(browser: Browser, audit: dict[str, Any], tmp_path: Path, name: str) -> Page:
    """The rendered report, drawn, checked offline and quiet, and screenshotted."""
    path = tmp_path / f"{name}.html"
    path.write_text(render_audit_html(audit), encoding="utf-8")
    seen = Seen()
    page = open_file(browser, path, seen)
    page.wait_for_selector("body[data-drawn]", timeout=30_000)
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    if shots := os.environ.get("LEADLINT_SCREENSHOT_DIR"):
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(shots) / f"{name}.png", full_page=True)
    seen.offline_and_quiet()
    assert seen.requests == [path.as_uri()]  # the file itself, nothing else
    return page


def bars(page: Page, chart: str) -> list[float]:
    """Width x height of each drawn bar of a plotly chart."""
    sizes: list[float] = page.eval_on_selector_all(
        f"#{chart} .main-svg .barlayer .point path",
        "paths => paths.map(p => { const b = p.getBBox(); return b.width * b.height; })",
    )
    return sizes


def cells(page: Page, table: str) -> list[list[str]]:
    rows: list[list[str]] = page.eval_on_selector_all(
        f"#{table} tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent))",
    )
    return rows


def tick_labels(page: Page, chart: str) -> list[str]:
    labels: list[str] = page.eval_on_selector_all(
        f"#{chart} .yaxislayer-above .ytick text", "texts => texts.map(t => t.textContent)"
    )
    return labels


def hover_lines(page: Page, chart: str, bar: int) -> list[str]:
    """The lines of plotly's hover label over one bar, as the mouse shows it."""
    label = f"#{chart} .hoverlayer .hovertext"
    page.mouse.move(0, 0)
    page.wait_for_selector(label, state="detached")
    box = page.locator(f"#{chart} .barlayer .point path").nth(bar).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(label)
    lines: list[str] = page.eval_on_selector_all(
        f"{label} text tspan", "spans => spans.map(s => s.textContent)"
    )
    return lines


def facts(page: Page) -> dict[str, str]:
    pairs: list[list[str]] = page.eval_on_selector_all(
        "#facts .fact",
        "cards => cards.map(c => [c.querySelector('span').textContent, c.querySelector('b').textContent])",
    )
    return dict((label, value) for label, value in pairs)


# -- the tests ----------------------------------------------------------------


def test_typical_report_shows_facts_tables_and_three_charts(
    browser: Browser, tmp_path: Path
) -> None:
    audit = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    page = show(browser, audit, tmp_path, "typical")
    t = audit["totals"]

    assert page.title() == "leadlint audit: 13,430 leads in 3 files"
    shown = facts(page)
    assert shown["leads in 3 files"] == "13,430"
    assert shown[f"clean ({t['cleanLeads']:,} leads without errors or warnings)"] == "64.4%"
    assert shown["errors"] == f"{t['errors']:,}"
    assert shown["warnings"] == f"{t['warnings']:,}"
    assert shown["infos"] == f"{t['infos']:,}"
    assert shown[f"duplicates ({t['duplicateLeads']:,} leads)"] == "3.0%"

    # One drawn bar per rule, per source, and two (problems, clean) per period.
    for chart, count in (
        ("chart-rules", len(audit["rules"])),
        ("chart-sources", len(audit["sources"])),
        ("chart-timeline", 2 * len(audit["timeline"]["periods"])),
    ):
        drawn = bars(page, chart)
        assert len(drawn) == count == page.locator(f"#{chart} .main-svg .barlayer .point").count()
        assert all(area > 0 for area in drawn), chart
    assert page.locator("#chart-timeline .scatterlayer path.js-line").count() == 1
    assert tick_labels(page, "chart-rules") == [f"{r['code']} {r['name']}" for r in audit["rules"]]
    assert tick_labels(page, "chart-sources") == [
        "facebook",
        "google",
        "tiktok",
        "partner-acme",
        "(none)",
    ]

    scorecard = cells(page, "scorecard")
    assert [row[0] for row in scorecard] == [
        "facebook",
        "google",
        "tiktok",
        "partner-acme",
        "(none)",
    ]
    facebook = audit["sources"][0]
    assert scorecard[0][1:8] == [
        "5,200",
        f"{facebook['cleanShare']:.1%}",
        f"{facebook['leadsWithErrors']:,}",
        f"{facebook['errors']:,}",
        f"{facebook['warnings']:,}",
        f"{facebook['infos']:,}",
        f"{facebook['duplicateShare']:.1%}",
    ]
    top = facebook["topProblems"][0]
    assert scorecard[0][8].startswith(f"{top['code']} {top['name']} ({top['leads']:,} leads)")
    assert page.locator("#scorecard tbody tr:nth-child(1) li").count() == 5

    rules = cells(page, "rules")
    assert len(rules) == 12
    first = audit["rules"][0]
    assert rules[0] == [
        first["code"],
        first["name"],
        first["severity"],
        f"{first['findings']:,}",
        f"{first['leads']:,}",
        f"{first['leads'] / t['leads']:.1%}",
    ]
    assert cells(page, "files") == [[f["path"], f"{f['leads']:,}"] for f in audit["files"]]
    assert (
        page.locator("#undated").text_content()
        == "214 leads without a parsable createdAt are not shown."
    )


@pytest.mark.parametrize(
    "timeline", [{"field": "createdAt", "unit": "day", "periods": [], "undated": 0}, None]
)
def test_empty_audit_says_so_instead_of_charts(
    browser: Browser, tmp_path: Path, timeline: dict[str, Any] | None
) -> None:
    audit = audit_of([], files=[{"path": "empty.ndjson", "leads": 0}])
    audit["timeline"] = timeline
    page = show(browser, audit, tmp_path, "empty")

    assert page.locator(".main-svg").count() == 0
    assert page.locator("#chart-rules").text_content() == "No findings: every rule passed."
    assert page.locator("#chart-sources").text_content() == "No leads."
    assert page.locator("#chart-timeline").text_content() == "No lead has a parsable creation time."
    assert page.locator("#scorecard").text_content() == "No leads."
    assert page.locator("#rules").text_content() == "No findings."
    assert page.locator("#undated").count() == 0
    assert facts(page)["leads in 1 file"] == "0"
    assert facts(page)["clean (0 leads without errors or warnings)"] == "0.0%"


def test_one_source_one_rule_one_day(browser: Browser, tmp_path: Path) -> None:
    only = source("newsletter", 10, 7, rule("LL302", 3, 3))
    audit = audit_of([only], periods=[day(12, 10, 7)], undated=0)
    page = show(browser, audit, tmp_path, "one")

    assert len(bars(page, "chart-rules")) == 1
    assert len(bars(page, "chart-sources")) == 1
    assert all(area > 0 for area in bars(page, "chart-timeline"))
    assert len(bars(page, "chart-timeline")) == 2
    assert cells(page, "scorecard")[0][:3] == ["newsletter", "10", "70.0%"]
    assert cells(page, "rules") == [["LL302", "rule-ll302", "error", "3", "3", "30.0%"]]
    assert page.locator("#undated").count() == 0


def test_clean_audit_has_no_rule_chart_but_draws_the_others(
    browser: Browser, tmp_path: Path
) -> None:
    audit = audit_of([source("a", 4, 4), source("b", 2, 2)], periods=[day(1, 6, 6)], undated=1)
    page = show(browser, audit, tmp_path, "clean")

    assert page.locator("#chart-rules").text_content() == "No findings: every rule passed."
    assert len(bars(page, "chart-sources")) == 2
    assert (
        page.locator("#undated").text_content()
        == "1 lead without a parsable createdAt is not shown."
    )


def test_many_rules_and_sources_chart_the_largest_sources_only(
    browser: Browser, tmp_path: Path
) -> None:
    codes = [f"LL{n}" for n in range(101, 161)]  # 60 rules, three per source
    many = [
        source(
            f"source-{i:02d}",
            1000 - i,
            500,
            *(
                rule(code, 90 - i, 80 - i, SEVERITIES[i % 3])
                for code in codes[3 * (i % 20) : 3 * (i % 20) + 3]
            ),
        )
        for i in range(45)
    ]
    periods = [day(n, 50, 40) for n in range(1, 31)]
    audit = audit_of(many, periods=periods)
    page = show(browser, audit, tmp_path, "many")

    assert len(audit["rules"]) == 60
    assert len(bars(page, "chart-rules")) == 60
    assert len(bars(page, "chart-sources")) == MAX_CHART_SOURCES
    assert tick_labels(page, "chart-sources") == [
        f"source-{i:02d}" for i in range(MAX_CHART_SOURCES)
    ]
    assert (
        page.locator("#chart-sources .gtitle").text_content()
        == "the 30 sources with the most leads, of 45"
    )
    assert len(cells(page, "scorecard")) == 45
    assert len(cells(page, "rules")) == 60
    assert len(bars(page, "chart-timeline")) == 60


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</script><script>alert(3)</script>",
    '<b id="pwned">bold</b>',
    '<a href="javascript:alert(4)">link</a>',
    "$x^2$ & 'quotes' \"too\"",
    "abc\u202edef\u2066",  # bidi override and isolate
    "tab\tnul\x00esc\x1b[31mzw\u200bend",
    "<!--",
    "lone\ud800surrogate",  # json.loads lets one through; UTF-8 cannot encode it
]
SHOWN = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</script><script>alert(3)</script>",
    '<b id="pwned">bold</b>',
    '<a href="javascript:alert(4)">link</a>',
    "$x^2$ & 'quotes' \"too\"",
    "abc[U+202E]def[U+2066]",
    "tab[U+0009]nul[U+0000]esc[U+001B][31mzw[U+200B]end",
    "<!--",
    "lone[U+D800]surrogate",
]


def test_hostile_keys_are_shown_as_text(browser: Browser, tmp_path: Path) -> None:
    sources = [
        source(key, 100 - i, 50, rule("LL302", 5, 5)) for i, key in enumerate([*HOSTILE, 42, None])
    ]
    audit = audit_of(sources, periods=[day(1, 10, 5), day(2, 10, 9)])
    audit["groupBy"] = "metadata.<i>x</i>"
    audit["files"] = [{"path": "</script><b id=pwned>.ndjson", "leads": 1}]
    html = render_audit_html(audit)
    assert "<script>alert" not in html and "<b id" not in html
    page = show(browser, audit, tmp_path, "hostile")

    assert [row[0] for row in cells(page, "scorecard")] == [*SHOWN, "42", "(none)"]
    assert cells(page, "files")[0][0] == "</script><b id=pwned>.ndjson"
    # Chart labels are plotly's markup: shown literally too (cut at 40 characters).
    cut = [text if len(text) <= 40 else text[:39] + "\N{HORIZONTAL ELLIPSIS}" for text in SHOWN]
    assert tick_labels(page, "chart-sources") == [*cut, "42", "(none)"]
    for bar in (0, 3, 5):
        assert hover_lines(page, "chart-sources", bar) == [
            SHOWN[bar],
            f"50 of {100 - bar} leads clean",
        ]
    # Nothing was injected: only our five scripts, no element from a key.
    assert page.locator("script").count() == 5
    for selector in ("#pwned", "img", "a[href^='javascript']", "i", "#chart-sources b"):
        assert page.locator(selector).count() == 0, selector
    assert page.locator("h2 code").first.text_content() == "metadata.<i>x</i>"


def test_the_page_forbids_scripts_and_requests_of_its_own(browser: Browser, tmp_path: Path) -> None:
    """If escaping ever failed, the Content-Security-Policy would still stop the script."""
    html = render_audit_html(audit_of([source("a", 1, 1)]))
    path = tmp_path / "tampered.html"
    path.write_text(
        html.replace(
            "<main>",
            '<main><script>document.title = "ran"</script><img src="http://127.0.0.1:9/x.png">',
        ),
        encoding="utf-8",
    )
    seen = Seen()
    page = open_file(browser, path, seen)
    page.wait_for_selector("body[data-drawn]")

    assert page.title() == "leadlint audit: 1 lead in 1 file"  # not "ran"
    # Chromium reports the attempt (so the recorder would catch one), then blocks it.
    assert seen.requests == [path.as_uri(), "http://127.0.0.1:9/x.png"]
    assert len(seen.console_errors) == 2
    assert all("Content Security Policy" in error for error in seen.console_errors)


def test_the_recorder_sees_requests(browser: Browser, tmp_path: Path) -> None:
    """The offline check can fail: a page without the policy is caught asking the network."""
    path = tmp_path / "online.html"
    path.write_text(
        '<img src="http://127.0.0.1:9/x.png"><script>alert("hi")</script>', encoding="utf-8"
    )
    seen = Seen()
    page = open_file(browser, path, seen)
    page.wait_for_load_state("load")

    assert seen.requests == [path.as_uri(), "http://127.0.0.1:9/x.png"]
    assert seen.dialogs == ["hi"]
    with pytest.raises(AssertionError):
        seen.offline_and_quiet()


def test_without_plotly_the_error_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['plotly'] = None\n"  # what an uninstalled package looks like
        "from leadlint.report.audit_html import HtmlUnavailable, render_audit_html\n"
        "try:\n    render_audit_html({})\n"
        "except HtmlUnavailable as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=True,
    )
    assert result.stdout == "install leadlint[html] for --html\n"


def test_screenshot_script_renders_an_audit_file(tmp_path: Path) -> None:
    out = tmp_path / "report.png"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshot_audit.py"), str(EXAMPLE), str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1280 and height > 2000


def test_screenshot_script_refuses_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "audit.json"
    bad.write_text("{not json", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "screenshot_audit.py"),
            str(bad),
            str(tmp_path / "x.png"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert re.match(r"error: cannot read .*audit\.json", result.stderr)
    assert "Traceback" not in result.stderr
