"""``leadlint submit``: parse, gate and PUT the clean leads, report, exit."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from leadlint.cli import (
    EXIT_OK,
    EXIT_UNDELIVERED,
    _fail,
    _lint_options,
    _remember_verbosity,
    _settings,
)


@click.command()
@_lint_options
@click.option("--base-url", required=True, help="The API, e.g. https://api.leadping.ai")
@click.option(
    "--token-env",
    default="LEADPING_API_TOKEN",
    show_default=True,
    help="Environment variable holding the API token (never a command-line value).",
)
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="Requests per 60 s (the API's limit); 0 lifts it.",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False),
    default=".leadlint/journal.sqlite",
    show_default=True,
    help="Delivery journal (SQLite); a rerun resumes from it.",
)
@click.option("--dry-run", is_flag=True, help="Lint and show what would be sent; no connection.")
@click.option("--fix", is_flag=True, help="Apply safe fixes to what is sent (files unchanged).")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False),
    help="Write rejected leads here (input's format) with a .findings.json sidecar.",
)
@click.option("--allow-http", is_flag=True, help="Allow plain http to a non-loopback host.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors.")
def submit(paths: tuple[str, ...], **options: Any) -> None:
    """PUT clean leads to the Leadping API: gated, journaled, rate-limited, resumable."""
    from leadlint.api import InputError
    from leadlint.config import ConfigError
    from leadlint.schema import SchemaError
    from leadlint.submit.runner import SubmitError, SubmitOptions, submit_paths

    _remember_verbosity(options["verbose"])
    try:
        settings = _settings(paths, options)
        submit_options = SubmitOptions(
            base_url=options["base_url"],
            token_env=options["token_env"],
            concurrency=options["concurrency"],
            rate_limit=options["rate_limit"],
            timeout=options["timeout"],
            journal=Path(options["journal"]),
            dry_run=options["dry_run"],
            fix=options["fix"],
            rejects=Path(options["rejects"]) if options["rejects"] else None,
            allow_http=options["allow_http"],
        )
        report = submit_paths(
            paths or (".",), settings, submit_options, os.environ, sys.stdin.buffer
        )
    except (ConfigError, SchemaError, InputError, SubmitError) as error:
        _fail(str(error))
        return
    _print_submit_report(report, settings.output_format, options["dry_run"])
    raise SystemExit(EXIT_UNDELIVERED if report.undelivered else EXIT_OK)


def _print_submit_report(report: Any, output_format: str, dry_run: bool) -> None:
    if output_format != "text":
        import json

        click.echo(json.dumps({"version": 1, "submit": report.as_dict()}))
        return
    if dry_run:
        for lead_id in report.would_send:
            click.echo(f"would PUT /leads/{lead_id}")
    failed = ", ".join(f"{status}: {n}" for status, n in sorted(report.failed.items())) or "none"
    click.echo(
        f"{report.leads:,} leads: {report.delivered:,} delivered, "
        f"{report.unchanged:,} unchanged (skipped), {report.rejected:,} rejected by lint, "
        f"failed by the API: {failed}"
        + (f"; {len(report.would_send):,} would be sent" if dry_run else "")
    )
