"""The programme embedded in another site (issue 19), in Chromium: a page on another origin (a second
local HTTP server) includes events/static/events/embed.js; the iframe renders the programme, is
sized to it, fits 320 px, and follows a workshop moved live. A site not in EMBED_ALLOWED_ORIGINS
gets no programme in its frame."""

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from events.services import create_api_token
from tests.e2e.browser import TIMEOUT_MS, new_context, open_live
from tests.live import daphne

FRAME = "iframe[data-dld-programme]"


class OtherSite:
    """A municipality's site on 127.0.0.1 (another port: another origin) whose page pastes the snippet."""

    def __init__(self):
        self.script_url = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = (
                    "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
                    "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                    "<title>Gemeente Voorbeeld</title></head><body>"
                    "<h1>Gemeente Voorbeeld</h1><p>Het programma van de dag:</p>"
                    f"<script src='{site.script_url}' async></script>"
                    "<p id='after'>Onder het programma.</p></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_site():
    site = OtherSite()
    yield site
    site.close()


@pytest.fixture
def embedding_server(transactional_db, other_site):
    """Our site, allowing the other site (127.0.0.1:<its port>) to frame the programme."""
    with daphne(env={"EMBED_ALLOWED_ORIGINS": f"http://127.0.0.1:{other_site.port}"}) as url:
        other_site.script_url = f"{url}/static/events/embed.js"
        yield url


def open_other_site(browser, embedding_server, url: str, width: int, *, live: bool = True):
    """The other site's page in a new browser context; with `live`, once the embedded programme's
    socket sent its snapshot (later changes reach it)."""
    context = new_context(browser, embedding_server, viewport={"width": width, "height": 700})
    page = context.new_page()
    if live:
        open_live(page, url, "/ws/programme/")
    else:
        page.goto(url)
    return context, page


def test_another_site_embeds_the_live_programme(browser, embedding_server, other_site, programme, staff_user):
    small, raad = programme["small"], programme["raad"]
    context, page = open_other_site(
        browser, embedding_server, f"http://127.0.0.1:{other_site.port}/", width=320
    )
    try:
        # The frame sits where the snippet was pasted, and shows the programme.
        frame_element = page.locator(FRAME)
        expect(frame_element).to_have_attribute("src", f"{embedding_server}/programma/embed/")
        assert (
            page.evaluate("document.querySelector('iframe[data-dld-programme]').nextElementSibling.id")
            == "after"
        )
        embed = page.frame_locator(FRAME)
        expect(embed.locator(f'li.session[data-workshop="{raad.pk}"] h3')).to_have_text(raad.title)
        expect(embed.locator(f'li.session[data-workshop="{raad.pk}"] [data-seats]')).to_have_text(
            "nog 40 plekken"
        )

        # Sized to the programme (the page inside posted its height), nothing wider than 320 px.
        inner = page.frame(url=f"{embedding_server}/programma/embed/")
        inner.evaluate("window.__noReload = true")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            content = inner.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
            height = frame_element.evaluate("frame => frame.getBoundingClientRect().height")
            if abs(height - content) <= 1:
                break
            assert time.monotonic() < deadline, (height, content)
            page.wait_for_timeout(50)
        assert height > 300
        assert inner.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True

        # An organiser's script moves the small workshop to the second round, in the big hall.
        token = create_api_token(staff_user, name="Planning", scopes=["programme"])[1]
        request = urllib.request.Request(
            f"{embedding_server}/api/v1/workshops/{small.pk}",
            data=json.dumps(
                {"round": programme["rounds"]["second"].pk, "room": programme["rooms"]["hall"].pk}
            ).encode(),
            method="PATCH",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

        second = embed.locator(f'[data-round="{programme["rounds"]["second"].pk}"]')
        expect(second.locator(f'li.session[data-workshop="{small.pk}"] [data-room]')).to_have_text(
            "Grote Zaal"
        )
        expect(embed.locator(f'[data-round="{programme["rounds"]["first"].pk}"] li.session')).to_have_count(1)
        assert inner.evaluate("window.__noReload") is True  # the frame followed without a reload
    finally:
        context.close()


def test_a_site_that_is_not_allowed_gets_no_programme(browser, embedding_server, other_site, programme):
    # localhost is another origin than the allowed http://127.0.0.1:<port>, on the same server.
    context, page = open_other_site(
        browser, embedding_server, f"http://localhost:{other_site.port}/", width=390, live=False
    )
    try:
        expect(page.locator(FRAME)).to_have_count(1)
        # Chromium refuses the frame (frame-ancestors) and shows its error page in it instead.
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not (urls := [frame.url for frame in page.frames[1:] if frame.url not in ("", "about:blank")]):
            assert time.monotonic() < deadline, "the frame never navigated"
            page.wait_for_timeout(50)
        assert urls == ["chrome-error://chromewebdata/"]
    finally:
        context.close()
