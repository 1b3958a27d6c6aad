"""The scanner's pure-JS SHA-256 (for plain-http LAN use, where crypto.subtle is missing) gives the
same hex digests as Python's hashlib, which the offline list is made with."""

import hashlib
from pathlib import Path

from events import badges

SCRIPT = Path(__file__).resolve().parents[2] / "checkin" / "static" / "checkin" / "sha256.js"


def test_the_fallback_digest_matches_hashlib(chromium):
    texts = ["", "abc", badges.new_secret(), "x" * 55, "x" * 56, "x" * 64, "y" * 1000, "Fryslân € 🗳"]
    page = chromium.new_page()
    page.set_content("<!DOCTYPE html><title>sha</title>")
    page.add_script_tag(path=str(SCRIPT))

    fallback = page.evaluate("(texts) => texts.map((t) => window.dldSha256HexFallback(t))", texts)

    assert fallback == [hashlib.sha256(text.encode()).hexdigest() for text in texts]
    page.close()
