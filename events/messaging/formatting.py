"""The simple formatting of a message to a group: paragraphs (an empty line between), **bold**,
bullet lists (lines starting with "- ") and links (bare https:// addresses). To HTML with every
other character escaped, and to plain text."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_INLINE = re.compile(r"(?P<url>https://[^\s<>\"'*]+)|\*\*(?P<bold>.+?)\*\*")
_TRAILING = ".,;:!?)"


def _blocks(body: str) -> list[list[str]]:
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    return [
        [line.strip() for line in block.split("\n") if line.strip()]
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    ]


def _inline_html(text: str) -> str:
    out, position = [], 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        if match.group("url"):
            url = match.group("url")
            tail = ""
            while url and url[-1] in _TRAILING:
                url, tail = url[:-1], url[-1] + tail
            out.append(f'<a href="{escape(url)}">{escape(url)}</a>{escape(tail)}')
        else:
            out.append(f"<strong>{_inline_html(match.group('bold'))}</strong>")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _groups(lines: list[str]):
    """Runs of lines: ("list", items) for lines starting with "- ", ("text", lines) otherwise."""
    groups: list[tuple[str, list[str]]] = []
    for line in lines:
        kind = "list" if line.startswith("- ") else "text"
        item = line[2:].strip() if kind == "list" else line
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(item)
        else:
            groups.append((kind, [item]))
    return groups


def to_html(body: str) -> SafeString:
    parts = []
    for block in _blocks(body):
        for kind, lines in _groups(block):
            if kind == "list":
                parts.append("<ul>" + "".join(f"<li>{_inline_html(line)}</li>" for line in lines) + "</ul>")
            else:
                parts.append("<p>" + "<br>".join(_inline_html(line) for line in lines) + "</p>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece of the text was escaped above


def _inline_text(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text)


def to_text(body: str) -> str:
    parts = []
    for block in _blocks(body):
        lines = [
            f"- {_inline_text(line[2:].strip())}" if line.startswith("- ") else _inline_text(line)
            for line in block
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
