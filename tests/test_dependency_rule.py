"""Dependencies point one way: checkin and networking build on events, never back, and not on each
other (README, "How it works"). Read from the source, not from what happens to be imported: every
.py file of the three apps (migrations included), every import in it (also inside functions), the
modules named to importlib and __import__, the apps named to apps.get_model, and the templates of
each app (what they include, extend, load and link to)."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["events", "checkin", "networking"]
# What each app must never depend on.
FORBIDDEN = {
    "events": {"checkin", "networking"},
    "checkin": {"networking"},
    "networking": {"checkin"},
}
# Calls whose first argument names a module or an app.
NAMING_CALLS = {"import_module", "__import__", "get_model", "get_app_config"}


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    target: str  # the module, app label or template the code refers to

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.target}"


def _app_of(name: str) -> str:
    """The top-level package of a dotted module name, or the app of an "app.Model" label."""
    return name.split(".", 1)[0]


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def referenced_modules(source: str) -> list[tuple[int, str]]:
    """(line, module or app label) of everything the code depends on by name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and _called_name(node) in NAMING_CALLS
            and (name := _first_string(node))
        ):
            found.append((node.lineno, name))
    return sorted(found)


def python_violations(app: str, path: str, source: str) -> list[Violation]:
    return [
        Violation(path, line, target)
        for line, target in referenced_modules(source)
        if _app_of(target) in FORBIDDEN[app]
    ]


def _template_pattern(others: set[str]) -> re.Pattern:
    names = "|".join(sorted(others))
    libraries = "|".join(
        sorted(path.stem for other in others for path in (ROOT / other / "templatetags").glob("[!_]*.py"))
    )
    parts = [
        rf"""["'](?:{names})[/:][^"']*["']""",  # "networking/_panel.html", 'checkin:dashboard'
    ]
    if libraries:
        parts.append(rf"{{%\s*load\b[^%]*\b(?:{libraries})\b[^%]*%}}")  # {% load networking_tags %}
    return re.compile("|".join(parts))


def template_violations(app: str, path: str, text: str) -> list[Violation]:
    pattern = _template_pattern(FORBIDDEN[app])
    return [
        Violation(path, text.count("\n", 0, match.start()) + 1, match.group(0))
        for match in pattern.finditer(text)
    ]


def all_violations() -> list[Violation]:
    found = []
    for app in APPS:
        for file in sorted((ROOT / app).rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            found += python_violations(app, path, file.read_text(encoding="utf-8"))
        for file in sorted((ROOT / "templates" / app).rglob("*")):
            if file.is_file():
                path = file.relative_to(ROOT).as_posix()
                found += template_violations(app, path, file.read_text(encoding="utf-8"))
    return sorted(found)


def test_no_app_depends_against_the_rule():
    assert [str(violation) for violation in all_violations()] == []


def test_the_walk_reads_every_file_of_the_apps():
    """The walk would find nothing in files it never reads: it must see the apps' code."""
    core = python_violations("events", "x.py", (ROOT / "checkin" / "api.py").read_text(encoding="utf-8"))

    assert {_app_of(v.target) for v in core} == {"checkin"}
    assert len(list((ROOT / "events" / "migrations").glob("0*.py"))) >= 7


def test_the_checker_finds_each_kind_of_reference():
    source = """
import json
import networking
from networking.models import Offer
from . import models
from events.models import Event


def seed():
    from checkin import services
    importlib.import_module("networking.demo")
    __import__("checkin.models")
    apps.get_model("networking", "Signup")
    apps.get_model("networking.Offer")
    apps.get_model("events", "Event")
    return import_module(name)
"""

    assert [str(v) for v in python_violations("events", "events/x.py", source)] == [
        "events/x.py:3: networking",
        "events/x.py:4: networking.models",
        "events/x.py:10: checkin",
        "events/x.py:11: networking.demo",
        "events/x.py:12: checkin.models",
        "events/x.py:13: networking",
        "events/x.py:14: networking.Offer",
    ]
    assert python_violations("checkin", "checkin/x.py", "from events.models import Event\n") == []
    assert [str(v) for v in python_violations("checkin", "c.py", "import networking.models\n")] == [
        "c.py:1: networking.models"
    ]
    assert [str(v) for v in python_violations("networking", "n.py", "from checkin.auth import a\n")] == [
        "n.py:1: checkin.auth"
    ]


def test_the_checker_finds_templates_of_other_apps():
    text = """{% extends "base.html" %}{% load i18n static %}
{% include "events/_seats.html" %}
{% include "networking/_manage_directory.html" %}
{% load i18n networking_tags %}{% directory_panel %}
<a href="{% url 'checkin:dashboard' %}">{% url "events:manage" token %}</a>
{% for panel in panels %}{% include panel %}{% endfor %}
"""

    assert [str(v) for v in template_violations("events", "templates/events/x.html", text)] == [
        'templates/events/x.html:3: "networking/_manage_directory.html"',
        "templates/events/x.html:4: {% load i18n networking_tags %}",
        "templates/events/x.html:5: 'checkin:dashboard'",
    ]
    assert template_violations("networking", "t.html", '{% url "events:manage" token %}') == []

