"""A cheap HTTP/1.1 keep-alive load client on asyncio streams, and the figures it reports.

It shares the machine's cores with the server, so it does as little as possible per request:
hand-written request bytes, one persistent connection per simulated client (and per server port
when several daphne processes serve), a status line, the headers it needs and a Content-Length
(or chunked) body. Latency is `time.perf_counter()` from writing the request to having its body.
"""

import asyncio
import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
TIMEOUT = 30.0


class ConnectionError_(Exception):
    """The server closed or broke the connection in the middle of an answer."""


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    etag: str = ""  # the answer's ETag: a phone sends it back in If-None-Match

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Connection:
    """One persistent HTTP/1.1 connection to one port; reconnects after the server closes it."""

    def __init__(self, port: int, host: str = HOST):
        self.host = host
        self.port = port
        self.host_header = f"{host}:{port}".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    def encode(self, method: str, path: str, body: bytes | None, headers: dict[str, str] | None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host_header]
        if headers:
            lines.extend(f"{name}: {value}".encode() for name, value in headers.items())
        if body is not None:
            if not headers or not any(name.lower() == "content-type" for name in headers):
                lines.append(b"Content-Type: application/json")
            lines.append(b"Content-Length: " + str(len(body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")

    async def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        data = self.encode(method, path, body, headers)
        if self.writer is None:
            await self.open()
        try:
            return await asyncio.wait_for(self._exchange(data), TIMEOUT)
        except BaseException:
            self.close()
            raise

    async def _exchange(self, data: bytes) -> Response:
        reader, writer = self.reader, self.writer
        assert reader is not None and writer is not None
        writer.write(data)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            raise ConnectionError_("connection closed before the answer") from error
        lines = head[:-4].split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0 if status in (204, 304) else -1  # never a body, whatever the headers say
        chunked = close = False
        etag = ""
        for line in lines[1:]:
            name, _colon, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length" and length < 0:
                length = int(value)
            elif name == b"etag":
                etag = value.strip().decode()
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if chunked:
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")  # no trailers expected
                    break
                parts.append(await reader.readexactly(size + 2))
            body = b"".join(part[:-2] for part in parts)
        elif length >= 0:
            body = await reader.readexactly(length) if length else b""
        else:
            body = await reader.read()
            close = True
        if close:
            self.close()
        return Response(status, body, etag)


class Client:
    """A simulated client: one connection per port, requests spread over the ports round-robin
    (a stand-in for a proxy in front of several daphne processes)."""

    def __init__(self, ports: list[int], start: int = 0):
        self.connections = [Connection(port) for port in ports]
        self.turn = itertools.count(start)

    def next_connection(self) -> Connection:
        return self.connections[next(self.turn) % len(self.connections)]

    async def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None):
        payload = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        return await self.next_connection().request(method, path, payload, headers)

    def close(self) -> None:
        for connection in self.connections:
            connection.close()


@dataclass(slots=True)
class Result:
    item: Any
    status: int | str  # an HTTP status, or "connection_error:<Type>"
    latency: float  # seconds
    body: bytes = b""
    etag: str = ""

    @property
    def ok(self) -> bool:
        # 304: asked with If-None-Match, the client's copy is current.
        return isinstance(self.status, int) and (200 <= self.status < 300 or self.status == 304)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Load:
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0
    stopped_early: bool = False


# (method, path, body, headers) for one item of work, given the item and the client's index.
RequestFor = Callable[[Any, int], tuple[str, str, Any, dict[str, str] | None]]


async def run_load(
    ports: list[int],
    clients: int,
    items: Iterable[Any],
    request_for: RequestFor,
    keep_body: bool = False,
    budget: float | None = None,
) -> Load:
    """`clients` concurrent keep-alive clients work through `items` (each item once).

    With a `budget` (seconds), no new request starts after it has run out (`load.stopped_early`)."""
    work = iter(items)
    load = Load()
    perf = time.perf_counter
    pool = [Client(ports, start=index) for index in range(clients)]
    # Connect first, so that the figures are about requests, not TCP handshakes.
    await asyncio.gather(*(connection.open() for client in pool for connection in client.connections))

    async def worker(index: int, client: Client) -> None:
        for item in work:
            if deadline is not None and perf() > deadline:
                load.stopped_early = True
                break
            method, path, body, headers = request_for(item, index)
            started = perf()
            try:
                response = await client.request(method, path, body, headers)
            except (OSError, ConnectionError_, asyncio.IncompleteReadError, TimeoutError) as error:
                load.results.append(
                    Result(item, f"connection_error:{type(error).__name__}", perf() - started)
                )
                continue
            load.results.append(
                Result(item, response.status, perf() - started, response.body if keep_body else b"")
            )

    started = perf()
    deadline = started + budget if budget else None
    await asyncio.gather(*(worker(index, client) for index, client in enumerate(pool)))
    load.wall = perf() - started
    for client in pool:
        client.close()
    return load


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(math.ceil(p / 100 * len(sorted_values)), 1)
    return sorted_values[min(rank, len(sorted_values)) - 1]


def latency_ms(latencies: Iterable[float]) -> dict[str, float | None]:
    values = sorted(latencies)
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    return {
        "p50": round(percentile(values, 50) * 1000, 2),
        "p95": round(percentile(values, 95) * 1000, 2),
        "p99": round(percentile(values, 99) * 1000, 2),
        "max": round(values[-1] * 1000, 2),
        "mean": round(sum(values) / len(values) * 1000, 2),
    }


def summarise(load: Load, results: list[Result] | None = None) -> dict[str, Any]:
    """count, errors by status, rate over the wall time and latency percentiles (ms)."""
    results = load.results if results is None else results
    errors = Counter(str(result.status) for result in results if not result.ok)
    figures = {
        "count": len(results),
        "errors": sum(errors.values()),
        "errors_by_status": dict(sorted(errors.items())),
        "wall_s": round(load.wall, 3),
        "rate_per_s": round(len(results) / load.wall, 1) if load.wall else None,
        "latency_ms": latency_ms(result.latency for result in results),
    }
    if load.stopped_early:
        figures["stopped_early"] = (
            "the scenario's time budget ran out (--budget): fewer requests than planned"
        )
    return figures
