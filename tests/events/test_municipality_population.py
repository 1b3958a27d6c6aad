"""The municipality list's optional `population` column (inhabitants, for the size breakdown)."""

import pytest

from events.models import Municipality
from events.municipalities import load_municipality_file

pytestmark = pytest.mark.django_db


def write(path, header, *rows):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_reads_inhabitants_and_leaves_empty_cells_unknown(tmp_path):
    path = write(
        tmp_path / "g.csv",
        "cbs_code,name,province,population",
        "GM0307,Amersfoort,Utrecht,160000",
        'GM0080,Leeuwarden,Fryslân,"125.000"',
        "GM0088,Schiermonnikoog,Fryslân,",
    )

    summary = load_municipality_file(path)

    assert summary.created == 3
    assert dict(Municipality.objects.values_list("code", "population")) == {
        "GM0307": 160_000,
        "GM0080": 125_000,
        "GM0088": None,
    }


def test_a_changed_figure_is_an_update_and_a_file_without_the_column_keeps_the_figures(tmp_path):
    load_municipality_file(
        write(tmp_path / "a.csv", "cbs_code,name,province,population", "GM0307,Amersfoort,Utrecht,160000")
    )

    changed = load_municipality_file(
        write(tmp_path / "b.csv", "cbs_code,name,province,population", "GM0307,Amersfoort,Utrecht,161000")
    )
    without = load_municipality_file(
        write(tmp_path / "c.csv", "cbs_code,name,province", "GM0307,Amersfoort,Utrecht")
    )

    assert (changed.updated, without.updated, without.unchanged) == (1, 0, 1)
    assert Municipality.objects.get(code="GM0307").population == 161_000


def test_rejects_a_figure_that_is_not_a_number(tmp_path):
    path = write(tmp_path / "bad.csv", "cbs_code,name,province,population", "GM0307,Amersfoort,Utrecht,veel")

    with pytest.raises(ValueError) as error:
        load_municipality_file(path)

    assert str(error.value) == f"{path}, line 2: 'veel' is not a number of inhabitants"
    assert Municipality.objects.count() == 0
