"""A scripted, misbehaving HTTP server on 127.0.0.1 for the submit client tests.

Each request to ``/leads/{id}`` consumes the next action of that lead's script
(or the default action once the script is used up):

- ``("ok", 200)``: answer that status with a small JSON body.
- ``("status", code)`` or ``("status", code, {header: value})``: that status,
  empty body, extra headers (e.g. ``Retry-After``).
- ``("problem", code, title, detail)``: an ``application/problem+json`` body.
- ``("slow", seconds)``: sleep, then answer 200 (past a short client timeout).
- ``("drop",)``: send a status line and half a header, then close the socket.
- ``("hang-up",)``: close the connection without any response.

Every request is recorded (method, path, lower-cased headers, body), requests
are counted per lead id, and the peak number of concurrently running handlers
is tracked.
"""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote

Action = tuple[Any, ...]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    fault: FaultServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn): skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out and close are expected here


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # headers and body are separate writes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_PUT(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        fault = self.server.fault
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        lead_id = unquote(self.path.removeprefix("/leads/"))
        headers = {k.lower(): v for k, v in self.headers.items()}
        action = fault._record(Recorded(self.command, self.path, headers, body), lead_id)
        fault._enter()
        try:
            self._act(action, lead_id)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            fault._leave()

    def _act(self, action: Action, lead_id: str) -> None:
        kind = action[0]
        if kind == "ok":
            self._send(int(action[1]), json.dumps({"id": lead_id}).encode(), "application/json")
        elif kind == "status":
            extra = action[2] if len(action) > 2 else {}
            self._send(int(action[1]), b"", None, extra)
        elif kind == "problem":
            status, title, detail = action[1:4]
            doc = {"type": "about:blank", "title": title, "status": status, "detail": detail}
            self._send(int(status), json.dumps(doc).encode(), "application/problem+json")
        elif kind == "slow":
            time.sleep(float(action[1]))
            self._send(200, json.dumps({"id": lead_id}).encode(), "application/json")
        elif kind == "drop":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: applic")
            self.wfile.flush()
            self.close_connection = True
        elif kind == "hang-up":
            self.close_connection = True
        else:
            raise ValueError(f"unknown action {action!r}")

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FaultServer:
    """``with FaultServer(script) as server: ... server.url ...``"""

    def __init__(
        self,
        script: dict[str, list[Action]] | None = None,
        default: Action = ("ok", 200),
    ) -> None:
        self._script = {k: list(v) for k, v in (script or {}).items()}
        self.default = default
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self.counts: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fault = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def _record(self, request: Recorded, lead_id: str) -> Action:
        with self._lock:
            self._requests.append(request)
            self.counts[lead_id] += 1
            queue = self._script.get(lead_id)
            return queue.pop(0) if queue else self.default

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def start(self) -> FaultServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
