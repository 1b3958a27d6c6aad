"""State changes of the core: registrations, their workshop bookings and waitlists, the organisers'
changes to the programme, walk-ins at the door, and erasure.

Capacity is decided in the database under row locks: the event row serialises registrations
(event capacity, one registration per e-mail), each workshop row serialises its seats. Locks
are always taken in the same order (registration, then workshops by id) so changes never
deadlock. Live events and e-mails go out only after the transaction commits.

One module per concern; every name is importable from `events.services` as well.
"""

from events.services.addresses import (
    others_with_address,
    proof_deadline,
    registration_for_address_token,
    release_unproven_seats,
    resend_confirmation,
    resend_link,
    send_links,
    verify_address,
)
from events.services.api_tokens import (
    authenticate_api_token,
    check_api_token,
    create_api_token,
    revoke_api_token,
)
from events.services.delegations import (
    add_member,
    answer_invitation,
    delegation_for_address_token,
    invitation_for_token,
    register_delegation,
    remove_member,
    resend_invitation,
    resend_member_link,
    verify_delegation_address,
)
from events.services.erasure import (
    ERASED_NAME,
    erase_registration,
    erased_email,
    purge_event,
    scrub_history,
)
from events.services.holds import HoldRequest, check_holds, hold_problem, release_due_holds, release_hold
from events.services.programme import (
    StaleVersion,
    cancel_workshop,
    check_workshop_change,
    move_workshop,
    reschedule_round,
    swap_workshops,
    update_workshop,
    workshops_details_changed,
)
from events.services.registration import (
    REFERENCE_ALPHABET,
    REFERENCE_PREFIX,
    cancel_registration,
    change_answers,
    change_registration,
    change_workshops,
    check_one_per_round,
    code_problem,
    correct_person,
    make_invitation_code,
    new_badge_token,
    new_manage_token,
    new_read_only_tokens,
    register,
    renew_read_only_links,
    save_changes,
    unique_reference,
)
from events.services.walk_ins import book_walk_in

__all__ = [
    "ERASED_NAME",
    "REFERENCE_ALPHABET",
    "REFERENCE_PREFIX",
    "HoldRequest",
    "StaleVersion",
    "add_member",
    "answer_invitation",
    "authenticate_api_token",
    "book_walk_in",
    "cancel_registration",
    "cancel_workshop",
    "change_answers",
    "change_registration",
    "change_workshops",
    "check_api_token",
    "check_holds",
    "check_one_per_round",
    "check_workshop_change",
    "code_problem",
    "correct_person",
    "create_api_token",
    "delegation_for_address_token",
    "erase_registration",
    "erased_email",
    "hold_problem",
    "invitation_for_token",
    "make_invitation_code",
    "move_workshop",
    "new_badge_token",
    "new_manage_token",
    "new_read_only_tokens",
    "others_with_address",
    "proof_deadline",
    "purge_event",
    "register",
    "register_delegation",
    "registration_for_address_token",
    "release_due_holds",
    "release_hold",
    "release_unproven_seats",
    "remove_member",
    "renew_read_only_links",
    "reschedule_round",
    "resend_confirmation",
    "resend_invitation",
    "resend_link",
    "resend_member_link",
    "revoke_api_token",
    "save_changes",
    "scrub_history",
    "send_links",
    "swap_workshops",
    "unique_reference",
    "update_workshop",
    "verify_address",
    "verify_delegation_address",
    "workshops_details_changed",
]
