"""A walk-in at the registration desk by keyboard alone, timed: `python -m bench.walkin`.

Issue 15 asks that a person not registered is registered, checked in and printed at the desk "in
under 30 s for a person with a keyboard". This drives the real desk page (`/balie/`, a paired desk
browser) in Debian's Chromium against a real daphne: from the desk's start screen, keys only: Tab
to "Niet aangemeld: inloop", Enter, then the first name, last name and e-mail address typed, the
role and the municipality chosen by typing their first letters in the select, Tab to the
(optional) organisation and Enter to send; done
when the page says the badge is printing (its print call counted, no dialog: what Chromium's
`--kiosk-printing` does).

Keys are typed at `--cpm` characters a minute (default 200: an ordinary typist, about 40 words a
minute; each Tab and Enter counts as a key). Figures per run (`--runs`, default 5, a new person
each time): the keys pressed, the typing time those keys take at that pace, the whole time from
the first key to the answer, and the rest (page, server and printing: the whole time less the
typing). Kept in bench/results/walkin.json and printed. It measures; it asserts nothing.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.client import percentile
from bench.common import chromium_context, close_db
from bench.servers import (
    RESULTS,
    Setup,
    daphnes,
    drop_database,
    postgres_available,
    prepare_database,
    setup_django,
)

CPM = 200
RUNS = 5
MUNICIPALITY = "Amersfoort"
ROLE = "Raadslid"
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


def desk_cookie() -> tuple[str, str]:
    """A paired desk's device cookie (name, value), as pairing sets it."""
    from django.http import HttpResponse

    from checkin import presence
    from checkin.models import Device
    from checkin.services import create_device
    from events.models import Event

    _device, token = create_device(event=Event.objects.current(), name="Bench balie", kind=Device.Kind.DESK)
    response = HttpResponse()
    presence.remember_device(response, token)
    close_db()
    return presence.DEVICE_COOKIE, response.cookies[presence.DEVICE_COOKIE].value


def walk_in(page, number: int, delay_ms: float) -> dict:
    """One walk-in from the desk's start screen; keys and times."""
    keys = 0

    def press(key: str, times: int = 1) -> None:
        nonlocal keys
        for _ in range(times):
            page.keyboard.press(key, delay=0)
            page.wait_for_timeout(delay_ms)
            keys += 1

    def type_text(text: str) -> None:
        nonlocal keys
        page.keyboard.type(text, delay=delay_ms)
        keys += len(text)

    page.goto("/balie/")
    page.wait_for_selector("summary")
    answered = page.locator("#desk-answer")
    started = time.perf_counter()
    # From the page's start: Tab until the walk-in's summary has the focus (counted keys).
    for _ in range(40):
        press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.tagName === 'SUMMARY'"):
            break
    press("Enter")
    press("Tab")
    type_text("Inloop")
    press("Tab")
    type_text(f"Bench{number}")
    press("Tab")
    type_text(f"inloop{number}@bench.example")
    press("Tab")
    type_text(ROLE[:4])  # a select jumps to the option that starts with the typed letters
    press("Tab")
    type_text(MUNICIPALITY[:5])
    press("Tab")  # to the organisation (optional); Enter in a text field sends the form
    press("Enter")
    try:
        answered.filter(has_text="ingecheckt").wait_for(timeout=30_000)
    except Exception:
        page.screenshot(path=str(RESULTS / "walkin-failed.png"), full_page=True)
        raise
    page.wait_for_function("window.__prints >= 1", timeout=30_000)
    whole = time.perf_counter() - started
    typing = keys * delay_ms / 1000
    return {
        "keys": keys,
        "typing_s": round(typing, 1),
        "whole_s": round(whole, 1),
        "rest_s": round(whole - typing, 2),
    }


def registered(runs: int) -> list[dict]:
    """What the desk stored for each walk-in: checked in, with the role and municipality typed."""
    from checkin.models import CheckIn
    from events.models import Registration

    stored = []
    for number in range(1, runs + 1):
        registration = Registration.objects.select_related("municipality").get(
            email=f"inloop{number}@bench.example"
        )
        stored.append(
            {
                "role": registration.get_role_display(),
                "municipality": registration.municipality.name if registration.municipality else None,
                "checked_in": CheckIn.objects.filter(registration=registration, workshop=None).exists(),
            }
        )
    close_db()
    return stored


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpm", type=float, default=CPM, help="characters (keys) a minute")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--database", choices=["auto", "sqlite", "postgres"], default="auto")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    database = args.database
    if database == "auto":
        database = "postgres" if postgres_available() else "sqlite"
    delay_ms = 60_000 / args.cpm
    report: dict = {"cpm": args.cpm, "database": database}
    with tempfile.TemporaryDirectory(prefix="dld-bench-walkin-") as workdir:
        # The app's static files as they are (no collectstatic for a bench run).
        setup = Setup(
            database=database, processes=1, workdir=Path(workdir), extra_env={"STATIC_MANIFEST": "0"}
        )
        report.update(prepare_database(setup))
        setup_django(setup)
        try:
            cookie_name, cookie_value = desk_cookie()
            with (
                daphnes(setup, setup.app, 1, "/api/v1/openapi.json") as servers,
                sync_playwright() as playwright,
            ):
                url = f"http://127.0.0.1:{servers[0].port}"
                browser, context = chromium_context(playwright, url)
                context.add_init_script(COUNT_PRINTS)
                context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": url}])
                page = context.new_page()
                runs = [walk_in(page, number, delay_ms) for number in range(1, args.runs + 1)]
                browser.close()
            report["registered"] = registered(args.runs)
        finally:
            close_db()
            drop_database(setup)
    wholes = sorted(run["whole_s"] for run in runs)
    report["runs"] = runs
    report["whole_s"] = {"p50": round(percentile(wholes, 50), 1), "max": wholes[-1]}
    report["rest_s_max"] = max(run["rest_s"] for run in runs)
    report["under_30_s"] = wholes[-1] < 30
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "walkin.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
