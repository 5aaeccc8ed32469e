"""A programmable local HTTP server for tests that need real sockets.

respx cannot show what a real server does: slow or trickling headers, a trickling body, chunked bodies
without Content-Length, redirects across a real connection. Typical use::

    server.add("/page", [Response(503), Response(200, "<html>...</html>")])
    server.add("/moved", Response.redirect("/page"))
    server.add("/hook", [Response(500), Response(500), Response(204)])  # down, then up
    server.add("/live", handler=lambda request: Response(200, current_page()))
    server.url("/page")                      # http://127.0.0.1:PORT/page
    server.requests_for("/hook", "POST")     # [Request(method, path, headers, body), ...]

A route serves its responses in order and repeats the last one; ``add`` again on the same
path replaces it at runtime. Unknown paths answer 404. Every request is recorded.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Response:
    """What to answer. A str body is sent as UTF-8; pass bytes for any other encoding."""

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    # Sleep before the status line: lets a client's read timeout fire.
    delay: float = 0.0
    # When > 0 the body goes out chunked (no Content-Length) in pieces of this size...
    chunk_size: int = 0
    # ...with this pause before each piece: a body that trickles in.
    delay_per_chunk: float = 0.0
    # When > 0, the status line and headers go out one byte at a time, this far apart.
    delay_per_header_byte: float = 0.0

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, headers={"Location": location})

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Request:
    """A request as received; header names are lowercased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Request], Response]


class _Route:
    """A sequence of responses (the last repeats) or a function of the request."""

    def __init__(self, responses: list[Response], handler: Handler | None) -> None:
        self._responses = responses
        self._handler = handler
        self._served = 0

    def respond(self, request: Request) -> Response:
        if self._handler is not None:
            return self._handler(request)
        response = self._responses[min(self._served, len(self._responses) - 1)]
        self._served += 1
        return response


class HTTPTestServer:
    """A threaded server on 127.0.0.1, an ephemeral port; use as a context manager."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, _Route] = {}
        self._requests: list[Request] = []
        # Set on close so that delays and trickles stop at once instead of finishing.
        self.stopping = threading.Event()
        self._httpd = _Server(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(
        self,
        path: str,
        responses: Response | Sequence[Response] = (),
        *,
        handler: Handler | None = None,
    ) -> HTTPTestServer:
        """Serve ``path`` (with or without its query string); replaces any earlier route."""
        sequence = [responses] if isinstance(responses, Response) else list(responses)
        if bool(sequence) == (handler is not None):
            raise ValueError("give responses or a handler, not both or neither")
        with self._lock:
            self._routes[path] = _Route(sequence, handler)
        return self

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str, method: str | None = None) -> list[Request]:
        """Requests to ``path`` (matched like routes), optionally of one method."""
        return [
            request
            for request in self.requests
            if path in (request.path, urlsplit(request.path).path)
            and (method is None or request.method == method)
        ]

    def respond(self, request: Request) -> Response:
        with self._lock:
            self._requests.append(request)
            route = self._routes.get(request.path) or self._routes.get(urlsplit(request.path).path)
            if route is None:
                return Response(404, "no route")
            return route.respond(request)

    def start(self) -> HTTPTestServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stopping.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.close_connections()
        # Joins the handler threads (block_on_close), so none outlives the test.
        self._httpd.server_close()
        if self._thread.is_alive():
            self._thread.join()

    def __enter__(self) -> HTTPTestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, app: HTTPTestServer) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        # Keep-alive connections would otherwise hold handler threads until clients close.
        with self._open_lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout, deadline, size cap) is what many tests are about.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines on stderr."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length),
        )
        response = _conditional(request, self.server.app.respond(request))
        if self.server.app.stopping.wait(response.delay):
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        payload = response.payload()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        declared = {name.lower() for name in response.headers}
        if response.chunk_size > 0:
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in declared:
            self.send_header("Content-Length", str(len(payload)))
        if not self._end_headers(response.delay_per_header_byte):
            return
        if self.command == "HEAD":
            return
        if response.chunk_size > 0:
            self._send_chunked(payload, response)
        else:
            self.wfile.write(payload)

    def _end_headers(self, delay_per_byte: float) -> bool:
        """Send the headers, trickled when asked; False when the server closed meanwhile."""
        if delay_per_byte <= 0:
            self.end_headers()
            return True
        head = b"".join(self._headers_buffer) + b"\r\n"  # what end_headers would send
        self._headers_buffer = []
        for byte in head:
            if self.server.app.stopping.wait(delay_per_byte):
                self.close_connection = True
                return False
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
        return True

    def _send_chunked(self, payload: bytes, response: Response) -> None:
        for piece in _pieces(payload, response.chunk_size):
            if self.server.app.stopping.wait(response.delay_per_chunk):
                self.close_connection = True
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


def _pieces(payload: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(payload), size):
        yield payload[start : start + size]


def _conditional(request: Request, response: Response) -> Response:
    """Answer 304, as a real server would, when the client already holds this version."""
    if response.status != 200:
        return response
    etag = _header(response, "etag")
    modified = _header(response, "last-modified")
    if (etag is not None and request.headers.get("if-none-match") == etag) or (
        modified is not None and request.headers.get("if-modified-since") == modified
    ):
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(304, b"", headers)
    return response


def _header(response: Response, name: str) -> str | None:
    return next((v for k, v in response.headers.items() if k.lower() == name), None)
