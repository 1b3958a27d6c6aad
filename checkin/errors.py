"""Coded errors of the check-in. API routers and views turn them into 4xx answers and messages."""

from events.errors import ServiceError


class CheckinError(ServiceError):
    pass
