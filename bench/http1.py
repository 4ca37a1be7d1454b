"""A lean HTTP/1.1 keep-alive client for the load generator.

On a 2-core machine the load generator's CPU is taken from the system under test: httpx cost ~8.7 ms
of CPU per gateway call at 32 callers (anyio, h11, its own pool) — three times the gateway's own
work — so the figures said more about the client than about the gateway. This client writes each
request in one buffer and reads the status line, the headers and a Content-Length (or chunked) body
straight off asyncio streams: tens of microseconds per call. One connection per concurrent caller,
kept alive; a connection the server closed while it sat idle is replaced and the request sent again
(every write the benchmarks send carries an Idempotency-Key, so a resend cannot apply twice).
"""
from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode, urlsplit


class HttpError(Exception):
    pass


class Response:
    __slots__ = ("status", "body")

    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict:
        return json.loads(self.body)


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.used = False

    def close(self) -> None:
        self.writer.close()


class Http1Client:
    def __init__(self, base_url: str, connections: int, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._host_header = parts.netloc.encode()
        self._timeout = timeout
        self._idle: asyncio.LifoQueue[_Connection | None] = asyncio.LifoQueue()
        for _ in range(connections):
            self._idle.put_nowait(None)  # opened on first use

    async def aclose(self) -> None:
        while not self._idle.empty():
            conn = self._idle.get_nowait()
            if conn is not None:
                conn.close()

    async def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> Response:
        if params:
            path = f"{path}?{urlencode(params)}"
        return await self.request("GET", path, headers=headers)

    async def post(self, path: str, json_body: object = None, headers: dict | None = None) -> Response:
        body = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
        return await self.request("POST", path, body, headers, content_type=b"application/json")

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                      content_type: bytes = b"") -> Response:
        head = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self._host_header]
        if content_type:
            head.append(b"Content-Type: " + content_type)
        if body or method == "POST":
            head.append(b"Content-Length: " + str(len(body)).encode())
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}".encode())
        message = b"\r\n".join(head) + b"\r\n\r\n" + body
        conn = await self._idle.get()
        try:
            for attempt in (1, 2):
                if conn is None:
                    conn = _Connection(*await asyncio.open_connection(self._host, self._port))
                reused = conn.used
                try:
                    response, keep = await asyncio.wait_for(self._exchange(conn, message), self._timeout)
                    if not keep:
                        conn.close()
                        conn = None
                    return response
                except (ConnectionError, asyncio.IncompleteReadError) as exc:
                    conn.close()
                    conn = None
                    if not reused or attempt == 2:  # only an idle keep-alive connection may be stale
                        raise HttpError(repr(exc)) from exc
                except BaseException:
                    conn.close()
                    conn = None
                    raise
            raise AssertionError("unreachable")
        finally:
            self._idle.put_nowait(conn)

    @staticmethod
    async def _exchange(conn: _Connection, message: bytes) -> tuple[Response, bool]:
        conn.writer.write(message)
        reader = conn.reader
        status_line = await reader.readuntil(b"\r\n")
        if not status_line:
            raise ConnectionResetError("closed")
        status = int(status_line.split(b" ", 2)[1])
        length = -1
        chunked = close = False
        while True:
            line = await reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(parts)
        elif length >= 0:
            body = await reader.readexactly(length)
        else:
            body = await reader.read()
            close = True
        conn.used = True
        return Response(status, body), not close
