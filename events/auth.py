"""Organisers: logged-in staff accounts (session cookie, CSRF-checked)."""

from ninja.security import SessionAuthIsStaff


class StaffSession(SessionAuthIsStaff):
    """A logged-in organiser (is_staff); CSRF-checked like any session request."""


organiser_auth = [StaffSession()]
