"""The simple formatting of a message to a group: to safe HTML (everything else escaped) and to
plain text; the organisers' preview shows both for one recipient before sending."""

import re

from django.core import mail

from events.messaging import services
from events.messaging.formatting import to_html, to_text
from events.messaging.services import Audience

BODY = (
    "Beste mensen,\nwelkom in **zaal 5**.\n\n"
    "- koffie om 10:00\n- lunch <b>gratis</b>\n\n"
    "Zie https://example.org/programma?dag=1&x=2. <script>alert(1)</script>"
)


def test_to_html_escapes_everything_but_the_formatting():
    assert to_html(BODY) == (
        "<p>Beste mensen,<br>welkom in <strong>zaal 5</strong>.</p>\n"
        "<ul><li>koffie om 10:00</li><li>lunch &lt;b&gt;gratis&lt;/b&gt;</li></ul>\n"
        '<p>Zie <a href="https://example.org/programma?dag=1&amp;x=2">'
        "https://example.org/programma?dag=1&amp;x=2</a>. &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_only_https_addresses_become_links():
    assert to_html('javascript:alert(1) http://x.example "><img src=x onerror=alert(1)>') == (
        "<p>javascript:alert(1) http://x.example &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>"
    )
    assert to_html('https://x.example/"onmouseover="alert(1)') == (
        '<p><a href="https://x.example/">https://x.example/</a>&quot;onmouseover=&quot;alert(1)</p>'
    )


def test_to_text_keeps_the_words_and_lists():
    assert to_text(BODY) == (
        "Beste mensen,\nwelkom in zaal 5.\n\n"
        "- koffie om 10:00\n- lunch <b>gratis</b>\n\n"
        "Zie https://example.org/programma?dag=1&x=2. <script>alert(1)</script>"
    )


def test_the_mail_carries_both_forms(event, programme, make_attendee, django_capture_on_commit_callbacks):
    make_attendee(1, programme["small"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.send_to_group(event, subject="Zaal 5", body=BODY, audience=Audience())

    [sent] = mail.outbox
    html = sent.alternatives[0][0]
    assert "welkom in <strong>zaal 5</strong>." in html
    assert "<li>lunch &lt;b&gt;gratis&lt;/b&gt;</li>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "welkom in zaal 5.\n\n- koffie om 10:00\n- lunch <b>gratis</b>" in sent.body


def test_the_preview_shows_a_sample_in_html_and_text(staff_client, event, programme, make_attendee):
    first = make_attendee(1, programme["small"])
    make_attendee(2, programme["small"])
    staff_client.get("/dashboard/berichten/")

    response = staff_client.post(
        "/dashboard/berichten/",
        {
            "subject": "Zaal 5",
            "body": BODY,
            "action": "preview",
            "csrfmiddlewaretoken": staff_client.cookies["csrftoken"].value,
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dit bericht gaat naar 2 personen" in page
    html_sample = re.search(r'<div class="mail-sample mail-sample-html">(.*?)</div>', page, re.S).group(1)
    assert html_sample.strip() == to_html(BODY)
    text_sample = re.search(r'<pre class="mail-sample">(.*?)</pre>', page, re.S).group(1)
    assert "welkom in zaal 5." in text_sample and "&lt;script&gt;" in text_sample
    assert "<script>alert" not in page
    assert first.manage_token not in page
