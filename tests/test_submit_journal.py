"""The submit journal: file mode, should_send, persistence, counts, SIGKILL durability."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from leadlint.submit.journal import Journal, JournalError, content_hash

ROOT = Path(__file__).resolve().parents[1]
H1 = content_hash(b'{"id":"a1","contact":{"firstName":"Ann"}}')
H2 = content_hash(b'{"id":"a1","contact":{"firstName":"Anne"}}')


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def journal(tmp_path: Path):
    with Journal.open(tmp_path / "j" / "journal.sqlite") as j:
        yield j


def test_content_hash_is_sha256_of_exact_bytes() -> None:
    assert content_hash(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert content_hash(b"{}") != content_hash(b"{ }")


def test_file_created_0600_with_parent_dirs(tmp_path: Path) -> None:
    path = tmp_path / ".leadlint" / "deep" / "journal.sqlite"
    old = os.umask(0)
    try:
        Journal.open(path).close()
    finally:
        os.umask(old)
    assert mode(path) == 0o600


def test_existing_0644_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal.open(path) as j:
        j.mark_delivered("a1", H1, 201)
    path.chmod(0o644)
    with Journal.open(path) as j:
        assert mode(path) == 0o600
        assert j.should_send("a1", H1) is False


def test_existing_empty_0644_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.touch()
    path.chmod(0o644)
    Journal.open(path).close()
    assert mode(path) == 0o600


def test_wal_side_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal.open(path) as j:
        j.mark_pending("a1", H1)
        sides = [p for p in tmp_path.iterdir() if p != path]
        assert sides  # WAL mode keeps -wal/-shm while open
        for side in sides:
            assert mode(side) == 0o600, side


def test_pragmas(journal: Journal) -> None:
    conn = journal._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL (WAL: crash-safe)


def test_should_send_new_lead(journal: Journal) -> None:
    assert journal.should_send("a1", H1) is True
    assert journal.state("a1") is None


def test_should_send_delivered_same_hash_skips(journal: Journal) -> None:
    journal.mark_pending("a1", H1)
    journal.mark_delivered("a1", H1, 201)
    assert journal.should_send("a1", H1) is False


def test_should_send_delivered_changed_hash_sends(journal: Journal) -> None:
    journal.mark_delivered("a1", H1, 200)
    assert journal.should_send("a1", H2) is True


def test_should_send_failed_sends(journal: Journal) -> None:
    journal.mark_failed("a1", H1, 503, "Service Unavailable", "try later", 5)
    assert journal.should_send("a1", H1) is True


def test_should_send_pending_sends(journal: Journal) -> None:
    journal.mark_pending("a1", H1)
    assert journal.should_send("a1", H1) is True


def test_should_send_rejected_sends(journal: Journal) -> None:
    journal.mark_rejected("a1", H1, "LL102")
    assert journal.should_send("a1", H1) is True


def test_should_send_other_lead_unaffected(journal: Journal) -> None:
    journal.mark_delivered("a1", H1, 201)
    assert journal.should_send("a2", H1) is True


def test_entry_columns(journal: Journal) -> None:
    journal.mark_failed("a1", H1, 422, "Unprocessable", "bad field", 1)
    entry = journal.state("a1")
    assert entry is not None
    assert (entry.lead_id, entry.content_hash, entry.state) == ("a1", H1, "failed")
    assert (entry.status, entry.title, entry.detail, entry.attempts) == (
        422,
        "Unprocessable",
        "bad field",
        1,
    )
    assert entry.updated_at.endswith("+00:00")
    with pytest.raises(AttributeError):
        entry.state = "delivered"  # type: ignore[misc]
    journal.mark_delivered("a1", H1, 201)
    entry = journal.state("a1")
    assert entry is not None
    assert (entry.state, entry.status, entry.title, entry.detail) == ("delivered", 201, None, None)


def test_failed_network_error_has_no_status(journal: Journal) -> None:
    journal.mark_failed("a1", H1, None, "timeout", None, 3)
    entry = journal.state("a1")
    assert entry is not None and entry.status is None and entry.attempts == 3


def test_long_problem_text_is_clipped(journal: Journal) -> None:
    journal.mark_failed("a1", H1, 500, "t" * 5000, "d" * 5000, 1)
    entry = journal.state("a1")
    assert entry is not None and entry.title is not None and entry.detail is not None
    assert len(entry.title) <= 500 and len(entry.detail) <= 500


def test_rejected_reason_is_rule_codes_only(journal: Journal) -> None:
    journal.mark_rejected("a1", H1, "LL102,LL204")
    entry = journal.state("a1")
    assert entry is not None and (entry.state, entry.detail) == ("rejected", "LL102,LL204")
    for bad in ["", "ann@example.com", "LL102, LL204", "555-1234", "12 Main St"]:
        with pytest.raises(ValueError):
            journal.mark_rejected("a2", H1, bad)
    assert journal.state("a2") is None


def test_states_survive_close_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal.open(path) as j:
        j.mark_delivered("d", H1, 201)
        j.mark_failed("f", H1, 500, "Internal", "boom", 4)
        j.mark_rejected("r", H1, "LL001")
        j.mark_pending("p", H1)
    with Journal.open(path) as j:
        states = {k: j.state(k) for k in "dfrp"}
        assert {k: e.state for k, e in states.items() if e} == {
            "d": "delivered",
            "f": "failed",
            "r": "rejected",
            "p": "pending",
        }
        assert j.should_send("d", H1) is False
        assert j.should_send("f", H1) is True
        assert j.pending() == ["p"]


def test_counts_and_pending(journal: Journal) -> None:
    assert journal.counts() == {"pending": 0, "delivered": 0, "failed": 0, "rejected": 0}
    assert journal.pending() == []
    for i in range(5):
        journal.mark_pending(f"p{i}", H1)
    for i in range(3):
        journal.mark_delivered(f"p{i}", H1, 201)
    journal.mark_failed("x", H1, 429, "Too Many", None, 6)
    journal.mark_rejected("y", H1, "LL003")
    assert journal.counts() == {"pending": 2, "delivered": 3, "failed": 1, "rejected": 1}
    assert journal.pending() == ["p3", "p4"]


def test_usable_from_another_thread(journal: Journal) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                journal.mark_pending(f"t{n}-{i}", H1)
                journal.mark_delivered(f"t{n}-{i}", H1, 201)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert journal.counts()["delivered"] == 200


def test_close_is_idempotent(tmp_path: Path) -> None:
    j = Journal.open(tmp_path / "journal.sqlite")
    j.close()
    j.close()


def test_not_a_database_raises_journal_error(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"this is not sqlite, just some text " * 200)
    with pytest.raises(JournalError):
        Journal.open(path)


def test_newer_schema_raises_journal_error(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    Journal.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    conn.close()
    with pytest.raises(JournalError, match="newer"):
        Journal.open(path)


def test_stores_no_lead_data(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    body = b'{"id":"a1","contact":{"email":"secret.person@example.com"}}'
    with Journal.open(path) as j:
        j.mark_pending("a1", content_hash(body))
        j.mark_delivered("a1", content_hash(body), 201)
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"secret.person" not in raw
    assert content_hash(body).encode() in raw


# The child paces itself a little so the kill lands mid-run, and idles after the
# last lead so it is still alive (and SIGKILLed, not exited) even on a slow parent.
CHILD = """
import sys
import time
from pathlib import Path
from leadlint.submit.journal import Journal, content_hash
j = Journal.open(Path(sys.argv[1]))
for i in range(200):
    lead = f"lead-{i:03d}"
    j.mark_pending(lead, content_hash(lead.encode()))
    j.mark_delivered(lead, content_hash(lead.encode()), 201)
    print(lead, flush=True)
    time.sleep(0.002)
time.sleep(120)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_never_loses_a_committed_state(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    printed: list[str] = []
    try:
        while len(printed) < 100:
            line = proc.stdout.readline()
            assert line, f"child exited early after {len(printed)} leads"
            printed.append(line.strip())
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        printed += [line.strip() for line in proc.stdout.read().splitlines() if line.strip()]
    finally:
        if proc.poll() is None:  # pragma: no cover - only if an assert fired above
            proc.kill()
            proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert len(printed) >= 100

    with Journal.open(path) as j:
        for lead in printed:
            entry = j.state(lead)
            assert entry is not None and entry.state == "delivered", lead
            assert j.should_send(lead, content_hash(lead.encode())) is False
        counts = j.counts()
        assert counts["delivered"] >= len(printed)
        assert counts["pending"] <= 1  # at most the one in flight at the kill
        assert counts["delivered"] + counts["pending"] <= 200
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
