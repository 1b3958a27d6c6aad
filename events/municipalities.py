"""Loading the municipalities (CBS codes, names, provinces, optionally inhabitants) from the CSV
shipped in events/data/."""

import csv
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events.models import Municipality, Province

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "gemeenten.csv"
COLUMNS = ["cbs_code", "name", "province"]
# Optional fourth column: inhabitants (CBS). An empty cell means unknown.
POPULATION = "population"
CBS_CODE = re.compile(r"^GM\d{4}$")


@dataclass(frozen=True)
class SizeClass:
    """One of CBS's municipality size classes ("gemeentegrootte", as in the table Gebieden in
    Nederland): inhabitants from `low` (inclusive) to `high` (exclusive; None: no upper bound)."""

    key: str
    label: str
    low: int
    high: int | None

    def holds(self, population: int) -> bool:
        return population >= self.low and (self.high is None or population < self.high)


# CBS's eight classes, codes 1 to 8 in that order.
SIZE_CLASSES = [
    SizeClass("lt5k", _("fewer than 5,000 inhabitants"), 0, 5_000),
    SizeClass("5k-10k", _("5,000 – 10,000 inhabitants"), 5_000, 10_000),
    SizeClass("10k-20k", _("10,000 – 20,000 inhabitants"), 10_000, 20_000),
    SizeClass("20k-50k", _("20,000 – 50,000 inhabitants"), 20_000, 50_000),
    SizeClass("50k-100k", _("50,000 – 100,000 inhabitants"), 50_000, 100_000),
    SizeClass("100k-150k", _("100,000 – 150,000 inhabitants"), 100_000, 150_000),
    SizeClass("150k-250k", _("150,000 – 250,000 inhabitants"), 150_000, 250_000),
    SizeClass("250k+", _("250,000 inhabitants or more"), 250_000, None),
]
SIZE_CLASS_KEYS = tuple(size.key for size in SIZE_CLASSES)
# Credit line wherever the inhabitants are shown (CBS open data, CC BY 4.0).
POPULATION_SOURCE = _("Inhabitants on 1 January 2024. Source: CBS")


def size_class(population: int | None) -> SizeClass | None:
    """The CBS size class of a number of inhabitants; None when the figure is unknown."""
    if population is None:
        return None
    return next(size for size in SIZE_CLASSES if size.holds(population))


@dataclass(frozen=True)
class LoadSummary:
    created: int
    updated: int
    unchanged: int
    # Codes in the database but no longer in the file (merged municipalities); kept, not deleted.
    missing_from_file: int


def read_municipalities(path: Path | str = DEFAULT_PATH) -> list[Municipality]:
    """Parse and validate the whole file before anything is written; errors name the line."""
    path = Path(path)
    # utf-8-sig: a file saved by a spreadsheet program may start with a byte-order mark.
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, None)
        columns = [column.strip() for column in header] if header is not None else None
        if columns not in (COLUMNS, [*COLUMNS, POPULATION]):
            raise ValueError(
                f"{path}, line 1: expected the header {','.join(COLUMNS)} (optionally ,{POPULATION}), "
                f"found {header!r}"
            )
        municipalities: dict[str, Municipality] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise ValueError(f"{path}, line {line}: expected {len(columns)} columns, found {len(row)}")
            code, name, province = (cell.strip() for cell in row[:3])
            population = _population(row[3], path, line) if len(columns) == 4 else None
            if not CBS_CODE.match(code):
                raise ValueError(f"{path}, line {line}: {code!r} is not a CBS code like GM0307")
            if not name:
                raise ValueError(f"{path}, line {line}: the name of {code} is empty")
            if province not in Province.values:
                raise ValueError(f"{path}, line {line}: {province!r} is not a province")
            if code in municipalities:
                raise ValueError(f"{path}, line {line}: {code} appears twice")
            municipalities[code] = Municipality(
                code=code, name=name, province=province, population=population
            )
    return list(municipalities.values())


def _population(cell: str, path: Path, line: int) -> int | None:
    text = cell.strip().replace(".", "").replace(" ", "")  # "153.602" as Dutch spreadsheets write it
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{path}, line {line}: {cell.strip()!r} is not a number of inhabitants")
    return int(text)


def has_population_column(path: Path | str = DEFAULT_PATH) -> bool:
    with Path(path).open(encoding="utf-8-sig", newline="") as file:
        header = next(csv.reader(file), [])
    return [column.strip() for column in header][3:4] == [POPULATION]


def load_municipality_file(path: Path | str = DEFAULT_PATH) -> LoadSummary:
    """Insert new and update changed municipalities in one transaction; rerunning changes nothing.

    Inhabitants are only written when the file has the population column; a file without it
    leaves the figures in the database as they are.
    """
    rows = read_municipalities(path)
    fields = ["name", "province", POPULATION] if has_population_column(path) else ["name", "province"]
    with transaction.atomic():
        stored = {values[0]: values[1:] for values in Municipality.objects.values_list("code", *fields)}

        def differs(row: Municipality) -> bool:
            return stored[row.code] != tuple(getattr(row, field) for field in fields)

        new = [row for row in rows if row.code not in stored]
        changed = [row for row in rows if row.code in stored and differs(row)]
        if new or changed:
            Municipality.objects.bulk_create(
                new + changed,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=fields,
            )
    missing = len(stored.keys() - {row.code for row in rows})
    if missing:
        logger.warning("%s municipalities are no longer in %s; they are kept", missing, path)
    return LoadSummary(
        created=len(new),
        updated=len(changed),
        unchanged=len(rows) - len(new) - len(changed),
        missing_from_file=missing,
    )


def load_municipalities(path: Path | str = DEFAULT_PATH) -> tuple[int, int]:
    """Load the CSV into the database. Returns (created, updated)."""
    summary = load_municipality_file(path)
    return summary.created, summary.updated
