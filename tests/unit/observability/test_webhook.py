"""WebhookNotifier against a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from modules.observability.webhook import WebhookNotifier
from modules.util.redact import redact_url
from tests.support.polling import wait_for


class Receiver:
    """Records POSTed JSON bodies; answers with the next queued status (200 when empty)."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.statuses: list[int] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.paths.append(self.path)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if status == 200:
                    receiver.bodies.append(json.loads(body))
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                receiver.paths.append("GET " + self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=secret"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rx = Receiver()
    rx.thread.start()
    yield rx
    rx.server.shutdown()
    rx.server.server_close()
    rx.thread.join()


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_delivers_json(receiver: Receiver) -> None:
    async with WebhookNotifier(receiver.url, timeout_s=2, retries=0) as hook:
        hook.notify({"rule": "errors", "state": "firing", "value": 0.4})
        await wait_for(lambda: hook.delivered == 1)
    assert receiver.bodies == [{"rule": "errors", "state": "firing", "value": 0.4}]
    assert receiver.paths == ["/hook?token=secret"]


async def test_retries_after_a_server_error(receiver: Receiver) -> None:
    receiver.statuses = [500, 503]
    async with WebhookNotifier(
        receiver.url, timeout_s=2, retries=3, backoff_s=(0.01, 0.02)
    ) as hook:
        hook.notify({"n": 1})
        await wait_for(lambda: hook.delivered == 1)
        assert hook.failed == 0
    assert len(receiver.paths) == 3 and receiver.bodies == [{"n": 1}]


async def test_client_error_is_not_retried(receiver: Receiver) -> None:
    receiver.statuses = [400]
    async with WebhookNotifier(receiver.url, timeout_s=2, retries=3, backoff_s=(0.01,)) as hook:
        hook.notify({"n": 1})
        await wait_for(lambda: hook.failed == 1)
    assert len(receiver.paths) == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_not_followed(receiver: Receiver, status: int) -> None:
    receiver.statuses = [status]
    async with WebhookNotifier(receiver.url, timeout_s=2, retries=3, backoff_s=(0.01,)) as hook:
        hook.notify({"n": 1})
        await wait_for(lambda: hook.failed == 1)
    assert receiver.paths == ["/hook?token=secret"]  # no GET (or POST) to the new place


async def test_dead_webhook_never_blocks_and_hides_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"http://127.0.0.1:{_dead_port()}/hook?token=secret"
    hook = WebhookNotifier(url, timeout_s=1, retries=2, max_queue=10, backoff_s=(0.01,))
    hook.start()
    started = time.perf_counter()
    for i in range(1000):
        hook.notify({"n": i})
    assert time.perf_counter() - started < 0.5
    assert hook.pending <= 10 and hook.dropped >= 990
    await wait_for(lambda: hook.failed >= 1)
    await hook.close(grace_s=0.1)
    await hook.close()  # idempotent
    hook.notify({"late": True})  # after close: counted, never raises
    assert "secret" not in caplog.text
    assert "127.0.0.1" in caplog.text  # failures are logged, with the redacted URL


def test_rejects_non_http_urls_and_redacts() -> None:
    with pytest.raises(ValueError):
        WebhookNotifier("file:///etc/passwd")
    assert redact_url("https://user:pw@example.com:8443/a/b?token=x#f") == (
        "https://example.com:8443/…"
    )
