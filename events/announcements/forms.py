from datetime import timedelta

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events.announcements.models import TEXT_MAX_LENGTH
from events.models import Workshop

# How long an announcement shows, in minutes: the choices on the organisers' page.
DURATIONS = [15, 30, 60, 120, 240, 480]


class AnnouncementForm(forms.Form):
    text = forms.CharField(
        label=_("Announcement"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX_LENGTH}),
        error_messages={"required": _("Write the announcement.")},
    )
    workshop = forms.ModelChoiceField(
        label=_("For"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=_("Everyone"),
        help_text=_(
            "A workshop's announcement shows on its attendees' own pages, and with its title elsewhere."
        ),
    )
    minutes = forms.TypedChoiceField(label=_("Show for"), coerce=int, initial=60)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        # Texts with numbers are put together here, in the language of the request.
        self.fields["text"].help_text = gettext(
            "Plain text, at most %(max)d characters. It shows at once on every open page."
        ) % {"max": TEXT_MAX_LENGTH}
        self.fields["minutes"].choices = [(minutes, duration_label(minutes)) for minutes in DURATIONS]
        self.fields["workshop"].queryset = Workshop.objects.filter(round__event=event).select_related("round")

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["minutes"])


def duration_label(minutes: int) -> str:
    if minutes < 60:
        return gettext("%(n)d minutes") % {"n": minutes}
    hours = minutes // 60
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
