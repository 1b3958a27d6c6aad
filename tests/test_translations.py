"""The Dutch catalogue is complete, compiled, and covers every string in the code and templates."""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "config" / "locale" / "nl" / "LC_MESSAGES"


def read_po(path: Path) -> dict[str, dict]:
    """msgid -> {"msgstr": [...], "fuzzy": bool}; a small reader for the subset makemessages writes."""
    entries: dict[str, dict] = {}
    current: dict = {}
    field = None

    def finish():
        if current.get("msgid"):
            entries[current["msgid"]] = {
                "msgstr": current.get("msgstr", []),
                "fuzzy": current.get("fuzzy", False),
            }

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,") and "fuzzy" in line:
            finish()
            current, field = {"fuzzy": True}, None
        elif line.startswith("msgid "):
            if "msgid" in current:
                finish()
                current = {}
            current["msgid"], field = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
        elif line.startswith("msgstr"):
            value = ast.literal_eval(line.split(" ", 1)[1])
            current.setdefault("msgstr", []).append(value)
            field = "msgstr"
        elif line.startswith('"') and field == "msgid":
            current["msgid"] += ast.literal_eval(line)
        elif line.startswith('"') and field == "msgstr":
            current["msgstr"][-1] += ast.literal_eval(line)
    finish()
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = read_po(CATALOGUE / "django.po")
    assert len(entries) > 100
    assert [msgid for msgid, entry in entries.items() if entry["fuzzy"]] == []
    assert [msgid for msgid, entry in entries.items() if not all(entry["msgstr"])] == []


def test_compiled_catalogue_matches_the_source():
    entries = read_po(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    singular = {key: value for key, value in catalogue.items() if isinstance(key, str) and key}
    expected = {msgid: entry["msgstr"][0] for msgid, entry in entries.items() if len(entry["msgstr"]) == 1}
    assert singular == expected, "run `make messages` after editing django.po"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext)")
def test_catalogue_covers_the_code(tmp_path):
    for name in ("config", "events", "checkin", "networking", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "1"},
        check=True,
        capture_output=True,
    )
    fresh = read_po(tmp_path / "config" / "locale" / "nl" / "LC_MESSAGES" / "django.po")
    untranslated = sorted(
        msgid for msgid, entry in fresh.items() if entry["fuzzy"] or not all(entry["msgstr"])
    )
    assert untranslated == [], "new UI text without a Dutch translation: run `make messages` and translate"
