"""Serve a built site on the loopback interface, the way GitHub Pages serves it.

Used by the browser tests, the screenshots, the handouts and the benchmark. Like GitHub Pages it
answers ``/folder/`` with ``folder/index.html``, redirects ``/folder`` to ``/folder/``, sends the
site's ``404.html`` for missing files, and compresses text with gzip when the browser asks for it.
Only ever binds to 127.0.0.1.
"""

from __future__ import annotations

import gzip
import mimetypes
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


@dataclass
class Served:
    """A running server: its base URL ("http://127.0.0.1:PORT/") and a log of the paths requested."""

    url: str
    port: int
    requests: list[str] = field(default_factory=list)


def free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _handler(root: Path, served: Served, compress: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet; requests are recorded in ``served.requests`` instead."""

        def _resolve(self, path: str) -> Path | None:
            target = (root / unquote(path).lstrip("/")).resolve()
            if target != root and root not in target.parents:
                return None
            return target

        def do_HEAD(self) -> None:
            """Answer like GET without a body."""
            self._respond(head=True)

        def do_GET(self) -> None:
            """Send a file, a redirect to the folder's URL, or the site's 404 page."""
            self._respond(head=False)

        def _respond(self, *, head: bool) -> None:
            path = urlsplit(self.path).path
            served.requests.append(path)
            target = self._resolve(path)
            if target is not None and target.is_dir():
                if not path.endswith("/"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                target = target / "index.html"
            status = HTTPStatus.OK
            if target is None or not target.is_file():
                status, target = HTTPStatus.NOT_FOUND, root / "404.html"
            body = target.read_bytes() if target.is_file() else b"Not found"
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind == "application/javascript":
                kind += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if compress and kind.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, compresslevel=6)
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    """A threading server that keeps quiet when the browser drops a connection it no longer needs."""

    daemon_threads = True

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: object) -> None:
        """Ignore connections the browser closed (it moved on to the next page); report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path | str, *, port: int = 0, compress: bool = True) -> Iterator[Served]:
    """Serve ``directory`` on http://127.0.0.1:PORT/ in a background thread until the block ends."""
    root = Path(directory).resolve()
    served = Served(url="", port=0)
    server = _Server(("127.0.0.1", port), _handler(root, served, compress))
    server.daemon_threads = True
    served.port = server.server_address[1]
    served.url = f"http://127.0.0.1:{served.port}/"
    # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default on every serve().
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"serve-{served.port}", daemon=True
    )
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> int:
    """Serve a folder until interrupted: ``python -m ivig_guide.serve site [--port 8000]``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="site")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    if not Path(options.directory, "index.html").is_file():
        parser.error(f"{options.directory}/index.html not found: run 'make build' first")
    with serve(options.directory, port=options.port) as served:
        print(f"Serving {options.directory}/ on {served.url} (Ctrl+C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
