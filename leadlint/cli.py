"""The ``leadlint`` command: parse options, load settings, call the API, render, exit.

Heavy modules are imported inside commands so ``leadlint --version`` and a
one-file check start fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from leadlint import __version__
from leadlint.core import describe

if TYPE_CHECKING:
    from leadlint.api import FixRun
    from leadlint.models import Diagnostic, Summary

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_UNDELIVERED = 0, 1, 2, 3, 4
REPORT_URL = "https://github.com/leadlint/leadlint/issues"
VERSION_MESSAGE = f"%(prog)s %(version)s ({describe()})"


def _csv_option(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="leadlint", message=VERSION_MESSAGE)
def cli() -> None:
    """Validate and clean sales-lead payloads for the Leadping lead API."""


# The options check and submit share: which files, which schema, which rules.
_LINT_OPTIONS = [
    click.argument("paths", nargs=-1),
    click.option("--profile", help="Bundled schema: put (default), current, intake."),
    click.option(
        "--schema",
        "schema_file",
        type=click.Path(dir_okay=False),
        help="Check against your own JSON Schema file.",
    ),
    click.option(
        "--openapi",
        "openapi_file",
        type=click.Path(dir_okay=False),
        help="Check against an OpenAPI document...",
    ),
    click.option(
        "--component",
        help="...and this schema component or operationId in it (default LeadRequest).",
    ),
    click.option(
        "--select",
        multiple=True,
        help="Rules to enable: codes, names or prefixes (comma-separated).",
    ),
    click.option("--extend-select", multiple=True, help="Rules to enable on top of the selection."),
    click.option("--ignore", multiple=True, help="Rules to disable."),
    click.option(
        "--per-file-ignores",
        multiple=True,
        metavar="GLOB:CODES",
        help="Disable rules for matching files.",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["error", "warning", "info", "never"]),
        help="Lowest severity that fails the run (default error).",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        help="Use this leadlint.toml or pyproject.toml.",
    ),
    click.option("--records-key", help="Key of the list of leads in an envelope object."),
    click.option(
        "--stdin-format",
        type=click.Choice(["json", "ndjson", "csv"]),
        help="Format of `-` (default: sniffed).",
    ),
    click.option("--max-depth", type=int, help="Deepest nesting accepted in a lead (default 32)."),
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=0,
        help="Worker processes for big NDJSON and CSV files (default 0: one per core).",
    ),
    click.option(
        "--format",
        "--output-format",
        "output_format",
        type=click.Choice(["text", "json", "jsonl", "sarif", "github", "junit", "gitlab"]),
        help="Report format (default text).",
    ),
    click.option(
        "--show-values", is_flag=True, help="Show offending values in text output (personal data!)."
    ),
    click.option(
        "--check-deliverability",
        is_flag=True,
        help="Look up each email domain's MX record (network; LL211 option).",
    ),
]


def _lint_options(function: Any) -> Any:
    for option in reversed(_LINT_OPTIONS):
        function = option(function)
    return function


@cli.command()
@_lint_options
@click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True
)
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--statistics", is_flag=True, help="Also print how many findings each rule made.")
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Record today's findings in FILE (no lead values) and exit 0.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Hide the findings recorded in FILE: only new problems fail.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
@click.option("--fix", is_flag=True, help="Apply safe fixes, writing files in place (atomically).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the diff --fix would make; write nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors.")
def check(paths: tuple[str, ...], **options: Any) -> None:
    """Check lead files (JSON, NDJSON, CSV), directories, or - for stdin."""
    from leadlint.api import FixRun, InputError, LintRun, exit_code, fix_paths, lint_paths
    from leadlint.baseline import BaselineError
    from leadlint.config import ConfigError
    from leadlint.models import Summary
    from leadlint.report import Style, write_report
    from leadlint.schema import SchemaError

    _remember_verbosity(options["verbose"])
    fixing = options["fix"] or options["diff"]
    baseline = None
    run: LintRun
    try:
        settings = _settings(paths, options)
        if fixing:
            run = fix_paths(
                paths or (".",),
                settings,
                unsafe=options["unsafe_fixes"],
                write=not options["diff"],
                stdin=sys.stdin.buffer,
            )
        else:
            run = lint_paths(paths or (".",), settings, stdin=sys.stdin.buffer)
        style = Style(
            color=_use_color(options["color"]),
            show_values=settings.show_values,
            summary=not options["quiet"],
        )
        if options["write_baseline"]:
            _write_baseline(run, Path(options["write_baseline"]))
        baseline = _load_baseline(options["baseline"])
        shown = baseline.filter(run.diagnostics()) if baseline else run.diagnostics()
        summary = Summary()
        statistics: Counter[tuple[str, str]] = Counter()
        reported = _reported(shown, run.summary, summary, statistics)
        # The document or the diff goes to stdout; then the report goes to stderr.
        to_stderr = options["diff"] or (options["fix"] and "-" in paths)
        with _report_stream(options["output_file"], sys.stderr if to_stderr else sys.stdout) as out:
            with _progress(run, options, settings.output_format):
                write_report(reported, summary, settings.output_format, style, out)
            if options["statistics"]:
                out.write(_statistics_text(statistics))
    except (ConfigError, SchemaError, InputError, BaselineError) as error:
        _fail(str(error))
    if baseline is not None:
        _baseline_notes(baseline, options["baseline"])
    if isinstance(run, FixRun):
        _print_fix_output(run, options["diff"])
    sys.stdout.flush()
    for message in run.unreadable:
        click.echo(f"leadlint: error: {message}", err=True)
    if isinstance(run, FixRun) and options["diff"]:
        changed = any(result.changed for _display, _path, result in run.files)
        raise SystemExit(EXIT_USAGE if run.unreadable else int(changed))
    raise SystemExit(exit_code(summary, settings.fail_on, bool(run.unreadable)))


def _reported(
    diagnostics: Iterator[Diagnostic],
    run_summary: Summary,
    summary: Summary,
    statistics: Counter[tuple[str, str]],
) -> Iterator[Diagnostic]:
    """What is reported, counted as it streams (a baseline may have hidden some)."""
    for diagnostic in diagnostics:
        if not diagnostic.applied:
            summary.add(diagnostic)
            statistics[(diagnostic.code, diagnostic.name)] += 1
        yield diagnostic
    summary.files, summary.records = run_summary.files, run_summary.records
    summary.records_by_file = dict(run_summary.records_by_file)
    summary.fixed = run_summary.fixed


def _statistics_text(statistics: Counter[tuple[str, str]]) -> str:
    rows = sorted(statistics.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:>8,}  {code}  {name}\n" for (code, name), count in rows)


@contextlib.contextmanager
def _report_stream(output_file: str | None, default: IO[str]) -> Iterator[IO[str]]:
    if output_file is None:
        yield default
        return
    try:
        out = open(output_file, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        _fail(f"{output_file}: cannot write the report: {error.strerror}")
    with out:
        yield out


def _progress(run: Any, options: dict[str, Any], output_format: str) -> Any:
    from leadlint.progress import Progress, progress_enabled

    enabled = progress_enabled(sys.stderr.isatty(), options["no_progress"], output_format)
    total = sum(p.stat().st_size for _s, p in run.sources if p is not None and p.exists())
    progress = Progress(total or None, enabled)
    if enabled:
        run.engine.on_record = progress.advance
    return progress


def _write_baseline(run: Any, path: Path) -> None:
    from leadlint.baseline import write_baseline

    count = write_baseline(path, run.diagnostics())
    click.echo(f"Wrote {count:,} findings to the baseline {path}.", err=True)
    raise SystemExit(EXIT_OK)


def _load_baseline(path: str | None) -> Any:
    if path is None:
        return None
    from leadlint.baseline import Baseline

    return Baseline.load(Path(path))


def _baseline_notes(baseline: Any, path: str) -> None:
    click.echo(f"leadlint: {baseline.hidden:,} findings hidden by the baseline {path}.", err=True)
    stale = baseline.stale()
    if stale:
        click.echo(
            f"leadlint: {len(stale):,} baseline entries match nothing any more (stale); "
            "run --write-baseline to shrink the baseline.",
            err=True,
        )


def _print_fix_output(run: FixRun, diff: bool) -> None:
    """``--diff``: the unified diffs; ``--fix -``: the fixed document (for editors)."""
    from leadlint.writer import unified_diff

    for display, path, result in run.files:
        if diff and result.changed:
            sys.stdout.write(unified_diff(display, result.original, result.fixed))
        elif not diff and path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(result.fixed)


def _settings(paths: tuple[str, ...], options: dict[str, Any]) -> Any:
    from dataclasses import replace

    from leadlint.config import apply_options, find_config, load_settings

    config = options["config_file"]
    if config is not None:
        if not Path(config).is_file():
            _fail(f"{config}: no such configuration file")
        settings = load_settings(Path(config))
    else:
        first = next((Path(p) for p in paths if p != "-"), Path.cwd())
        settings = load_settings(find_config(first if first.exists() else Path.cwd()))
    cli_options = _cli_table(options)
    if options["check_deliverability"]:
        cli_options["rules"] = {"email-invalid-syntax": {"check-deliverability": True}}
    settings = apply_options(settings, cli_options, source="command line", base=Path.cwd())
    return replace(
        settings,
        show_values=options["show_values"],
        stdin_format=options["stdin_format"],
        jobs=options["jobs"],
    )


def _cli_table(options: dict[str, Any]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key in ("profile", "component", "records-key", "max-depth", "fail-on"):
        value = options[key.replace("-", "_")]
        if value is not None:
            table[key] = value
    for key, name in (
        ("schema", "schema_file"),
        ("openapi", "openapi_file"),
        ("format", "output_format"),
    ):
        if options[name] is not None:
            table[key] = options[name]
    for key in ("select", "extend-select", "ignore"):
        values = _csv_option(options[key.replace("-", "_")])
        if values:
            table[key] = values
    ignores: dict[str, list[str]] = {}
    for entry in options["per_file_ignores"]:
        pattern, sep, codes = entry.rpartition(":")
        if not sep or not pattern:
            _fail(f"--per-file-ignores expects GLOB:CODES, got `{entry}`")
        ignores.setdefault(pattern, []).extend(_csv_option((codes,)))
    if ignores:
        table["per-file-ignores"] = ignores
    return table


def _remember_verbosity(verbose: bool) -> None:
    """Tell :func:`main` whether an internal error may show its traceback.

    Click has parsed the options by now (``-qv`` included); guessing from
    ``sys.argv`` would miss clustered flags.
    """
    state = click.get_current_context().obj
    if isinstance(state, dict):
        state["verbose"] = verbose


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _fail(message: str) -> None:
    click.echo(f"leadlint: error: {message}", err=True)
    raise SystemExit(EXIT_USAGE)


@cli.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def rules_command(output_format: str) -> None:
    """List every rule: code, name, default severity, fixability, summary."""
    from leadlint.rules import ALL_RULES

    if output_format == "json":
        import json

        rows = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "fix": r.fix.value,
                "summary": r.summary,
            }
            for r in ALL_RULES
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for r in ALL_RULES:
        click.echo(f"{r.code}  {r.name:<28} {r.severity.value:<8} {r.fix.value:<10} {r.summary}")


@cli.command("rule")
@click.argument("selector")
def rule_command(selector: str) -> None:
    """Print the documentation of one rule (by code or name)."""
    from leadlint.rules import UnknownSelectorError, expand_selector, find_rule

    found = find_rule(selector)
    if found is None:
        try:
            expand_selector(selector)
            message = f"`{selector}` names several rules; give one code (see `leadlint rules`)"
        except UnknownSelectorError as error:
            message = str(error)
        _fail(message)
        return
    click.echo(f"# {found.code} {found.name}\n")
    click.echo(f"Default severity: {found.severity.value}. Fix: {found.fix.value}.\n")
    click.echo(found.doc)


# The commands that live in modules of their own (each imports this module's helpers).
from leadlint.cli_audit import audit  # noqa: E402
from leadlint.cli_submit import submit  # noqa: E402

cli.add_command(audit)
cli.add_command(submit)


def main() -> None:
    """Console entry point: maps every failure to a documented exit code."""
    state = {"verbose": False}
    try:
        cli.main(prog_name="leadlint", standalone_mode=False, obj=state)
    except click.exceptions.Exit as done:
        raise SystemExit(done.exit_code) from None
    except click.ClickException as error:
        error.show()
        raise SystemExit(EXIT_USAGE) from None
    except click.exceptions.Abort:
        raise SystemExit(130) from None
    except BrokenPipeError:
        # The reader went away (`leadlint check ... | head`); exit quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(EXIT_FINDINGS) from None
    except Exception as error:  # the last line of defence: exit 3, never a bare traceback
        _internal_error(error, state["verbose"])
    raise SystemExit(EXIT_OK)


def _internal_error(error: Exception, verbose: bool) -> None:
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    # The exception text may quote lead data; it is shown only with -v.
    click.echo(f"leadlint: internal error: {type(error).__name__}{where}", err=True)
    if verbose:
        traceback.print_exception(error)
    else:
        click.echo("Run again with -v for the traceback.", err=True)
    click.echo(
        f"This is a bug in leadlint {__version__}; please report it at {REPORT_URL}", err=True
    )
    raise SystemExit(EXIT_INTERNAL)
