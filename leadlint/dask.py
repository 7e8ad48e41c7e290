"""Past one machine: lint and audit leads on a Dask cluster (``pip install leadlint[dask]``).

>>> from distributed import Client
>>> from leadlint.dask import audit_files
>>> client = Client("tcp://scheduler:8786")                        # doctest: +SKIP
>>> audit = audit_files("s3://bucket/exports/*.ndjson", client=client)  # doctest: +SKIP
>>> audit.report("0.1.0")["totals"]["cleanShare"]                  # doctest: +SKIP

Files (any fsspec URL or glob, NDJSON and CSV split by byte ranges like the
local worker processes; JSON whole), Dask bags of lead dicts and Dask
dataframes (dotted column names, as in CSV exports) are checked in
partitions on the workers. The client puts the partitions together in order,
exactly as one process reads them: line and record numbers, the duplicate
checks (workers send keyed hashes, never values; the key is made per run and
shipped to the workers, whose Python hash seeds differ), the audit. So the
findings are the same as ``leadlint check`` on one machine, in the same order.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from leadlint.assemble import assemble
from leadlint.audit import DEFAULT_GROUP_BY, Audit, group_path, make_view
from leadlint.config import Settings
from leadlint.engine import Engine
from leadlint.models import Diagnostic, Summary
from leadlint.parallel import CHUNK_BYTES
from leadlint.ranges import Plan, RangeResult, check_range, split_file
from leadlint.readers import EXTENSIONS, Source
from leadlint.rules.records import keyed_blake2b


class DaskUnavailable(RuntimeError):
    """Dask or distributed is not installed (exit 2 from the CLI)."""


def _require() -> Any:
    try:
        import dask  # noqa: F401
        import distributed
    except ImportError as error:
        raise DaskUnavailable(
            f"the Dask integration needs `pip install leadlint[dask]` ({error.name} is missing)"
        ) from None
    return distributed


@dataclass(frozen=True, slots=True)
class _Job:
    """What every task of a run shares: settings, the duplicate-key secret, the view."""

    settings: bytes  # pickled Settings, with ``now`` fixed for the whole run
    secret: bytes
    group: tuple[str, ...] | None


_ENGINES: dict[_Job, Engine] = {}  # one compiled engine per worker process and run


def _engine_for(job: _Job) -> Engine:
    engine = _ENGINES.get(job)
    if engine is None:
        _ENGINES.clear()  # one run at a time per worker: keep memory flat
        engine = _ENGINES[job] = Engine(pickle.loads(job.settings))
        engine.key_of = keyed_blake2b(job.secret)
        engine.lead_view = make_view(job.group) if job.group is not None else None
    return engine


def _range_task(job: _Job, plan: Plan, start: int, end: int) -> RangeResult:
    return check_range(_engine_for(job), plan, start, end)


def _leads_task(job: _Job, display: str, leads: list[Any]) -> RangeResult:
    """One partition of in-memory leads, as NDJSON lines (what ``lint_leads`` reads)."""
    data = _ndjson(leads)
    plan = Plan(Source(display, "ndjson"), Path(display), [(0, len(data))])
    return check_range(_engine_for(job), replace(plan, url=None), 0, len(data), data=data)


def _ndjson(leads: Iterable[Any]) -> bytes:
    return b"".join(orjson.dumps(lead, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n" for lead in leads)


class _Run:
    """The client's side of one run: the engine that assembles, and the job for workers."""

    def __init__(
        self, settings: Settings | None, client: Any, group_by: str | None, audit: Audit | None
    ) -> None:
        _require()
        settings = settings or Settings()
        # One clock for every worker: rules about ages must agree.
        settings = replace(settings, now=settings.now or datetime.now(UTC))
        self.client = client if client is not None else _default_client()
        secret = os.urandom(16)
        group = group_path(group_by, settings.show_values) if group_by is not None else None
        self.job = _Job(pickle.dumps(settings), secret, group)
        self.engine = Engine(settings)
        self.engine.key_of = keyed_blake2b(secret)
        self.engine.lead_view = make_view(group) if group is not None else None
        self.summary = Summary()
        if audit is not None:
            self.engine.lead_sink = audit.lead
            self.engine.clean_sink = audit.clean


def _default_client() -> Any:
    distributed = _require()
    try:
        return distributed.get_client()
    except ValueError:
        raise DaskUnavailable(
            "no Dask client: pass client=, or create a distributed.Client first"
        ) from None


# --- files -------------------------------------------------------------------


def _open_files(paths: str | Sequence[str], storage_options: dict[str, Any]) -> list[Any]:
    import fsspec

    given = [paths] if isinstance(paths, str) else list(paths)
    found = []
    for path in given:
        files = fsspec.open_files(path, "rb", **storage_options)
        found.extend(sorted(files, key=lambda f: f.path))
    return found


def _plans(
    paths: str | Sequence[str], storage_options: dict[str, Any], chunk_bytes: int
) -> Iterator[Plan]:
    options = tuple(sorted(storage_options.items()))
    for opened in _open_files(paths, storage_options):
        url = opened.fs.unstrip_protocol(opened.path)
        display = opened.path if _is_local(opened.fs) else url
        fmt = EXTENSIONS.get(PurePosixPath(opened.path).suffix.lower())
        source = Source(display, fmt)
        total = opened.fs.size(opened.path)
        path = Path(opened.path)
        plan = None
        if fmt in ("ndjson", "csv") and total:
            with opened as handle:
                plan = split_file(source, handle, total, path, url, options, size=chunk_bytes)
        yield plan or Plan(source, path, [(0, total)], url=url, storage_options=options)


