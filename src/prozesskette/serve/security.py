"""Safe by default: which Host headers are answered, which headers every answer carries.

- **DNS rebinding.** A web page on a foreign domain can make its name point at 127.0.0.1 and
  then read the chains through the victim's browser; its requests still carry the foreign
  name in ``Host``. So only ``localhost``, IP literals, the bound host name and this machine's
  names are answered; anything else gets 400.
- **Content-Security-Policy.** Scripts and styles only from the package (``'self'``), no inline
  script, nothing from other origins; inline *styles* are allowed because the chart's SVG
  carries its own ``<style>`` (and is replaced live, so a hash cannot cover it).
- **Long URLs.** A request line longer than :data:`MAX_TARGET` is refused with 414 before
  routing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_TARGET = 2048  # bytes of path plus query; chain names are at most 300 characters
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def machine_names(bound: str) -> frozenset[str]:
    """Host names (lower case, no port) that are this server's own: ``localhost``, the name
    it is bound to and, when it listens beyond this machine, the machine's own names."""
    names = {*LOOPBACK_NAMES, bound.lower().strip("[]")}
    if not is_loopback(bound):
        for name in (socket.gethostname(), socket.getfqdn()):
            names.add(name.lower())
            names.add(name.lower().split(".")[0])
    return frozenset(name for name in names if name)


def host_of(header: str) -> str | None:
    """The host part of a ``Host`` header (``[::1]:8000`` → ``::1``), None when malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        if end < 0 or (header[end + 1:] and not header[end + 1:].startswith(":")):
            return None
        host, rest = header[1:end], header[end + 2:]
    else:
        host, _, rest = header.partition(":")
    if rest and not rest.isdigit():
        return None
    return host or None


def host_allowed(header: str | None, names: Iterable[str]) -> bool:
    """Whether a request with this ``Host`` header is for us (not a rebound foreign name)."""
    host = host_of(header or "")
    if host is None:
        return False
    if host in names:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True  # a literal address cannot be rebound


class Guard:
    """ASGI middleware: refuses long URLs (414) and foreign Host headers (400), and adds the
    security headers to every answer."""

    def __init__(self, app: ASGIApp, names: frozenset[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path") or scope["path"].encode()) + \
            len(scope.get("query_string", b""))
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if target > MAX_TARGET:
            await _refuse(send, 414, "Die Adresse ist zu lang.")
            return
        if not host_allowed(host, self.names):
            await _refuse(send, 400, "Dieser Host-Name wird nicht bedient (Schutz vor DNS-"
                          "Rebinding). Öffnen Sie die Adresse, die der Server angezeigt hat.")
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *HEADERS]
                if not any(key == b"cache-control" for key, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, secured)
        except asyncio.CancelledError:
            # uvicorn cancels what still runs when its graceful shutdown (Ctrl-C) times out,
            # usually a live stream on a busy machine; that is the end of the request, not an
            # error to print as a traceback
            return


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
