"""A local webhook receiver (events.webhooks): checks every signature as a receiver should, can
fail the first attempts, and keeps each delivery it accepted once. The `receiver` fixture
(tests/conftest.py) makes them and shuts them down."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from events import webhooks
from events.models import WebhookEndpoint


class Receiver:
    """A local endpoint that checks each signature as a receiver should, answers 500 to the first
    `fail_first` attempts of every delivery, and keeps each delivery it accepted once."""

    def __init__(self, fail_first: int = 0, status: int = 204, delay: float = 0):
        self.fail_first = fail_first
        self.delay = delay
        self.status = status
        self.secret = ""
        self.attempts: dict[str, int] = {}
        self.accepted: dict[str, dict] = {}
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                time.sleep(receiver.delay)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers["X-DLD-Signature"]
                fields = dict(part.split("=", 1) for part in header.split(","))
                expected = hmac.new(
                    receiver.secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256
                ).hexdigest()
                fresh = abs(time.time() - int(fields["t"])) <= 300
                if not (hmac.compare_digest(expected, fields["v1"]) and fresh):
                    receiver.bad_signatures += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                delivery = self.headers["X-DLD-Delivery"]
                receiver.attempts[delivery] = receiver.attempts.get(delivery, 0) + 1
                if receiver.attempts[delivery] <= receiver.fail_first or receiver.status >= 300:
                    self.send_response(500)
                    self.end_headers()
                    return
                if delivery not in receiver.accepted:
                    receiver.accepted[delivery] = {"event": self.headers["X-DLD-Event"], **json.loads(body)}
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def types(self) -> list[str]:
        return [body["type"] for body in self.accepted.values()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def subscribe(event, receiver: Receiver, events: list[str]) -> WebhookEndpoint:
    endpoint, secret = webhooks.register(event, url=receiver.url, events=events)
    receiver.secret = secret
    return endpoint
