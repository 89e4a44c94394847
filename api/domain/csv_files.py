"""Reading a merchant's CSV file (purchase orders, suppliers): the checks every import shares, so
a bad file is refused the same way whatever it holds, before anything is saved."""
import csv
import io
from collections.abc import Callable

from api.domain.errors import Invalid

MAX_IMPORT_ROWS = 2000


def read_rows(text: str, missing_columns: Callable[[set[str]], list[str]]) -> list[tuple[int, dict]]:
    """The file's rows as (line number in the file, {lower-case column: stripped value}).
    `missing_columns` names what the header lacks, given its lower-case column names."""
    try:
        return _read_rows(text, missing_columns)
    except csv.Error as error:  # not CSV at all (a stray quote, a NUL character)
        raise Invalid("The file cannot be read as CSV; nothing was saved.", {"csv": {"file": [str(error)]}}) from None


def _read_rows(text: str, missing_columns: Callable[[set[str]], list[str]]) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))  # Excel's BOM
    missing = missing_columns({(name or "").strip().lower() for name in reader.fieldnames or []})
    if missing:
        raise Invalid("The file lacks columns; nothing was saved.",
                      {"csv": {"columns": [f"Missing column: {name}." for name in missing]}})
    rows = []
    for row in reader:
        rows.append((reader.line_num, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}))
        if len(rows) > MAX_IMPORT_ROWS:
            raise Invalid("The file is too long; nothing was saved.",
                          {"csv": {"rows": [f"At most {MAX_IMPORT_ROWS} rows per file."]}})
    if not rows:
        raise Invalid("The file has no rows; nothing was saved.", {"csv": {"rows": ["At least one row."]}})
    return rows


def is_whole_number(text: str) -> bool:
    """Plain ASCII digits, short enough for int(): "²" and "١٢" are digits to str.isdigit() but
    not numbers to int(), and a cell of thousands of digits is refused by int()."""
    return text.isascii() and text.isdigit() and len(text) <= 18
