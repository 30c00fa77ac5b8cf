"""How `opsledger serve` runs uvicorn: bounded request heads, timeouts, no banner.

uvicorn's httptools protocol has an idle timeout between requests (`timeout_keep_alive`)
but none while a request head arrives, and no limit on its size: a client sending one
header byte a second, or megabytes of headers, would hold the connection (and count
against `limit_concurrency`) for ever. `BoundedHeadProtocol` closes a connection whose
request line and headers are not complete within `http_header_timeout_seconds` and
answers 431 to a head larger than `http_max_header_bytes`.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from opsledger.settings import Settings


class _HeadTooLargeError(Exception):
    """Raised from a parser callback to stop parsing an oversized request head."""


class BoundedHeadProtocol(HttpToolsProtocol):
    """httptools with a deadline and a size limit on each request head."""

    header_timeout: float = 10.0
    max_header_bytes: int = 16 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0  # parsed URL and header bytes of the current head
        self._raw_bytes = 0  # bytes received since the current head began
        self._in_head = False
        self._too_large = False

    # -- the deadline ------------------------------------------------------------------

    def _await_head(self) -> None:
        self._in_head, self._head_bytes, self._raw_bytes = True, 0, 0
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        pipelined = self.cycle is not None and not self.cycle.response_complete
        if not self.transport.is_closing() and not pipelined:
            self._await_head()  # the next request on this connection gets its own deadline

    # -- the size ----------------------------------------------------------------------

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.max_header_bytes:
            self._too_large = True
            raise _HeadTooLargeError

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._raw_bytes += len(data)
        super().data_received(data)
        # A head still incomplete after this many bytes is too large even if the parser
        # has not reported its pieces yet (one long header value, say).
        if (
            self._in_head
            and self._raw_bytes > self.max_header_bytes
            and not self.transport.is_closing()
        ):
            self._too_large = True
            self.send_400_response("")

    def send_400_response(self, msg: str) -> None:
        if not self._too_large:
            super().send_400_response(msg)
            return
        body = b"request line and headers too large"
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body
        )
        self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `uvicorn.run` for a service process with these settings."""
    protocol = type(
        "ServiceHttpProtocol",
        (BoundedHeadProtocol,),
        {
            "header_timeout": settings.http_header_timeout_seconds,
            "max_header_bytes": settings.http_max_header_bytes,
        },
    )
    return {
        "log_config": None,  # structlog owns logging
        "access_log": False,
        # The C event loop and HTTP parser: a command's CPU is mostly framework overhead.
        "loop": "uvloop",
        "http": protocol,
        "timeout_graceful_shutdown": 10,
        "timeout_keep_alive": settings.http_keep_alive_seconds,
        "limit_concurrency": settings.http_max_concurrency,
        "server_header": False,  # no "server: uvicorn" banner
        "h11_max_incomplete_event_size": settings.http_max_header_bytes,
    }
