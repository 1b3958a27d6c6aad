"""The municipality list's optional `population` column (inhabitants, for the size breakdown)."""

import csv
from collections import Counter

import pytest

from events.models import Municipality
from events.municipalities import DEFAULT_PATH, load_municipality_file, size_class

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


def source_rows() -> dict[str, dict]:
    """The CBS figures as the project ships them (events/data/gemeenten.csv)."""
    with DEFAULT_PATH.open(encoding="utf-8", newline="") as file:
        return {row["cbs_code"]: row for row in csv.DictReader(file)}


def test_the_shipped_list_holds_the_inhabitants_of_all_342_municipalities():
    summary = load_municipality_file()

    figures = dict(Municipality.objects.values_list("code", "population"))
    assert (summary.created, len(figures), sum(figures.values())) == (342, 342, 17_942_942)
    assert (figures["GM0363"], figures["GM0307"], figures["GM0088"]) == (931_298, 161_852, 972)
    assert figures == {code: int(row["population"]) for code, row in source_rows().items()}


def test_size_classes_follow_cbs_boundaries():
    keys = [size_class(population).key for population in (0, 4_999, 5_000, 9_999, 10_000, 19_999, 20_000)]
    upper = [
        size_class(population).key for population in (49_999, 50_000, 149_999, 150_000, 249_999, 250_000)
    ]

    assert keys == ["lt5k", "lt5k", "5k-10k", "5k-10k", "10k-20k", "10k-20k", "20k-50k"]
    assert upper == ["20k-50k", "50k-100k", "100k-150k", "150k-250k", "150k-250k", "250k+"]
    assert size_class(None) is None


def test_every_shipped_municipality_falls_in_a_class_and_the_big_ones_are_cbs_s_four():
    load_municipality_file()

    per_class = Counter(
        size_class(population).key for population in Municipality.objects.values_list("population", flat=True)
    )

    assert sum(per_class.values()) == 342
    # Amsterdam, Rotterdam, 's-Gravenhage and Utrecht: the four of 250,000 or more.
    assert set(Municipality.objects.filter(population__gte=250_000).values_list("code", flat=True)) == {
        "GM0363",
        "GM0599",
        "GM0518",
        "GM0344",
    }
    assert per_class == {
        "lt5k": 5,
        "5k-10k": 7,
        "10k-20k": 53,
        "20k-50k": 182,
        "50k-100k": 63,
        "100k-150k": 14,
        "150k-250k": 14,
        "250k+": 4,
    }
