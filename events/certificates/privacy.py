"""The certificate in the per-person export and the erasure (see events.signals): after erasure its
code is no longer valid."""

from django.dispatch import receiver

from events.certificates.models import Certificate
from events.signals import personal_data_requested, registration_erased
from events.times import iso


@receiver(personal_data_requested, dispatch_uid="certificates.personal_data")
def personal_data(sender, registration, **kwargs) -> dict:
    certificate = Certificate.objects.filter(registration=registration).first()
    if certificate is None:
        return {}
    return {"certificate": {"code": certificate.code, "issued_at": iso(certificate.issued_at)}}


@receiver(registration_erased, dispatch_uid="certificates.erase")
def erase(sender, registration, **kwargs) -> dict:
    removed = Certificate.objects.filter(registration=registration).delete()[0]
    return {"certificates": removed} if removed else {}
