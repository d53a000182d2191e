"""The explorer's HTTP server: the standard library's ThreadingHTTPServer on 127.0.0.1.

Safety (docs/explorer.md): it binds the loopback address only; it answers only requests whose Host
header names that address (a DNS-rebinding page on another site cannot talk to it) and that no
other site's page sent (Origin, Sec-Fetch-Site); it serves a
fixed table of its own packaged assets, read once at start (no URL path is ever joined to a file
path, so no other file can be read), plus the session's answers; every answer forbids loading
anything from elsewhere (Content-Security-Policy); a bad state is a one-line JSON message, never a
traceback.
"""

from __future__ import annotations

import json
import sys
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import ctsim

from .session import Session, iamc_csv, scenario_yaml

HOST = "127.0.0.1"
LOCAL_NAMES = ("127.0.0.1", "localhost")
MAX_QUERY = 8000  # characters of page state; the longest real state is well under 2000
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png"}
# the page's assets: URL path -> file under ctsim/explorer/static (the whole list; nothing else)
ASSETS = {
    "/": "index.html",
    "/app.js": "app.js",
    "/app.css": "app.css",
    "/vendor/uPlot.iife.min.js": "vendor/uPlot.iife.min.js",
    "/vendor/uPlot.min.css": "vendor/uPlot.min.css",
    "/vendor/LICENSE": "vendor/LICENSE",
}


def load_assets() -> dict[str, tuple[bytes, str]]:
    """URL path -> (bytes, content type) of every packaged asset, read once."""
    root = resources.files("ctsim.explorer") / "static"
    out = {}
    for url, name in ASSETS.items():
        out[url] = ((root / name).read_bytes(),
                    TYPES.get(Path(name).suffix, "text/plain; charset=utf-8"))
    return out


class Handler(BaseHTTPRequestHandler):
    server_version = "ctsim-explore"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # headers and body are two writes: without TCP_NODELAY, Nagle's algorithm and the client's
    # delayed ACK hold the body back ~40 ms on every answer
    disable_nagle_algorithm = True

    # set on the class made by make_server
    session: Session
    assets: dict[str, tuple[bytes, str]]
    port: int
    quiet: bool = True

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if not self.quiet:
            sys.stderr.write("ctsim explore: " + (format % args) + "\n")

    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data) -> None:
        self._send(status, json.dumps(data, allow_nan=False).encode(), "application/json")

    def _host_ok(self) -> bool:
        """The Host is this server's address (DNS rebinding), and a browser request does not come
        from another site's page (Origin, Sec-Fetch-Site): such a page could not read the answers,
        but could keep the model busy."""
        local = {f"{name}:{self.port}" for name in LOCAL_NAMES}
        if self.headers.get("Host", "") not in local:
            return False
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{h}" for h in local}:
            return False
        return self.headers.get("Sec-Fetch-Site", "none") in ("same-origin", "none")

    def do_GET(self):  # noqa: N802 - the stdlib's name
        if not self._host_ok():
            self._send(HTTPStatus.FORBIDDEN, b"forbidden: this server answers only its own page at its local address\n",
                       "text/plain; charset=utf-8")
            return
        parts = urlsplit(self.path)
        query = parts.query
        if len(query) > MAX_QUERY:
            self._json(HTTPStatus.REQUEST_URI_TOO_LONG, {"error": "page state too long"})
            return
        if parts.path in self.assets:
            body, ctype = self.assets[parts.path]
            self._send(HTTPStatus.OK, body, ctype)
        elif parts.path == "/api/meta":
            self._json(HTTPStatus.OK, self.server.meta)
        elif parts.path == "/api/run":
            self._answer(query, "run")
        elif parts.path == "/download/scenario.yaml":
            self._answer(query, "yaml")
        elif parts.path == "/download/data.csv":
            self._answer(query, "csv")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    do_HEAD = do_GET

    def _answer(self, query: str, what: str) -> None:
        t0 = time.perf_counter()
        try:
            doc, run = self.session.run_state(query, whole=what != "run")
        except ctsim.CtsimError as exc:  # a bad value: one line for the page
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        name = doc["name"]
        if what == "yaml":
            self._send(HTTPStatus.OK, scenario_yaml(doc).encode(), "application/x-yaml; charset=utf-8",
                       {"Content-Disposition": f'attachment; filename="{name}.yaml"'})
        elif what == "csv":
            self._send(HTTPStatus.OK, iamc_csv(run).encode(), "text/csv; charset=utf-8",
                       {"Content-Disposition": f'attachment; filename="{name}.csv"'})
        else:
            data = self.session.payload(run)
            data["server_ms"] = 1000 * (time.perf_counter() - t0)
            self._json(HTTPStatus.OK, data)

    def do_POST(self):  # noqa: N802
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"method not allowed\n", "text/plain; charset=utf-8",
                   {"Allow": "GET, HEAD"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST


class ExploreServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, session: Session):
        super().__init__(address, handler)
        self.session = session
        self.meta = session.meta()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


def make_server(scenario: str | Path, port: int = 0, quiet: bool = True) -> ExploreServer:
    """A server for ``scenario`` on 127.0.0.1:``port`` (0: a free port), not yet serving.

    Loading and running the scenario's baseline happens here, so a bad scenario is a
    :class:`ctsim.ScenarioError` before any socket is opened.
    """
    session = Session(Path(scenario))
    assets = load_assets()
    handler = type("BoundHandler", (Handler,), {"session": session, "assets": assets,
                                                "quiet": quiet, "port": port})
    try:
        server = ExploreServer((HOST, port), handler, session)
    except OSError as exc:
        raise ctsim.UsageError(f"explore: cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
    handler.port = server.server_address[1]
    return server
