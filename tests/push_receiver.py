"""A local Web Push service (events.webpush.push) with browsers on it: each `browser()` has its own
P-256 key pair and auth secret, as a browser makes them when it subscribes. A push is checked as a
push service and the browser would: the VAPID JWT (RFC 8292) verified with the key in the
Authorization header, which must be the site's public key, then the aes128gcm body (RFC 8291)
decrypted with the browser's private key and auth secret. The `push_service` fixture
(tests/conftest.py) makes one and shuts it down."""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscribed browser: its endpoint on the push service, its keys, what it received."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))
    status: int = 201  # what the push service answers for it (410: gone, 500: trouble)
    received: list[dict] = field(default_factory=list)
    ttls: list[int] = field(default_factory=list)

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self) -> dict:
        """What `PushSubscription.toJSON()` gives the page."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


def verify_vapid(authorization: str, endpoint: str) -> None:
    """`vapid t=<JWT>, k=<public key>`: the key is the site's, the JWT signed with it (ES256), for
    this push service's origin, not expired, with the site's contact. Raises ValueError otherwise."""
    scheme, _space, rest = authorization.partition(" ")
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    if scheme.lower() != "vapid" or fields.get("k") != settings.VAPID_PUBLIC_KEY:
        raise ValueError("not the site's VAPID key")
    header, claims, signature = fields["t"].split(".")
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise ValueError("bad VAPID signature") from error
    if json.loads(unb64url(header)).get("alg") != "ES256":
        raise ValueError("not ES256")
    body = json.loads(unb64url(claims))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(endpoint))
    if (
        body.get("aud") != origin
        or body.get("exp", 0) <= time.time()
        or body.get("sub") != settings.VAPID_SUBJECT
    ):
        raise ValueError(f"bad VAPID claims: {body}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many pushes at once (a pool of senders, the bench) wait, not refused


class PushService:
    """A push service on 127.0.0.1. `refused` counts pushes whose VAPID or encryption was wrong;
    `delay` (seconds) is how long it takes to answer each push, as a push service across the
    internet does; `most_at_once` is the largest number of pushes it was handling at the same time."""

    def __init__(self, delay: float = 0.0):
        self.browsers: dict[str, Browser] = {}
        self.refused = 0
        self.delay = delay
        self.at_once = 0
        self.most_at_once = 0
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                with service.lock:
                    service.at_once += 1
                    service.most_at_once = max(service.most_at_once, service.at_once)
                try:
                    if service.delay:
                        time.sleep(service.delay)
                    status = self.receive()
                finally:  # counted off before it answers: the sender's next push may follow at once
                    with service.lock:
                        service.at_once -= 1
                self.answer(status)

            def receive(self) -> int:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                browser = service.browsers.get(self.path)
                if browser is None:
                    return 404
                try:
                    verify_vapid(self.headers["Authorization"], browser.endpoint)
                    if self.headers["Content-Encoding"] != "aes128gcm":
                        raise ValueError("not aes128gcm")
                    plain = http_ece.decrypt(
                        body,
                        private_key=browser.private_key,
                        auth_secret=browser.auth_secret,
                        version="aes128gcm",
                    )
                except (ValueError, KeyError, TypeError):
                    with service.lock:
                        service.refused += 1
                    return 400
                if browser.status < 300:
                    with service.lock:
                        browser.received.append(json.loads(plain))
                        browser.ttls.append(int(self.headers["TTL"]))
                return browser.status

            def answer(self, status: int):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def browser(self, status: int = 201) -> Browser:
        path = f"/push/{len(self.browsers) + 1}"
        made = Browser(endpoint=self.url + path, status=status)
        self.browsers[path] = made
        return made

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
