"""Coded errors of polls and questions (see events.errors)."""

from events.errors import ServiceError


class RoomError(ServiceError):
    pass
