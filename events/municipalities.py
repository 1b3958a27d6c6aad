"""Loading the municipalities (CBS codes, names, provinces, optionally inhabitants) from the CSV
shipped in events/data/."""

import csv
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from events.models import Municipality, Province

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "gemeenten.csv"
COLUMNS = ["cbs_code", "name", "province"]
# Optional fourth column: inhabitants (CBS). An empty cell means unknown.
POPULATION = "population"
CBS_CODE = re.compile(r"^GM\d{4}$")


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
