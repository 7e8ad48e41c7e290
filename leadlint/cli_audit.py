"""``leadlint audit``: parse, audit, write the report (and rejects, HTML), exit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click

from leadlint import __version__
from leadlint.cli import (
    _fail,
    _lint_options,
    _progress,
    _remember_verbosity,
    _report_stream,
    _settings,
    _use_color,
)


@click.command()
@_lint_options
@click.option(
    "--group-by",
    default="metadata.utmSource",
    show_default=True,
    help="Field whose values make the scorecards (e.g. metadata.pubId, metadata.vendor).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False),
    help="Write the leads with errors here (input's format) with a .findings.json sidecar.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False),
    help="Also write a self-contained HTML report with charts (needs leadlint[html]).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on this Dask scheduler, e.g. tcp://10.0.0.5:8786 (needs leadlint[dask]).",
)
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
@click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True
)
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors.")
def audit(paths: tuple[str, ...], **options: Any) -> None:
    """Audit lead files: clean share, findings per rule, a scorecard per source."""
    from leadlint.api import InputError
    from leadlint.audit import AuditError, audit_exit_code
    from leadlint.config import ConfigError
    from leadlint.schema import SchemaError

    _remember_verbosity(options["verbose"])
    try:
        settings = _settings(paths, options)
        if settings.output_format not in ("text", "json"):
            _fail(f"audit reports as text or json, not {settings.output_format}")
        report, unreadable = _run_audit(paths or (".",), settings, options)
        if options["html_file"]:
            _write_html(report, Path(options["html_file"]))
    except (ConfigError, SchemaError, InputError, AuditError) as error:
        _fail(str(error))
        return
    with _report_stream(options["output_file"], sys.stdout) as out:
        if settings.output_format == "json":
            import json

            out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        else:
            from leadlint.report.audit_text import render_audit_text

            out.write(render_audit_text(report, _use_color(options["color"])))
    sys.stdout.flush()
    for message in unreadable:
        click.echo(f"leadlint: error: {message}", err=True)
    raise SystemExit(audit_exit_code(report, settings.fail_on, bool(unreadable)))


def _run_audit(
    paths: tuple[str, ...], settings: Any, options: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The audit report, and the inputs that could not be read."""
    from leadlint.audit import audit_paths, write_rejects

    rejects = Path(options["rejects"]) if options["rejects"] else None
    if options["scheduler"]:
        from leadlint.dask import DaskUnavailable, audit_on_cluster

        try:
            found = audit_on_cluster(
                paths, settings, options["group_by"], options["scheduler"], rejects
            )
        except DaskUnavailable as error:
            _fail(str(error))
        return found.report(__version__), []
    stdin = _rereadable_stdin() if rejects is not None and "-" in paths else sys.stdin.buffer
    run, found = audit_paths(
        paths,
        settings,
        options["group_by"],
        stdin=stdin,
        keep_rejected=rejects is not None,
        diagnostics=rejects is not None,
    )
    with _progress(run, options, settings.output_format):
        for _diagnostic in run.diagnostics():
            pass
    if rejects is not None:
        if stdin.seekable():
            stdin.seek(0)
        try:
            written, unreadable = write_rejects(rejects, run, found, stdin)
        except OSError as error:
            _fail(f"{rejects}: cannot write the rejects: {error.strerror}")
        note = f" ({unreadable:,} unreadable, listed in the sidecar)" if unreadable else ""
        click.echo(f"leadlint: wrote {written:,} rejected leads to {rejects}{note}.", err=True)
    return found.report(__version__), run.unreadable


def _rereadable_stdin() -> IO[bytes]:
    """Standard input kept in an unnamed temporary file, so --rejects can read it twice."""
    import shutil
    import tempfile

    spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed at exit
    shutil.copyfileobj(sys.stdin.buffer, spool)
    spool.seek(0)
    return spool


def _write_html(report: dict[str, Any], path: Path) -> None:
    from leadlint.report.audit_html import HtmlUnavailable, render_audit_html
    from leadlint.writer import write_atomic

    try:
        page = render_audit_html(report)
    except HtmlUnavailable as error:
        _fail(str(error))
        return
    try:
        write_atomic(path, page.encode("utf-8"))
    except OSError as error:
        _fail(f"{path}: cannot write the HTML report: {error.strerror}")
    click.echo(f"leadlint: wrote the HTML report to {path}.", err=True)
