from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from events.models import Municipality
from events.municipalities import DEFAULT_PATH, load_municipalities, load_municipality_file

# From events/data/README.md.
ROWS_PER_PROVINCE = {
    "Noord-Brabant": 56,  # not 55 as first noted: those counts added up to 341
    "Gelderland": 51,
    "Zuid-Holland": 50,
    "Noord-Holland": 44,
    "Limburg": 31,
    "Utrecht": 26,
    "Overijssel": 25,
    "Fryslân": 18,
    "Zeeland": 13,
    "Drenthe": 12,
    "Groningen": 10,
    "Flevoland": 6,
}


def write_csv(path, *rows):
    path.write_text("\n".join(["cbs_code,name,province", *rows]) + "\n", encoding="utf-8")
    return path


def test_loads_all_342_municipalities_with_their_provinces(db):
    created, updated = load_municipalities()

    per_province = dict(Municipality.objects.values_list("province").annotate(n=Count("code")))
    assert (created, updated) == (342, 0)
    assert per_province == ROWS_PER_PROVINCE
    assert Municipality.objects.get(code="GM0518").name == "'s-Gravenhage"
    assert Municipality.objects.get(code="GM1992").name == "Voorne aan Zee"
    assert Municipality.objects.get(code="GM0820").name == "Nuenen, Gerwen en Nederwetten"


def test_loading_twice_changes_nothing(db):
    load_municipalities()

    assert load_municipalities() == (0, 0)
    assert Municipality.objects.count() == 342


def test_updates_changed_rows_and_keeps_those_missing_from_the_file(db, tmp_path):
    load_municipalities()
    renamed = write_csv(
        tmp_path / "gemeenten.csv", "GM0307,Amersfoort (nieuw),Utrecht", "GM9999,Nieuwegemeente,Zeeland"
    )

    summary = load_municipality_file(renamed)

    assert (summary.created, summary.updated, summary.unchanged, summary.missing_from_file) == (1, 1, 0, 341)
    assert Municipality.objects.get(code="GM0307").name == "Amersfoort (nieuw)"
    assert Municipality.objects.count() == 343


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("0307,Amersfoort,Utrecht", "line 3: '0307' is not a CBS code like GM0307"),
        ("GM03070,Amersfoort,Utrecht", "line 3: 'GM03070' is not a CBS code like GM0307"),
        ("GM0307,Amersfoort,Friesland", "line 3: 'Friesland' is not a province"),
        ("GM0307,,Utrecht", "line 3: the name of GM0307 is empty"),
        ("GM0307,Amersfoort", "line 3: expected 3 columns, found 2"),
        ("GM0014,Groningen,Groningen", "line 3: GM0014 appears twice"),
    ],
)
def test_rejects_a_malformed_file_naming_the_line_and_writes_nothing(db, tmp_path, row, problem):
    path = write_csv(tmp_path / "bad.csv", "GM0014,Groningen,Groningen", row)

    with pytest.raises(ValueError) as error:
        load_municipalities(path)

    assert str(error.value) == f"{path}, {problem}"
    assert Municipality.objects.count() == 0


def test_rejects_a_file_with_the_wrong_header(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,naam,provincie\nGM0014,Groningen,Groningen\n", encoding="utf-8")

    with pytest.raises(ValueError, match="line 1: expected the header cbs_code,name,province"):
        load_municipalities(path)


def test_command_prints_a_one_line_summary(db, tmp_path):
    out = StringIO()
    call_command("load_municipalities", stdout=out)
    call_command("load_municipalities", file=DEFAULT_PATH, stdout=out)

    assert out.getvalue().splitlines() == [
        "Municipalities: 342 created, 0 updated, 0 unchanged.",
        "Municipalities: 0 created, 0 updated, 342 unchanged.",
    ]
