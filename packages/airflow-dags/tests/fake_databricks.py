"""A stand-in for a Databricks workspace's REST API, on 127.0.0.1, in the spirit of msw: a test declares a
handler per method and path, the code under test talks HTTP to it through the provider's real
DatabricksHook (URL building, auth header, query string and JSON body included), and a request no handler
answers is recorded and answered 404, so ``unhandled`` shows calls the test did not expect."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Handler = Callable[["Request"], Any]  # returns a JSON body (status 200) or a (status, body) tuple


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]  # single values: the hook sends each parameter once
    body: Any
    headers: dict[str, str]


@dataclass
class FakeDatabricks:
    handlers: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    unhandled: list[Request] = field(default_factory=list)
    port: int = 0

    def on(self, method: str, path: str, handler: Handler | Any) -> None:
        """Answer ``method path`` (e.g. "GET", "/api/2.2/jobs/list") with a handler or a fixed JSON body."""
        self.handlers[(method, path)] = (
            handler if callable(handler) else (lambda _request, body=handler: body)
        )

    def calls(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if (r.method, r.path) == (method, path)]

    def start(self) -> None:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=url.path,
                    query={k: v[-1] for k, v in parse_qs(url.query).items()},
                    body=json.loads(raw) if raw else None,
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                fake.requests.append(request)
                handler = fake.handlers.get((request.method, request.path))
                if handler is None:
                    fake.unhandled.append(request)
                    status, body = (
                        404,
                        {"error_code": "ENDPOINT_NOT_FOUND", "message": "no handler in the test"},
                    )
                else:
                    answer = handler(request)
                    status, body = answer if isinstance(answer, tuple) else (200, answer)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def connection_uri_json(self, token: str) -> str:
        """An Airflow connection (AIRFLOW_CONN_<ID>, JSON) to this server: token auth over plain HTTP."""
        return json.dumps(
            {
                "conn_type": "databricks",
                "host": "127.0.0.1",
                "port": self.port,
                "schema": "http",
                "password": token,
            }
        )


@contextmanager
def fake_workspace(
    monkeypatch: Any, token: str, conn_id: str = "databricks_shop"
) -> Iterator[FakeDatabricks]:
    """A started FakeDatabricks the DAGs' databricks target talks to (connection ``conn_id``); on exit it
    stops and fails the test on any request no handler answered."""
    fake = FakeDatabricks()
    fake.start()
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", fake.connection_uri_json(token))
    monkeypatch.setenv("SHOP_DEPLOY_TARGET", "databricks")
    monkeypatch.setenv("SHOP_DATABRICKS_CONN_ID", conn_id)
    # A deployment configures the batch DAGs too; the folder must parse as a whole.
    monkeypatch.setenv("SHOP_DATABRICKS_JOB_NAME", "shop-sessionize-batch")
    try:
        yield fake
    finally:
        fake.stop()
    assert fake.unhandled == [], f"requests the test did not expect: {fake.unhandled}"
