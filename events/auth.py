"""Organisers: logged-in staff accounts (session cookie, CSRF-checked)."""

from django.http import HttpRequest
from ninja.security import SessionAuthIsStaff


class StaffSession(SessionAuthIsStaff):
    """A logged-in organiser (is_staff); CSRF-checked like any session request."""

    def __call__(self, request: HttpRequest):
        # ninja checks CSRF before it looks at the session. Without a staff session there is nothing
        # to protect, and a phone whose token was revoked must hear 401, not 403 "CSRF check Failed".
        user = request.user
        if not (user.is_authenticated and (user.is_staff or user.is_superuser)):
            return None
        return super().__call__(request)


organiser_auth = [StaffSession()]
