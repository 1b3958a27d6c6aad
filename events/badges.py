"""QR badges. The code holds `DLD1:` and the badge secret, nothing else (no id, name or e-mail)."""

import base64
import io
import secrets
from functools import lru_cache

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathImage

PAYLOAD_PREFIX = "DLD1:"


def new_secret() -> str:
    """160 random bits in base32: upper case and digits keep the QR in its compact alphanumeric mode."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def payload(secret: str) -> str:
    return PAYLOAD_PREFIX + secret


def secret_from_payload(text: str) -> str:
    """What a scanner read or a person typed → the secret. Accepts the bare secret too."""
    text = text.strip()
    if text.upper().startswith(PAYLOAD_PREFIX):
        text = text[len(PAYLOAD_PREFIX) :]
    return text.strip().upper()


def _qr(secret: str) -> qrcode.QRCode:
    return _qr_of(payload(secret))


def _qr_of(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    return code


# Rendering costs a few milliseconds; a badge is drawn for the e-mail, the page and the print
# sheet, so each process keeps the recent ones.
@lru_cache(maxsize=4096)
def qr_png(secret: str) -> bytes:
    buffer = io.BytesIO()
    _qr(secret).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


@lru_cache(maxsize=4096)
def qr_svg(secret: str) -> str:
    return _qr(secret).make_image(image_factory=SvgPathImage).to_string(encoding="unicode")


def link_svg(url: str) -> str:
    """A QR of a link (e.g. a scanner's one-time pairing URL) as SVG; not cached, links are one-off."""
    return _qr_of(url).make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
