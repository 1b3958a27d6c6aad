"""The verification code of a certificate of attendance."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Registration


class Certificate(models.Model):
    """Made the first time an attendee's certificate is drawn; its code is printed on every copy.
    The code is not a secret that grants anything (it only shows what the paper already says), so
    it is kept as it is printed and looked up by itself."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("verification code"), max_length=20, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self) -> str:
        return f"certificate {self.registration_id}"
