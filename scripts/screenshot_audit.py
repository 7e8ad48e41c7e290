"""Render an audit JSON file as the HTML report and screenshot it in headless Chromium.

    python scripts/screenshot_audit.py AUDIT_JSON OUT_PNG [--html OUT_HTML]

AUDIT_JSON is the output of ``leadlint audit FILES --format json``. The page
is opened from a file with every network request refused, as the tests do;
console errors fail the run. Regenerates docs/audit-report.png:

    leadlint audit exports/*.ndjson --group-by metadata.utmSource --format json > audit.json
    python scripts/screenshot_audit.py audit.json docs/audit-report.png

Needs playwright (the ``test`` extra) and Chromium at /usr/bin/chromium
(Debian package ``chromium``), or the path in $CHROMIUM.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

from leadlint.report.audit_html import render_audit_html

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def screenshot(html_path: Path, png_path: Path, width: int = 1280) -> list[str]:
    """Full-page PNG of the report; returns the problems seen (errors, requests)."""
    problems: list[str] = []

    def refuse(route: Route) -> None:
        if not route.request.url.startswith("file:"):
            problems.append(f"network request: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", refuse)
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(html_path.resolve().as_uri())
            page.wait_for_selector("body[data-drawn]", timeout=30_000)
            page.screenshot(path=str(png_path), full_page=True)
        finally:
            browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("audit_json", type=Path)
    parser.add_argument("out_png", type=Path)
    parser.add_argument("--html", type=Path, help="also keep the HTML report here")
    args = parser.parse_args()
    try:
        audit = json.loads(args.audit_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {args.audit_json}: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        html_path = args.html or Path(tmp) / "audit.html"
        html_path.write_text(render_audit_html(audit), encoding="utf-8")
        problems = screenshot(html_path, args.out_png)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
