"""Loading the municipalities (CBS codes, names, provinces) from the CSV shipped in events/data/."""

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
        if header is None or [column.strip() for column in header] != COLUMNS:
            raise ValueError(f"{path}, line 1: expected the header {','.join(COLUMNS)}, found {header!r}")
        municipalities: dict[str, Municipality] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                raise ValueError(f"{path}, line {line}: expected {len(COLUMNS)} columns, found {len(row)}")
            code, name, province = (cell.strip() for cell in row)
            if not CBS_CODE.match(code):
                raise ValueError(f"{path}, line {line}: {code!r} is not a CBS code like GM0307")
            if not name:
                raise ValueError(f"{path}, line {line}: the name of {code} is empty")
            if province not in Province.values:
                raise ValueError(f"{path}, line {line}: {province!r} is not a province")
            if code in municipalities:
                raise ValueError(f"{path}, line {line}: {code} appears twice")
            municipalities[code] = Municipality(code=code, name=name, province=province)
    return list(municipalities.values())


def load_municipality_file(path: Path | str = DEFAULT_PATH) -> LoadSummary:
    """Insert new and update changed municipalities in one transaction; rerunning changes nothing."""
    rows = read_municipalities(path)
    with transaction.atomic():
        stored = {
            code: (name, province)
            for code, name, province in Municipality.objects.values_list("code", "name", "province")
        }
        new = [row for row in rows if row.code not in stored]
        changed = [row for row in rows if row.code in stored and stored[row.code] != (row.name, row.province)]
        if new or changed:
            Municipality.objects.bulk_create(
                new + changed,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "province"],
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
