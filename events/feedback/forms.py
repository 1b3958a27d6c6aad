from django import forms
from django.utils.translation import gettext_lazy as _

from events.feedback.models import RATINGS, Feedback
from events.models import max_length


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(rating, str(rating)) for rating in RATINGS],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is poor, 5 is excellent."),
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=max_length(Feedback, "comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
