"""After the day, on a phone (390 × 844) and a laptop (1366 × 900): the attendee rates the session
they were scanned into from their own page, downloads their certificate, and the certificate's
code checks out on the public page; nothing scrolls sideways."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from checkin.models import CheckIn
from events import services
from events.certificates.models import Certificate
from events.feedback.models import Feedback
from events.feedback.services import give_feedback, make_speaker_link
from events.models import Event, Round, Speaker
from tests.clock import event_day
from tests.e2e.browser import blocking_violations

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
# Set to a folder to keep screenshots of the pages for a look.
SHOTS = os.environ.get("E2E_SHOTS", "")


@pytest.fixture
def yesterday(event, programme):
    """The test day moved to yesterday (the daphne process runs on the real clock)."""
    shift = timedelta(days=(event_day() - timezone.localdate()).days + 1)
    for round_ in Round.objects.filter(event=event):
        Round.objects.filter(pk=round_.pk).update(
            starts_at=round_.starts_at - shift, ends_at=round_.ends_at - shift
        )
    Event.objects.filter(pk=event.pk).update(date=event.date - shift)
    return programme


@pytest.fixture
def attendee(event, yesterday, municipalities):
    registration, token = services.register(
        event=event,
        first_name="Lotte",
        last_name="Visser-van den Berghe",
        email="lotte.visser@amersfoort.example",
        role="raadslid",
        municipality=municipalities["GM0307"],
        workshops=[yesterday["raad"]],
    )
    opening = Round.objects.get(event=event, kind="plenary")
    CheckIn.objects.create(registration=registration, workshop=None, checked_in_at=opening.starts_at)
    raad = yesterday["raad"]
    raad.refresh_from_db()
    CheckIn.objects.create(registration=registration, workshop=raad, checked_in_at=raad.round.starts_at)
    return registration, token


def page_at(browser, server, viewport):
    context = browser.new_context(
        base_url=server, viewport=viewport, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_rate_the_session_get_the_certificate_and_check_it(browser, server, attendee, yesterday, viewport):
    registration, token = attendee
    context, page = page_at(browser, server, viewport)
    try:
        page.goto(f"/r/{token}/")
        panel = page.locator(".feedback-panel")
        expect(panel.get_by_role("heading", name="Wat vond u ervan?")).to_be_visible()
        assert no_sideways_scroll(page)
        assert blocking_violations(page) == []
        form = panel.locator("form.feedback-form")
        expect(form).to_have_count(1)
        form.locator("label.rating-option", has_text="4").click()
        form.get_by_label("Opmerking").fill("Veel geleerd over raadsonderzoek.")
        shot(page, f"feedback-{viewport['width']}")
        form.get_by_role("button", name="Feedback versturen").click()
        expect(page.get_by_text("Dank u wel, uw feedback is opgeslagen.")).to_be_in_viewport()
        assert list(Feedback.objects.values_list("rating", "comment")) == [
            (4, "Veel geleerd over raadsonderzoek.")
        ]
        expect(page.locator("form.feedback-form input[value='4']")).to_be_checked()

        certificate_link = page.get_by_role("link", name="Mijn bewijs downloaden (pdf)")
        expect(certificate_link).to_be_visible()
        pdf = page.request.get(certificate_link.get_attribute("href"))
        assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
        assert pdf.body().startswith(b"%PDF")

        code = Certificate.objects.get(registration=registration).code
        page.goto(f"/certificaat/{code}/")
        expect(page.get_by_text("Dit bewijs is geldig.")).to_be_visible()
        expect(page.locator(".certificate-name")).to_have_text("Lotte Visser-van den Berghe")
        expect(page.locator(".certificate-sessions li")).to_have_count(2)
        assert no_sideways_scroll(page)
        assert blocking_violations(page) == []
        shot(page, f"verify-{viewport['width']}")
    finally:
        context.close()


def test_the_results_for_organisers_and_speakers_read_well_on_a_phone(
    staff_context, anonymous_context, event, attendee, yesterday
):
    registration, _token = attendee
    raad = yesterday["raad"]
    speaker = Speaker.objects.create(event=event, name="Sanne Spreker")
    raad.speakers.add(speaker)
    give_feedback(registration, raad.pk, rating=5, comment="Een lange opmerking " * 20)
    speaker_token = make_speaker_link(speaker, raad)

    for context, path in [
        (staff_context, "/dashboard/feedback/"),
        (staff_context, f"/dashboard/feedback/{raad.pk}/"),
        (anonymous_context, f"/spreker/{speaker_token}/"),
    ]:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page.goto(path)
        expect(page.locator("h1")).to_contain_text("Feedback")
        assert no_sideways_scroll(page), path
        assert blocking_violations(page) == [], path
        shot(page, "results" + path.replace("/", "-")[:30])
        page.close()
