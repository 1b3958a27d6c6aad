"""The networking panels on an attendee's own page and a delegation's page (registered in
networking.extras)."""

from django import template

from networking.forms import DirectoryProfileForm
from networking.phone import phone_token
from networking.selectors import contacts_of, directory_profile, map_drawing, municipality_offers

register = template.Library()


@register.inclusion_tag("networking/_directory_panel.html", takes_context=True)
def directory_panel(context) -> dict:
    registration = context["registration"]
    profile = directory_profile(registration)
    request = context.get("request")
    return {
        "registration": registration,
        "profile": profile,
        "token": context["token"],
        "form": DirectoryProfileForm(
            initial={
                "directory_opt_in": profile.listed,
                "interests": profile.interests,
                "talk_about": profile.talk_about,
            },
            auto_id="id_network_%s",
        ),
        "contacts": contacts_of(registration) if registration.is_confirmed else None,
        "flag": request.GET.get("netwerk", "") if request else "",
        # Whether this browser already sends requests in this attendee's name ("Use this phone").
        "this_phone": bool(request) and phone_token(request) == context["token"],
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def other_party(contact, registration):
    return contact.other(registration)


@register.inclusion_tag("networking/_map.html", takes_context=True)
def network_map(context) -> dict:
    """The map of the network (networking/_map.html) for the page's edition, e.g. on the dashboard."""
    return {"map": map_drawing(context.get("event"))}


@register.inclusion_tag("networking/_delegation_offers.html", takes_context=True)
def delegation_offers(context) -> dict:
    """The municipality's signups for the programme's offers, on its delegation's page."""
    delegation = context["delegation"]
    return {
        "municipality": delegation.municipality,
        "offers": municipality_offers(delegation.event, delegation.municipality),
    }
