"""vCard 3.0 (RFC 2426) export of an attendee's accepted contacts."""

from collections.abc import Iterable

from events.models import Registration

LINE_OCTETS = 75


def escape(value: str) -> str:
    """Text value escaping: backslash, comma, semicolon and newlines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space; never inside a
    UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def card(person: Registration, note: str = "") -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{escape(person.last_name)};{escape(person.first_name)};;;",
        f"FN:{escape(person.full_name)}",
    ]
    if person.affiliation:
        lines.append(f"ORG:{escape(person.affiliation)}")
    lines.append(f"TITLE:{escape(str(person.get_role_display()))}")
    lines.append(f"EMAIL;TYPE=INTERNET:{escape(person.email)}")
    if note:
        lines.append(f"NOTE:{escape(note)}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def cards(people: Iterable[Registration]) -> str:
    return "".join(card(person, getattr(person, "contact_note", "")) for person in people)
