"""Under the Content-Security-Policy every page works as it is: Chromium reports no violation while
the scripted pages load and run (the live programme, the forms, the dashboard with its chart and
socket, the device list) and the API docs draw their Swagger UI."""

import pytest

from tests.factories import create_offers


def watch_violations(context) -> list[str]:
    """Chromium logs every blocked script, style, socket or worker as a console error."""
    violations: list[str] = []
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


@pytest.fixture
def day(programme):
    create_offers(programme["raad"].round.event)
    return programme


def test_public_pages_run_their_scripts_without_a_violation(anonymous_context, day):
    violations = watch_violations(anonymous_context)
    page = anonymous_context.new_page()
    for path in ["/", "/aanmelden/", "/netwerk/", "/netwerk/muur/", "/privacy/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/aanmelden/")
    page.get_by_role("button", name="Aanmelden").click()  # the error summary takes the focus (forms.js)
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert violations == []


def test_staff_pages_run_their_scripts_without_a_violation(staff_context, day):
    violations = watch_violations(staff_context)
    page = staff_context.new_page()
    page.goto("/dashboard/")
    page.locator("#live-status[data-state='online']").wait_for()  # its socket is open
    for path in ["/dashboard/apparaten/", "/dashboard/lijsten/", "/scan/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []
