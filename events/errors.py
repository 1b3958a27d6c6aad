"""Coded errors raised by services. API routers and views turn them into 409/422 and messages."""

from django.utils.functional import Promise


class ServiceError(Exception):
    """A state change that cannot happen. `code` is stable for clients; `message` is for people."""

    status = 409

    def __init__(
        self, code: str, message: str | Promise = "", *, field: str | None = None, status: int | None = None
    ):
        super().__init__(code)
        self.code = code
        self.message = str(message) if message else code
        self.field = field
        if status is not None:
            self.status = status


class RegistrationError(ServiceError):
    pass


class WorkshopError(ServiceError):
    pass


class InvalidInput(ServiceError):
    """Input that fails validation, with messages per field (422)."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str | Promise = ""):
        super().__init__("invalid", message or "invalid")
        self.errors = errors

    @classmethod
    def from_form(cls, form) -> "InvalidInput":
        errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        return cls(errors)
