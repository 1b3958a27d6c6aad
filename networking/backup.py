"""Networking's rows in a backup of an edition (see events.backup): offers, municipalities'
signups and their contacts, attendees' directory profiles, connect codes and contacts, 1:1
meetings with their slots and tables, advisers' intakes."""

from events.backup import part
from networking.models import (
    ConnectCode,
    Contact,
    DirectoryProfile,
    Intake,
    Meeting,
    MeetingSlot,
    MeetingTable,
    Offer,
    Signup,
    SignupContact,
)

part(Offer, lambda event: Offer.objects.filter(event=event).order_by("pk"))
part(Signup, lambda event: Signup.objects.filter(offer__event=event).order_by("pk"))
part(SignupContact, lambda event: SignupContact.objects.filter(signup__offer__event=event).order_by("pk"))
part(
    DirectoryProfile,
    lambda event: DirectoryProfile.objects.filter(registration__event=event).order_by("pk"),
)
part(ConnectCode, lambda event: ConnectCode.objects.filter(registration__event=event).order_by("pk"))
part(Contact, lambda event: Contact.objects.filter(requester__event=event).order_by("pk"))
part(MeetingSlot, lambda event: MeetingSlot.objects.filter(event=event).order_by("pk"))
part(MeetingTable, lambda event: MeetingTable.objects.filter(event=event).order_by("pk"))
# In id order: a proposal comes after the request it answers.
part(Meeting, lambda event: Meeting.objects.filter(slot__event=event).order_by("pk"))
part(Intake, lambda event: Intake.objects.filter(slot__event=event).order_by("pk"))
