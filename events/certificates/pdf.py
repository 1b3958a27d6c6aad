"""The certificate of attendance as a PDF (reportlab: pure Python, no system libraries).

Texts in the attendee's language, times in the event's zone, the date written out ("maandag 11
januari 2027"). The text is real text (not an image), so it can be read back and searched."""

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import qrcode
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from events.certificates.models import Certificate
from events.certificates.services import AttendedSession, attended_sessions, total_minutes
from events.links import absolute_url
from events.models import Role
from events.times import clock

# DejaVu covers every letter a Dutch (or Polish, Turkish …) name may hold; the PDF core font
# Helvetica only Latin-1. Debian's fonts-dejavu-core puts it here; without it, Helvetica.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BLUE = (0x17 / 255, 0x3F / 255, 0x6E / 255)


def _fonts() -> tuple[str, str]:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


def duration(minutes: int) -> str:
    """ "45 minuten", "1 uur", "2 uur en 15 minuten"."""
    hours, rest = divmod(minutes, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest}
    if hours and rest:
        return _("%(hours)s and %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}
    return hours_text if hours else minutes_text


def verification_url(certificate: Certificate) -> str:
    return absolute_url(reverse("certificates:verify", args=[certificate.code]))


def _qr_image(url: str) -> ImageReader:
    buffer = io.BytesIO()
    qrcode.make(url, border=1).save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _line(session: AttendedSession) -> tuple[str, str, str]:
    return (
        f"{clock(session.starts_at)}–{clock(session.ends_at)}",
        f"{session.workshop.title} ({session.workshop.room.name})",
        duration(session.minutes),
    )


def render(certificate: Certificate) -> bytes:
    registration = certificate.registration
    event = registration.event
    sessions = attended_sessions(registration)
    regular, bold = _fonts()
    buffer = io.BytesIO()
    with translation.override(registration.language), timezone.override(ZoneInfo(event.timezone)):
        title = _("Certificate of attendance")
        pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
        pdf.setTitle(f"{title} – {registration.full_name}")
        pdf.setAuthor(event.name)
        width, height = A4
        left, y = 25 * mm, height - 35 * mm
        pdf.setFillColorRGB(*BLUE)
        pdf.setFont(bold, 26)
        pdf.drawString(left, y, title)
        pdf.setFillColorRGB(0, 0, 0)
        y -= 22 * mm
        pdf.setFont(bold, 20)
        pdf.drawString(left, y, registration.full_name)
        y -= 10 * mm
        pdf.setFont(regular, 12)
        # Role and municipality, as on the badge ("Other" says nothing, so it is left out).
        role = registration.get_role_display() if registration.role != Role.OTHER else ""
        if who := ", ".join(part for part in (role, registration.affiliation) if part):
            pdf.drawString(left, y, who)
            y -= 10 * mm
        pdf.drawString(left, y, _("took part in %(event)s") % {"event": event.name})
        y -= 6 * mm
        day = formats.date_format(event.date, "l j F Y")
        pdf.drawString(left, y, _("on %(date)s at %(venue)s") % {"date": day, "venue": event.full_address})
        y -= 14 * mm
        pdf.setFont(bold, 13)
        pdf.drawString(left, y, _("Sessions attended"))
        y -= 8 * mm
        # Titles wrap between the times and the durations.
        title_width = width - 25 * mm - left - 28 * mm - 40 * mm
        for time_range, what, length in map(_line, sessions):
            pdf.setFont(regular, 11)
            pdf.drawString(left, y, time_range)
            pdf.drawRightString(width - 25 * mm, y, length)
            for part in simpleSplit(what, regular, 11, title_width):
                pdf.drawString(left + 28 * mm, y, part)
                y -= 5 * mm
            y -= 2 * mm
            if y < 80 * mm:  # a very long day: continue on a new page
                pdf.showPage()
                y = height - 30 * mm
        y -= 3 * mm
        pdf.setFont(bold, 12)
        pdf.drawString(left, y, _("Total"))
        pdf.drawRightString(width - 25 * mm, y, duration(total_minutes(sessions)))
        # The verification block at the foot of the page.
        url = verification_url(certificate)
        qr_size = 32 * mm
        pdf.drawImage(_qr_image(url), left, 25 * mm, qr_size, qr_size)
        text_left = left + qr_size + 8 * mm
        pdf.setFont(regular, 10)
        pdf.drawString(
            text_left, 25 * mm + 24 * mm, _("Verification code: %(code)s") % {"code": certificate.code}
        )
        pdf.drawString(text_left, 25 * mm + 18 * mm, _("Check this certificate at:"))
        pdf.drawString(text_left, 25 * mm + 12 * mm, url)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()
