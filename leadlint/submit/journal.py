"""SQLite journal of each lead's delivery state, so an interrupted run resumes safely.

The runner records a lead as ``pending`` before its request and as ``delivered``,
``failed`` or ``rejected`` after it.  A rerun skips only leads recorded as
delivered with the same content hash, so nothing delivered is resent and no lead
is lost: a lead left ``pending`` (the run was killed while it was in flight) or
``failed`` is sent again, and a changed lead is sent again.

Durability: the database runs in WAL mode with ``synchronous=NORMAL`` and
every method commits before it returns, so a recorded state survives a
SIGKILL of the process right after the call. A power loss may lose the last
few states; those leads are then simply sent again (PUT is idempotent), so no
lead is lost either way. ``FULL`` would fsync twice per lead and cut a run's
throughput from about 880 to 515 PUT/s (benchmarks/run_submit.py).

Security: the journal stores **no token and no lead data**.  Per lead it keeps
only the lead id, the sha256 of the exact bytes sent, the state, the HTTP status,
the attempt count and, for failures, the server's problem ``title``/``detail``
(truncated); for rejections the reason is a comma-joined list of rule codes and
anything else is refused.  The file is created with mode 0600 and tightened to
0600 if it already exists with a wider mode.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Literal

__all__ = [
    "SCHEMA_VERSION",
    "STATES",
    "Entry",
    "Journal",
    "JournalError",
    "State",
    "content_hash",
]

SCHEMA_VERSION = 1

State = Literal["pending", "delivered", "failed", "rejected"]
STATES: tuple[State, ...] = ("pending", "delivered", "failed", "rejected")

# Server problem text is kept for diagnosis only; cap it so a verbose error
# body cannot bloat the journal.
_MAX_TEXT = 500

# A rejection reason is rule codes joined by commas (``LL001,LL204``), never values.
_REASON = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}(?:,[A-Za-z][A-Za-z0-9_-]{0,63})*")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS leads (
    lead_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK(state IN ('pending','delivered','failed','rejected')),
    status INTEGER,
    title TEXT,
    detail TEXT,
    attempts INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leads_state ON leads(state);
"""

_UPSERT = """
INSERT INTO leads (lead_id, content_hash, state, status, title, detail, attempts, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(lead_id) DO UPDATE SET
    content_hash = excluded.content_hash,
    state = excluded.state,
    status = excluded.status,
    title = excluded.title,
    detail = excluded.detail,
    attempts = excluded.attempts,
    updated_at = excluded.updated_at
"""

_COLUMNS = "lead_id, content_hash, state, status, title, detail, attempts, updated_at"


class JournalError(Exception):
    """The journal file cannot be used (not a database, or a newer schema)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One lead's last recorded state."""

    lead_id: str
    content_hash: str
    state: State
    status: int | None
    title: str | None
    detail: str | None
    attempts: int | None
    updated_at: str


def content_hash(body: bytes) -> str:
    """The sha256 hex digest of the exact request body bytes sent for a lead."""
    return hashlib.sha256(body).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _clip(text: str | None) -> str | None:
    return None if text is None else text[:_MAX_TEXT]


def _create_private(path: Path) -> None:
    """Create ``path`` with mode 0600, or tighten it to 0600 if it is wider."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    # SQLite gives its -wal/-shm files the database's mode; tighten stale ones.
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        try:
            if stat.S_IMODE(side.stat().st_mode) & 0o077:
                side.chmod(0o600)
        except FileNotFoundError:
            pass


def _init_schema(conn: sqlite3.Connection, path: Path) -> None:
    """WAL + synchronous=NORMAL, then create the tables and check the schema version."""
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        version = row[0] if row else None
        if version is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        elif version > SCHEMA_VERSION:
            raise JournalError(
                f"{path}: journal schema version {version} is newer than {SCHEMA_VERSION}"
            )
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"{path}: not a usable journal database: {exc}") from exc
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class Journal:
    """The delivery journal.  Use :meth:`open`; every method commits at once."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open (creating if needed) the journal at ``path``."""
        path = Path(path)
        _create_private(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            _init_schema(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; safe to call more than once."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def _write(
        self,
        lead_id: str,
        digest: str,
        state: State,
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        attempts: int | None = None,
    ) -> None:
        row = (lead_id, digest, state, status, _clip(title), _clip(detail), attempts, _now())
        with self._locked() as conn:
            conn.execute(_UPSERT, row)  # autocommit: durable when this returns

    def should_send(self, lead_id: str, content_hash: str) -> bool:
        """False only when the lead is recorded as delivered with this same hash."""
        with self._locked() as conn:
            row = conn.execute(
                "SELECT 1 FROM leads WHERE lead_id = ? AND state = 'delivered'"
                " AND content_hash = ?",
                (lead_id, content_hash),
            ).fetchone()
        return row is None

    def mark_pending(self, lead_id: str, content_hash: str) -> None:
        """Record that the lead's request is about to be sent."""
        self._write(lead_id, content_hash, "pending")

    def mark_delivered(
        self, lead_id: str, content_hash: str, status: int, attempts: int | None = None
    ) -> None:
        """Record that the server accepted the lead (``status`` is the 2xx code)."""
        self._write(lead_id, content_hash, "delivered", status, attempts=attempts)

    def mark_failed(
        self,
        lead_id: str,
        content_hash: str,
        status: int | None,
        title: str | None,
        detail: str | None,
        attempts: int,
    ) -> None:
        """Record a delivery failure (``status`` is None for a network error)."""
        self._write(lead_id, content_hash, "failed", status, title, detail, attempts)

    def mark_rejected(self, lead_id: str, content_hash: str, reason: str) -> None:
        """Record that lint kept the lead back; ``reason`` is comma-joined rule codes."""
        if not _REASON.fullmatch(reason):
            raise ValueError("rejection reason must be comma-joined rule codes")
        self._write(lead_id, content_hash, "rejected", detail=reason)

    def state(self, lead_id: str) -> Entry | None:
        """The lead's last recorded state, or None if it was never recorded."""
        with self._locked() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM leads WHERE lead_id = ?", (lead_id,)
            ).fetchone()
        if row is None:
            return None
        return Entry(*row)

    def counts(self) -> dict[str, int]:
        """Number of leads in each state (every state present, zero if none)."""
        result: dict[str, int] = dict.fromkeys(STATES, 0)
        with self._locked() as conn:
            rows = conn.execute("SELECT state, COUNT(*) FROM leads GROUP BY state").fetchall()
        for state, count in rows:
            result[str(state)] = int(count)
        return result

    def pending(self) -> list[str]:
        """Leads last recorded as pending: a run was killed while they were in flight."""
        with self._locked() as conn:
            rows = conn.execute(
                "SELECT lead_id FROM leads WHERE state = 'pending' ORDER BY updated_at, lead_id"
            ).fetchall()
        return [str(r[0]) for r in rows]
