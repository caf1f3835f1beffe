"""A tiny resource server for adapter tests: accepts a token the bundled
authorization server issued, except those it was told to reject (the first
one it sees, by default) — so a client must invalidate and retry."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ooauthcc.testing import AuthServer


class ResourceServer:
    def __init__(self, auth: AuthServer, reject_first: bool = True, reject_all: bool = False) -> None:
        self.auth = auth
        self.reject_first = reject_first
        self.reject_all = reject_all
        self.seen: list[str] = []  # the token of every request, in order
        self.bodies: list[bytes] = []
        self.rejected: set[str] = set()
        self.lock = threading.Lock()
        self.url = ""

    def check(self, token: str) -> bool:
        with self.lock:
            self.seen.append(token)
            if self.reject_all or (self.reject_first and not self.rejected):
                self.rejected.add(token)
            return token not in self.rejected and self.auth.is_valid_token(token)


@contextmanager
def resource_server(auth: AuthServer, **options: bool) -> Iterator[ResourceServer]:
    rs = ResourceServer(auth, **options)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            rs.bodies.append(self.rfile.read(length) if length else b"")
            header = self.headers.get("Authorization") or ""
            token = header[len("Bearer ") :] if header.startswith("Bearer ") else ""
            if not token:
                token = (parse_qs(urlsplit(self.path).query).get("access_token") or [""])[0]
            ok = rs.check(token)
            body = b"ok" if ok else b"unauthorized"
            self.send_response(200 if ok else 401)
            if not ok:
                self.send_header("WWW-Authenticate", 'Bearer error="invalid_token"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _handle

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rs.url = f"http://127.0.0.1:{httpd.server_address[1]}/orders"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield rs
    finally:
        httpd.shutdown()
        httpd.server_close()
