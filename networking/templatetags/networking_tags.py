"""The networking panel on an attendee's own page (events/manage.html includes it)."""

from django import template

from events.forms import DirectoryProfileForm
from networking.selectors import contacts_of

register = template.Library()


@register.inclusion_tag("networking/_directory_panel.html", takes_context=True)
def directory_panel(context) -> dict:
    registration = context["registration"]
    request = context.get("request")
    return {
        "registration": registration,
        "token": context["token"],
        "form": DirectoryProfileForm(
            initial={
                "directory_opt_in": registration.directory_opt_in,
                "interests": registration.interests,
                "talk_about": registration.talk_about,
            },
            auto_id="id_network_%s",
        ),
        "contacts": contacts_of(registration) if registration.is_confirmed else None,
        "flag": request.GET.get("netwerk", "") if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def other_party(contact, registration):
    return contact.other(registration)
