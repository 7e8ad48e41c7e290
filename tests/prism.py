"""Run the Prism mock server (npm @stoplight/prism-cli 5.x) for contract tests.

    with PrismServer() as prism:
        httpx.put(f"{prism.url}/leads/abc", json=lead, headers=AUTH)

Prism serves ``../shared/leadping/openapi-2026-08.json`` in static mock mode
(no ``--dynamic``): every request is validated against the OpenAPI document;
an invalid one gets the operation's 400 (or 422) response, and the reasons
in the ``sl-violations`` header; a valid one gets the documented 200 example.
``--errors`` is left off on purpose: request violations are answered with a
4xx without it, and with it a response-side violation of Prism's own mocked
body would turn a valid request into a 500.

The binary is ``$LEADLINT_PRISM`` or ``.cache/prism/node_modules/.bin/prism``;
when neither runs, ``scripts/install_prism.sh`` installs it (npm registry), so
the contract tests never skip for want of Prism. Prism only checks that a
security scheme's credentials are present and of the right kind, so any
``Authorization: Bearer <token>`` satisfies the ``Bearer`` scheme.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OPENAPI = ROOT.parent / "shared" / "leadping" / "openapi-2026-08.json"
INSTALL_SCRIPT = ROOT / "scripts" / "install_prism.sh"
DEFAULT_PRISM = ROOT / ".cache" / "prism" / "node_modules" / ".bin" / "prism"
AUTH = {"Authorization": "Bearer test-token"}
LISTENING = "Prism is listening on"


def _version(binary: Path) -> str | None:
    try:
        done = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def find_prism() -> tuple[Path, str]:
    """The Prism binary and its version, installing it first when it is missing."""
    given = os.environ.get("LEADLINT_PRISM")
    if given:
        binary = Path(given)
        version = _version(binary)
        if version is None:
            raise RuntimeError(f"LEADLINT_PRISM={given} does not run `--version`")
        return binary, version
    version = _version(DEFAULT_PRISM)
    if version is None:
        done = subprocess.run(
            ["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=600, check=False
        )
        version = _version(DEFAULT_PRISM)
        if done.returncode != 0 or version is None:
            raise RuntimeError(
                f"{INSTALL_SCRIPT} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
            )
    return DEFAULT_PRISM, version


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrismServer:
    """``prism mock`` on 127.0.0.1 and a free port, for the length of a ``with``."""

    def __init__(self, document: Path = OPENAPI, startup_timeout: float = 60.0) -> None:
        self.document = document
        self.startup_timeout = startup_timeout
        self.binary, self.version = find_prism()
        self.port = 0
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._lines: collections.deque[str] = collections.deque(maxlen=400)
        self._listening = threading.Event()
        self._reader: threading.Thread | None = None

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "mock",
            str(self.document),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]

    def output(self) -> str:
        """The last lines Prism printed (its log), for failure messages."""
        return "\n".join(self._lines)

    def __enter__(self) -> PrismServer:
        if not self.document.is_file():
            raise RuntimeError(f"{self.document}: OpenAPI document not found")
        for _attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self._start()
            if self._wait_until_listening():
                return self
            self._stop()
        raise RuntimeError(f"Prism did not start: {' '.join(self.command())}\n{self.output()}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _start(self) -> None:
        self._lines.clear()
        self._listening.clear()
        # Its own session (process group), so that the node process and any
        # child it forks are ended together.
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )
        self._reader = threading.Thread(target=self._read, args=(self._process,), daemon=True)
        self._reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        # Keep draining: Prism logs every request and must never block on a full pipe.
        assert process.stdout is not None
        for line in process.stdout:
            self._lines.append(line.rstrip("\n"))
            if LISTENING in line:
                self._listening.set()

    def _wait_until_listening(self) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            if self._listening.wait(0.2) and self._port_open():
                return True
        return False

    def _port_open(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:
            # The leader is gone; end anything it left in its group.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._reader is not None:
            self._reader.join(5)
        if process.stdout is not None:
            process.stdout.close()


def violations(response: Any) -> list[dict[str, Any]]:
    """Prism's reasons for rejecting a request (the ``sl-violations`` header)."""
    header = response.headers.get("sl-violations")
    if not header:
        return []
    parsed = json.loads(header)
    return parsed if isinstance(parsed, list) else []
