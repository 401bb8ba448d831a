"""Helpers of the observability end-to-end tests: metrics samples, SSE events, a webhook sink."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families


def parse_metrics(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus exposition: (name, labels) -> value."""
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def sample(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    """One sample's value; 0 when the series does not exist (a counter never incremented)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(http: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = await http.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return parse_metrics(r.text)


@dataclass
class SseEvent:
    name: str
    data: dict[str, Any]
    received: float  # time.monotonic() on arrival


@dataclass
class EventFeed:
    """Events read so far from GET /api/events by a background task."""

    events: list[SseEvent] = field(default_factory=list)

    def named(self, name: str) -> list[SseEvent]:
        return [e for e in self.events if e.name == name]


@contextlib.asynccontextmanager
async def event_feed(base_url: str) -> AsyncIterator[EventFeed]:
    """Subscribe to the SSE feed; yields once the first event (a summary) has arrived."""
    feed = EventFeed()
    connected = asyncio.Event()

    async def read() -> None:
        async with (
            httpx.AsyncClient(base_url=base_url, timeout=None) as http,
            http.stream("GET", "/api/events") as r,
        ):
            assert r.status_code == 200
            name, data = "message", ""
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif line == "" and data:
                    feed.events.append(SseEvent(name, json.loads(data), time.monotonic()))
                    connected.set()
                    name, data = "message", ""

    task = asyncio.create_task(read())
    try:
        async with asyncio.timeout(20):
            waiter = asyncio.create_task(connected.wait())
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        if task.done():
            task.result()  # surface why the feed ended before its first event
        yield feed
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@dataclass
class Received:
    payload: dict[str, Any]
    at: float  # time.time() on arrival


class WebhookSink:
    """A tiny HTTP receiver on 127.0.0.1 that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sink.received.append(Received(json.loads(body), time.time()))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    @contextlib.contextmanager
    def running(self) -> Iterator[WebhookSink]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(5)

    def states(self) -> list[str]:
        return [r.payload["state"] for r in self.received]