def _is_local(fs: Any) -> bool:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return bool(protocol in ("file", "local"))


def lint_files(
    paths: str | Sequence[str],
    settings: Settings | None = None,
    *,
    client: Any = None,
    storage_options: dict[str, Any] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    audit: Audit | None = None,
) -> Iterator[Diagnostic]:
    """Diagnostics of lead files (fsspec paths or globs) checked on the cluster, in order."""
    run = _Run(settings, client, audit.group_by if audit else None, audit)
    plans = list(_plans(paths, storage_options or {}, chunk_bytes))
    futures = [
        [
            run.client.submit(_range_task, run.job, plan, start, end, pure=False)
            for start, end in plan.bounds
        ]
        for plan in plans
    ]
    for plan, parts in zip(plans, futures, strict=True):
        yield from assemble(run.engine, plan, (f.result() for f in parts), run.summary)


def audit_files(
    paths: str | Sequence[str],
    settings: Settings | None = None,
    group_by: str = DEFAULT_GROUP_BY,
    *,
    client: Any = None,
    storage_options: dict[str, Any] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    keep_rejected: bool = False,
) -> Audit:
    """The audit of lead files checked on the cluster (same as ``leadlint audit``)."""
    audit = Audit(group_by, keep_rejected=keep_rejected)
    for _diagnostic in lint_files(
        paths,
        settings,
        client=client,
        storage_options=storage_options,
        chunk_bytes=chunk_bytes,
        audit=audit,
    ):
        pass
    return audit


# --- bags and dataframes -----------------------------------------------------


def lint_bag(
    bag: Any,
    settings: Settings | None = None,
    *,
    client: Any = None,
    display: str = "<leads>",
    audit: Audit | None = None,
) -> Iterator[Diagnostic]:
    """Diagnostics of a Dask bag of leads, as :func:`leadlint.api.lint_leads` gives them."""
    run = _Run(settings, client, audit.group_by if audit else None, audit)
    partitions = bag.to_delayed()
    futures = run.client.compute([_delayed_task(run.job, display, part) for part in partitions])
    bounds = [(number, number + 1) for number in range(len(partitions))]
    plan = Plan(Source(display, "ndjson"), Path(display), bounds)
    reader = _PartitionReader(run.client, partitions)
    yield from assemble(
        run.engine, plan, (f.result() for f in futures), run.summary, read=reader.read
    )


def _delayed_task(job: _Job, display: str, partition: Any) -> Any:
    from dask.delayed import delayed

    return delayed(_leads_task, pure=False)(job, display, partition)


class _PartitionReader:
    """A partition's NDJSON again, to locate the rare repeated field (computed once)."""

    def __init__(self, client: Any, partitions: list[Any]) -> None:
        self.client = client
        self.partitions = partitions
        self.cache: dict[int, bytes] = {}

    def read(self, start: int, end: int | None = None) -> bytes:
        if start not in self.cache:
            self.cache.clear()
            leads = self.client.compute(self.partitions[start]).result()
            self.cache[start] = _ndjson(leads)
        return self.cache[start]


def audit_bag(
    bag: Any,
    settings: Settings | None = None,
    group_by: str = DEFAULT_GROUP_BY,
    *,
    client: Any = None,
    display: str = "<leads>",
) -> Audit:
    audit = Audit(group_by)
    for _diagnostic in lint_bag(bag, settings, client=client, display=display, audit=audit):
        pass
    return audit


def dataframe_leads(frame: Any) -> Any:
    """A Dask bag of leads from a dataframe whose columns are dotted paths (CSV style).

    Missing values (None, NaN, NaT) are absent fields, as empty CSV cells are.
    """
    return frame.to_bag(format="dict").map(_nest)


def _nest(row: dict[str, Any]) -> dict[str, Any]:
    lead: dict[str, Any] = {}
    for name, value in row.items():
        value = _plain(value)
        if value is None:
            continue
        node = lead
        parts = str(name).split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = value
    return lead


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        value = item()
        if isinstance(value, float) and value != value:
            return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    return value


def lint_dataframe(
    frame: Any, settings: Settings | None = None, *, client: Any = None, display: str = "<leads>"
) -> Iterator[Diagnostic]:
    """Diagnostics of a Dask dataframe of leads (one lead per row, dotted column names)."""
    return lint_bag(dataframe_leads(frame), settings, client=client, display=display)


# --- the CLI's --scheduler ----------------------------------------------------


def audit_on_cluster(
    paths: Sequence[str],
    settings: Settings,
    group_by: str,
    scheduler: str,
    rejects: Path | None = None,
) -> Audit:
    """``leadlint audit --scheduler ADDRESS``: local paths (as ``check`` walks them) or URLs."""
    distributed = _require()
    from leadlint.api import collect_sources

    if rejects is not None:
        raise DaskUnavailable("--rejects is not available with --scheduler yet; run without it")
    targets: list[str] = []
    local = [p for p in paths if "://" not in p]
    if "-" in local:
        raise DaskUnavailable("--scheduler reads files, not standard input")
    targets.extend(str(path) for _source, path in collect_sources(local, settings) if path)
    targets.extend(p for p in paths if "://" in p)
    try:
        client = distributed.Client(scheduler, timeout="10s")
    except OSError as error:
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        return audit_files(targets, settings, group_by, client=client)


__all__ = [
    "DaskUnavailable",
    "audit_bag",
    "audit_files",
    "audit_on_cluster",
    "dataframe_leads",
    "lint_bag",
    "lint_dataframe",
    "lint_files",
]
