"""Push notifications on the attendee's phone in Chromium. Headless Chromium subscribes only with a
real push service, so this proves the rest: the page offers notifications, its service worker
(/r/sw.js, scope /r/) registers, and a push delivered to it (CDP ServiceWorker.deliverPushMessage,
as a push service would) shows a notification with the pushed title and text. Subscribing and the
encrypted push itself: tests/events/test_web_push.py."""

import json

from playwright.sync_api import expect

from tests.e2e.browser import blocking_violations, new_context

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def registration_of(page, registrations: list[dict], scope: str) -> dict:
    """The service worker registration of `scope` as CDP reported it (its events may come late)."""
    for _attempt in range(50):
        found = [one for one in registrations if one["scopeURL"] == scope and not one["isDeleted"]]
        if found:
            return found[-1]
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker registration for {scope}: {registrations}")


def test_the_attendees_service_worker_shows_a_pushed_notification(server, browser, make_attendee, programme):
    attendee = make_attendee(1, programme["raad"])
    phone = new_context(browser, server, permissions=["notifications"], **PHONE)
    try:
        page = phone.new_page()
        cdp = phone.new_cdp_session(page)
        registrations = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.extend(event["registrations"]),
        )
        cdp.send("ServiceWorker.enable")

        page.goto(f"/r/{attendee.manage_token}/")
        panel = page.locator("#meldingen")
        expect(panel).to_be_visible()
        expect(panel.get_by_role("button", name="Meldingen op deze telefoon aanzetten")).to_be_visible()
        scope = page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
        assert scope == f"{server}/r/"
        ours = registration_of(page, registrations, scope)

        message = {"title": "Nieuwe zaal: Sterke Raad", "body": "Nu in zaal 5.", "url": f"{server}/r/x/"}
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": server, "registrationId": ours["registrationId"], "data": json.dumps(message)},
        )

        shown = page.wait_for_function(
            """async () => {
              const registration = await navigator.serviceWorker.ready;
              const shown = await registration.getNotifications();
              return shown.length ? shown.map((n) => [n.title, n.body, n.data.url]) : null;
            }"""
        ).json_value()
        assert shown == [[message["title"], message["body"], message["url"]]]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert blocking_violations(page) == []
    finally:
        phone.close()
