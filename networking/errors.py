"""Coded errors of the networking app (see events.errors)."""

from events.errors import ServiceError


class SignupError(ServiceError):
    pass


class ContactError(ServiceError):
    pass


class DirectoryError(ServiceError):
    status = 403


class MeetingError(ServiceError):
    """`alternatives`: for `no_table`, the other slots free for both that still have a table."""

    def __init__(self, code, message="", *, alternatives=(), **kwargs):
        super().__init__(code, message, **kwargs)
        self.alternatives = list(alternatives)
