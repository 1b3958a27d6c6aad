"""The map of the Netherlands on the wall, measured: `python -m bench.map`.

Issue 18 asks for three figures of the map (342 municipalities, drawn by the server into the wall
page, `templates/networking/_map.html`, kept live by `networking/static/networking/map.js`):

1. **Data size**: the boundaries file shipped in the project (`networking/data/*.topojson`), the
   map's `<svg>` as the wall page carries it, and the whole wall page, raw and gzipped, next to
   the baseline of the same wall page without the map section.
2. **Render time of the wall** in Debian's Chromium (headless, /usr/bin/chromium, bench.common.chromium_context) against a real
   daphne: from navigation start to the map's SVG having all its paths (a MutationObserver in the
   page, `performance.now()`), and to the first frame after that (two animation frames), per run
   (`--runs`, default 7, a new page each time). Baseline in the same run: the same wall page
   served without the map section (the response rewritten in the browser's route; both variants
   go through the same route so they pay the same), to its DOMContentLoaded and first frame.
3. **Live update**: `--signups` municipalities (default 100, one at a time) are signed up for the
   network through `POST /api/v1/signups`; the clock runs from writing the request (the bench's
   wall clock, ms since the epoch) to the moment the open wall page saw the municipality's path
   change its class (a MutationObserver, `performance.timeOrigin + performance.now()`: the same
   machine's clock). p50/p95/p99/max, and the POST's own answer time for comparison.

SQLite by default (a file in a temp dir: the shared PostgreSQL `dld_bench` may be in use by the
other bench runs); `--database postgres` for PostgreSQL. Kept in bench/results/map.json and
printed. It measures; it asserts nothing.
"""

import argparse
import contextlib
import gzip
import json
import os
import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.client import percentile
from bench.common import chromium_context, close_db
from bench.servers import RESULTS, Setup, daphnes, drop_database, prepare_database, setup_django

BOUNDARIES = Path(__file__).resolve().parent.parent / "networking" / "data" / "gemeenten-2023.topojson"
RUNS = 7
SIGNUPS = 100
WALL = "/netwerk/muur/"
MAP_SECTION = re.compile(r'<section class="nl-map".*?</section>', re.DOTALL)
SVG = re.compile(r'<svg class="map-svg".*?</svg>', re.DOTALL)

# Installed before the page's own scripts: when the map's paths are all there, and when each
# municipality's path changed its class (what map.js does on a `signup` message).
OBSERVE = """
window.__bench = {expected: 0, pathsAt: null, paintedAt: null, dclPaintedAt: null, changed: {}};
const frame = (then) => requestAnimationFrame(() => requestAnimationFrame(then));
document.addEventListener("DOMContentLoaded", () => frame(() => {
  window.__bench.dclPaintedAt = performance.now();
}));
new MutationObserver((mutations) => {
  const bench = window.__bench;
  const svg = document.querySelector(".map-svg");
  if (svg && bench.pathsAt === null && bench.expected && svg.childElementCount >= bench.expected) {
    bench.pathsAt = performance.now();
    frame(() => { bench.paintedAt = performance.now(); });
  }
  for (const mutation of mutations) {
    const target = mutation.target;
    if (mutation.type === "attributes" && target.dataset && target.dataset.code
        && !(target.dataset.code in bench.changed)) {
      bench.changed[target.dataset.code] = performance.timeOrigin + performance.now();
    }
  }
}).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ["class"]});
"""


def sizes(body: bytes) -> dict:
    return {"raw_bytes": len(body), "gzip_bytes": len(gzip.compress(body, compresslevel=6))}


def municipality_codes(count: int) -> tuple[list[str], int]:
    """`count` municipality codes that have an outline on the map, and how many outlines it has."""
    from networking.geo import boundaries

    codes = [outline.code for outline in boundaries().outlines]
    close_db()
    return codes[:count], len(codes)


def data_sizes(url: str) -> tuple[dict, str]:
    with urllib.request.urlopen(url + WALL) as response:
        page = response.read()
    html = page.decode()
    svg = SVG.search(html).group(0).encode()
    without = MAP_SECTION.sub("", html, count=1).encode()
    return {
        "boundaries_file": {"name": BOUNDARIES.name, **sizes(BOUNDARIES.read_bytes())},
        "map_svg_in_page": sizes(svg),
        "wall_page": sizes(page),
        "baseline_wall_page_without_map": sizes(without),
    }, html


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "p50": round(percentile(ordered, 50), 1),
        "p95": round(percentile(ordered, 95), 1),
        "p99": round(percentile(ordered, 99), 1),
        "max": round(ordered[-1], 1),
        "mean": round(sum(ordered) / len(ordered), 1),
    }


