"""Text that stays on one line: names, organisations and other single-line fields of a registration.

A line break or another control character in a name is never typed by a person; it breaks the
lines of a calendar file or a mail header, and bidirectional overrides make a name on a dashboard
read differently from how it is stored. The same check serves the model (admin), the forms and the
API schema (events.schemas)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls (tab, CR, LF …), DEL, C1 controls, the line and paragraph separators, and the
# bidirectional embeddings, overrides and isolates. Escaped, so that the same text is a regular
# expression for Python and for the API schema (JSON Schema's `pattern`).
_NOT_ON_ONE_LINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
NOT_ON_ONE_LINE = re.compile(f"[{_NOT_ON_ONE_LINE}]")
SINGLE_LINE_PATTERN = f"^[^{_NOT_ON_ONE_LINE}]*$"
SINGLE_LINE_MESSAGE = _("Use a single line, without tabs or other control characters.")


def single_line(value: str) -> None:
    if isinstance(value, str) and NOT_ON_ONE_LINE.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_character")


def on_one_line(value: str) -> str:
    """`value` with every such character replaced by a space: for output that must stay on one line
    whatever was stored before the check existed."""
    return NOT_ON_ONE_LINE.sub(" ", value)
