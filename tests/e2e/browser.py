"""The browser tests' one Chromium: where it is, how it is launched, how long it waits, browser
contexts as a visitor, an organiser or a phone has them, and the checks run on a page (axe-core,
sideways overflow), a page opened live (its socket's snapshot in). The fixtures built on it are in tests/e2e/conftest.py."""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from events import live

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MISSING_CHROMIUM = f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium"

# Generous enough for a loaded CI machine; a healthy run needs well under a second per step.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def launch(playwright, *extra_args: str):
    """A headless Chromium; `extra_args` for a test that needs more (a fake camera)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
    )


def new_context(browser, server: str, **options):
    """A browser context on `server` as a Dutch visitor has it (Amsterdam time); `options` as
    Playwright's `new_context` takes them (viewport, permissions, has_touch, …)."""
    context = browser.new_context(
        **{"base_url": server, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam", **options}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def open_live(page, path: str, socket_path: str) -> None:
    """Open `path` and wait for the snapshot of its socket on `socket_path` (a frame's socket too):
    the server joins the live group before it sends the snapshot, so later changes reach the page.
    The listener is attached before `goto`, since the frame can arrive while it still runs. Marks
    the window (`__noReload`) so that a test can tell the page was never reloaded."""
    frames: list[str] = []

    def listen(socket):
        if socket.url.endswith(socket_path):
            socket.on("framereceived", lambda payload: frames.append(str(payload)))

    page.on("websocket", listen)
    page.goto(path)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not any('"snapshot"' in frame for frame in frames):
        assert time.monotonic() < deadline, f"{path} got no snapshot over {socket_path}"
        page.wait_for_timeout(50)
    page.evaluate("window.__noReload = true")


def log_in(context, server: str, user) -> None:
    """Give the context the session of `user`, made in the test process (no login form)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            }
        ]
    )


AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")
# The narrowest screen WCAG reflow asks for (1280 px at 400 % zoom).
NARROW = {"width": 320, "height": 640}

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => ({id: violation.id, targets: violation.nodes.map((node) => node.target.join(' '))}));
}"""


def blocking_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe finds in the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(AXE_RUN, AXE_TAGS)


def overflowing(page, width: int = NARROW["width"]) -> list[str]:
    """The innermost visible elements that stick out to the right of a viewport `width` wide
    (content of a region that scrolls by itself, such as a wide data table, does not count)."""
    return page.evaluate(
        """(limit) => {
          const scrollsItself = (element) => {
            for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
              if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(parent).overflowX)) return true;
            }
            return false;
          };
          const wide = [...document.body.querySelectorAll('*')].filter((element) => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && box.right > limit && getComputedStyle(element).position !== 'fixed' && !scrollsItself(element);
          });
          return wide
            .filter((element) => !wide.some((other) => other !== element && element.contains(other)))
            .map((element) => element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).trim().replace(/\\s+/g, '.') : '') + (element.id ? '#' + element.id : ''));
        }""",
        width + 1,
    )


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tab_to(page, element_id: str, limit: int = 200) -> None:
    """Press Tab until the element has the focus, as someone without a mouse does."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}: {page.inner_text('main')[:500]}")


def type_by_keyboard(page, values: dict[str, str]) -> None:
    """Tab to each field in turn and type its value (in a select: the option's first letters)."""
    for element_id, value in values.items():
        tab_to(page, element_id)
        page.keyboard.type(value)


def publish_workshop(workshop, **figures) -> None:
    """The `workshop` event as the server builds it now, with `figures` put in; from this process
    (Redis carries it to the server's sockets) and in a thread: async_to_sync refuses to run
    beside Playwright's event loop."""
    [(groups, message)] = live.workshop_messages([workshop.pk])
    message["workshop"].update(figures)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(live.publish_batch, [(groups, message)]).result()