def render_runs(context, url: str, areas: int, runs: int) -> dict:
    """Navigation → all paths (with the map) / DOMContentLoaded (baseline), and the frame after."""
    strip = {"on": False}

    def serve(route):
        response = route.fetch()
        body = response.text()
        if strip["on"]:
            body = MAP_SECTION.sub("", body, count=1)
        route.fulfill(response=response, body=body)

    context.route(f"{url}{WALL}", serve)
    figures: dict[str, list] = {"map_paths_ms": [], "map_painted_ms": [], "baseline_painted_ms": []}
    navigation: dict[str, list] = {"with_map": [], "baseline": []}
    for _ in range(runs):
        for variant in ("with_map", "baseline"):
            strip["on"] = variant == "baseline"
            page = context.new_page()
            page.add_init_script(
                f"{OBSERVE}\nwindow.__bench.expected = {areas if variant == 'with_map' else 0};"
            )
            page.goto(WALL, wait_until="load")
            if variant == "with_map":
                page.wait_for_function("window.__bench.paintedAt !== null", timeout=30_000)
                bench = page.evaluate("window.__bench")
                figures["map_paths_ms"].append(bench["pathsAt"])
                figures["map_painted_ms"].append(bench["paintedAt"])
                assert page.locator(".map-svg path").count() == areas
            else:
                page.wait_for_function("window.__bench.dclPaintedAt !== null", timeout=30_000)
                figures["baseline_painted_ms"].append(page.evaluate("window.__bench.dclPaintedAt"))
            timing = page.evaluate(
                "(() => { const n = performance.getEntriesByType('navigation')[0];"
                " return {response_end: n.responseEnd, dom_content_loaded: n.domContentLoadedEventEnd,"
                " load: n.loadEventEnd}; })()"
            )
            navigation[variant].append(timing)
            page.close()
    context.unroute(f"{url}{WALL}")
    return {
        "runs": runs,
        "with_map": {
            "navigation_to_all_paths_ms": summary(figures["map_paths_ms"]),
            "navigation_to_frame_after_paths_ms": summary(figures["map_painted_ms"]),
            "response_end_ms": summary([n["response_end"] for n in navigation["with_map"]]),
            "dom_content_loaded_ms": summary([n["dom_content_loaded"] for n in navigation["with_map"]]),
            "load_ms": summary([n["load"] for n in navigation["with_map"]]),
        },
        "baseline_without_map": {
            "navigation_to_frame_after_dom_content_loaded_ms": summary(figures["baseline_painted_ms"]),
            "response_end_ms": summary([n["response_end"] for n in navigation["baseline"]]),
            "dom_content_loaded_ms": summary([n["dom_content_loaded"] for n in navigation["baseline"]]),
            "load_ms": summary([n["load"] for n in navigation["baseline"]]),
        },
    }


def post_signup(url: str, code: str, number: int) -> float:
    """Sign `code` up for the network through the API; the answer's time in ms."""
    body = json.dumps(
        {
            "municipality": code,
            "contact_name": f"Griffie {number}",
            "contact_email": f"griffie{number}@bench.example",
            "offers": ["netwerk-digitale-democratie"],
        }
    ).encode()
    request = urllib.request.Request(
        url + "/api/v1/signups", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        assert response.status == 201, response.status
    return (time.perf_counter() - started) * 1000


def live_updates(context, url: str, codes: list[str]) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = context.new_page()
    page.add_init_script(OBSERVE)
    page.goto(WALL, wait_until="load")
    # The socket's snapshot first: the wall is live once it has it (network.js marks the page).
    page.wait_for_timeout(1500)
    sent, answers = {}, []
    for number, code in enumerate(codes, start=1):
        sent[code] = time.time() * 1000
        answers.append(post_signup(url, code, number))
        # One at a time: the next signup once this one's path changed (polled, not per frame).
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                "(code) => code in window.__bench.changed", arg=code, polling=10, timeout=10_000
            )
        page.wait_for_timeout(20)
    changed = page.evaluate("window.__bench.changed")
    missing = [code for code in codes if code not in changed]
    delays = [changed[code] - sent[code] for code in codes if code in changed]
    colour = page.evaluate(
        f"getComputedStyle(document.querySelector('.map-svg path[data-code=\"{codes[0]}\"]')).fill"
    )
    blank = page.evaluate("getComputedStyle(document.querySelector('.map-svg path:not([class])')).fill")
    report = {
        "signups": len(codes),
        "missing": len(missing),
        "missing_codes": missing,
        "post_to_path_changed_ms": summary(delays),
        "post_answer_ms": summary(answers),
        "signed_up_fill": colour,
        "not_yet_fill": blank,
    }
    page.close()
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--signups", type=int, default=SIGNUPS)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    report: dict = {"database": args.database, "load_average_before": list(os.getloadavg())}
    with tempfile.TemporaryDirectory(prefix="dld-bench-map-") as workdir:
        setup = Setup(
            database=args.database, processes=1, workdir=Path(workdir), extra_env={"STATIC_MANIFEST": "0"}
        )
        report.update(prepare_database(setup))
        setup_django(setup)
        try:
            codes, areas = municipality_codes(args.signups)
            report["municipalities_on_map"] = areas
            with (
                daphnes(setup, setup.app, 1, "/api/v1/openapi.json") as servers,
                sync_playwright() as playwright,
            ):
                url = f"http://127.0.0.1:{servers[0].port}"
                report["data_size"], _html = data_sizes(url)
                browser, context = chromium_context(playwright, url)
                # Warm-up, not measured: templates, the boundaries' cache, static files.
                warm = context.new_page()
                warm.goto(WALL, wait_until="load")
                warm.close()
                report["render"] = render_runs(context, url, areas, args.runs)
                report["live_update"] = live_updates(context, url, codes)
                browser.close()
        finally:
            close_db()
            drop_database(setup)
    report["load_average_after"] = list(os.getloadavg())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "map.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
