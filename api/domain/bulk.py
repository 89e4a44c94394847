"""Writing thousands of rows in one statement: a receipt can serve a whole queue at once.

SQLAlchemy processes every parameter of every row of an executemany (types, defaults), and a
driver's executemany still sends one statement per row; for 10,000 rows that costs far more than
the database's work. Here each value is converted once by the column's own type, then:
PostgreSQL gets ONE statement whose rows arrive as arrays (`unnest`), SQLite (in process, no
round trips) the driver's executemany. Either way a fixed number of statements."""
import json

from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """INSERT rows that each give every column named in the first (no defaults are applied)."""
    if not rows:
        return
    names = list(rows[0])
    connection, columns = _prepare(session, table, names, rows)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({_arrays(table, names, connection)})",
            columns)
    else:
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            list(zip(*columns)))


def update_rows(session: Session, table: Table, key: str, rows: list[dict]) -> None:
    """UPDATE by `key` (the primary key column): each row gives the key and the same columns."""
    if not rows:
        return
    names = [key, *(name for name in rows[0] if name != key)]
    connection, columns = _prepare(session, table, names, rows)
    if connection.dialect.name == "postgresql":
        assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
        connection.exec_driver_sql(
            f"UPDATE {table.name} SET {assignments} FROM unnest({_arrays(table, names, connection)})"
            f" AS v({', '.join(names)}) WHERE {table.name}.{key} = v.{key}",
            columns)
    else:
        assignments = ", ".join(f"{name} = ?" for name in names[1:])
        connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} WHERE {key} = ?",
                                   [(*values[1:], values[0]) for values in zip(*columns)])


def _prepare(session: Session, table: Table, names: list[str], rows: list[dict]):
    """The connection, and each column's values (in `names` order) converted for the driver."""
    connection = session.connection()
    columns = []
    for name in names:
        column_type = table.c[name].type
        # Some drivers adapt JSON themselves: give them text, as SQLAlchemy would store it.
        convert = json.dumps if isinstance(column_type, JSON) else column_type.bind_processor(connection.dialect)
        values = [row[name] for row in rows]
        columns.append([v if convert is None or v is None else convert(v) for v in values])
    return connection, tuple(columns)


def _arrays(table: Table, names: list[str], connection) -> str:
    # %b: binary arrays, so text (JSON above all) needs no escaping element by element.
    return ", ".join(f"%b::{table.c[name].type.compile(connection.dialect)}[]" for name in names)
