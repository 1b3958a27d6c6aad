"""State changes of the networking app: municipality signups (networking.services.signups),
directory profiles, attendee contacts."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import badges
from events.models import Registration, secret_hash
from networking.errors import ContactError
from networking.models import ConnectCode, Contact, DirectoryProfile
from networking.services.signups import (  # noqa: F401  (the app's services, in one place)
    SignupResult,
    admit_contact,
    approve_signups,
    contact_for_manage_token,
    contact_for_proof_token,
    reject_signup,
    release_unconfirmed_signups,
    sign_up,
    signup_of_contact,
    verify_contact_address,
    withdraw,
)


def update_directory_profile(
    registration: Registration, *, directory_opt_in: bool, interests: Iterable[str] = (), talk_about: str = ""
) -> DirectoryProfile | None:
    """Join or leave the attendee directory, or change what it shows. Leaving hides at once.

    The consent record: joining stamps `joined_at`, leaving stamps `left_at` and keeps the time it
    was given. The profile only serves the directory, so leaving clears it; someone who never
    joined gets no profile at all (None)."""
    now = timezone.now()
    with transaction.atomic():
        # The registration's row serialises changes to its profile: two saves at once (a double
        # click) neither create it twice nor lose a consent time.
        Registration.objects.select_for_update().filter(pk=registration.pk).values_list("pk").first()
        profile = DirectoryProfile.objects.filter(registration=registration).first()
        if profile is None:
            if not directory_opt_in:
                return None
            profile = DirectoryProfile(registration=registration)
        if directory_opt_in and not profile.listed:
            profile.joined_at = now
        elif not directory_opt_in and profile.listed:
            profile.left_at = now
        profile.listed = directory_opt_in
        profile.interests = list(interests) if directory_opt_in else []
        profile.talk_about = talk_about if directory_opt_in else ""
        profile.save()
    registration.directory_profile = profile  # what the caller reads from now on
    return profile


def connect_code_for(registration: Registration) -> ConnectCode:
    """The attendee's connect code, created the first time it is shown."""
    code = ConnectCode.objects.filter(registration=registration).first()
    if code is not None:
        return code
    secret = badges.new_secret()
    try:
        with transaction.atomic():
            return ConnectCode.objects.create(
                registration=registration, secret=secret, secret_hash=secret_hash(secret)
            )
    except IntegrityError:  # the same page opened twice at once: the other request made it
        return ConnectCode.objects.get(registration=registration)


def owner_of_connect_code(secret: str) -> Registration:
    code = (
        ConnectCode.objects.select_related("registration__municipality")
        .filter(secret_hash=secret_hash(secret.strip().upper()))
        .first()
    )
    if code is None or not code.registration.is_confirmed:
        raise ContactError("unknown_code", _("This connect code is not known."), status=404)
    return code.registration


def request_contact(*, requester: Registration, secret: str, note: str = "") -> Contact:
    """Ask the owner of a connect code to exchange details. Asking twice changes nothing; when the
    other person had already asked us, both want it, so the contact is accepted."""
    recipient = owner_of_connect_code(secret)
    if recipient.pk == requester.pk:
        raise ContactError("own_code", _("This is your own connect code."), status=422)
    if not requester.is_confirmed:
        raise ContactError("not_registered", _("Your registration has been cancelled."), status=409)
    with transaction.atomic():
        # Both rows, in id order: two people scanning each other at once end up in one contact.
        # Read again under the lock: either may have cancelled or been erased meanwhile.
        still_here = list(
            Registration.objects.select_for_update()
            .filter(
                pk__in=[requester.pk, recipient.pk],
                status=Registration.Status.CONFIRMED,
                erased_at__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if recipient.pk not in still_here:
            raise ContactError("unknown_code", _("This connect code is not known."), status=404)
        if requester.pk not in still_here:
            raise ContactError("not_registered", _("Your registration has been cancelled."), status=409)
        reverse = Contact.objects.filter(requester=recipient, recipient=requester).first()
        if reverse is not None:
            if reverse.status == Contact.Status.PENDING:
                reverse.status = Contact.Status.ACCEPTED
                reverse.accepted_at = timezone.now()
                reverse.save(update_fields=["status", "accepted_at"])
            return reverse
        contact, _created = Contact.objects.get_or_create(
            requester=requester, recipient=recipient, defaults={"note": note}
        )
    return contact


def accept_contact(*, registration: Registration, contact_id: int) -> Contact:
    """The recipient agrees: from now on both see each other's details."""
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update()
            .filter(pk=contact_id, recipient=registration, status=Contact.Status.PENDING)
            .first()
        )
        if contact is None:
            raise ContactError("unknown_request", _("This contact request does not exist."), status=404)
        contact.status = Contact.Status.ACCEPTED
        contact.accepted_at = timezone.now()
        contact.save(update_fields=["status", "accepted_at"])
    return contact


def remove_contact(*, registration: Registration, contact_id: int) -> None:
    """Decline or withdraw a request, or delete a contact: either side may, and it is gone for both."""
    deleted, _counts = Contact.objects.involving(registration).filter(pk=contact_id).delete()
    if not deleted:
        raise ContactError("unknown_contact", _("This contact does not exist."), status=404)
