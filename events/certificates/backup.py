"""Certificates in a backup of an edition (see events.backup): printed codes stay valid."""

from events.backup import part
from events.certificates.models import Certificate

part(Certificate, lambda event: Certificate.objects.filter(registration__event=event).order_by("pk"))
