"""Coded errors of the networking app (see events.errors)."""

from events.errors import ServiceError


class SignupError(ServiceError):
    pass


class ContactError(ServiceError):
    pass


class DirectoryError(ServiceError):
    status = 403
