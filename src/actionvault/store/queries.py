"""Named SQL queries read from `sql/`: shared blocks, overridden per dialect."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_BLOCK = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)
# `:name` but not the `::` of a PostgreSQL cast.
_PARAM = re.compile(r"(?<![:\w]):(\w+)")
_INCLUDE = re.compile(r"\{\{(\w+)\}\}")
# What makes a SELECT or WITH a write: a data-modifying WITH, a row lock, a NOTIFY, or the
# function that adds an execution event.
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|pg_notify|add_execution_event)\b", re.IGNORECASE)


def parse_named_blocks(text: str) -> dict[str, str]:
    """Split a file into `-- name: x` blocks; comments above a name belong to the previous block."""
    parts = _BLOCK.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        lines = [line for line in body.strip().splitlines() if not line.startswith("--")]
        queries[name] = "\n".join(lines).strip().rstrip(";")
    return queries


def is_read_only(sql: str) -> bool:
    """A plain SELECT: safe to run on any connection, and to run again after a failure."""
    return sql.lstrip().upper().startswith(("SELECT", "WITH")) and not _WRITES.search(sql)


def to_pyformat(sql: str) -> str:
    """psycopg takes `%(name)s` where SQLite takes `:name`; literal `%` must be doubled."""
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


@cache
def load_queries(dialect: str) -> dict[str, str]:
    """All named queries for a dialect, in that dialect's parameter style."""
    sql_dir = resources.files("actionvault.store") / "sql"
    shared = parse_named_blocks((sql_dir / "queries.sql").read_text("utf-8"))
    own = parse_named_blocks((sql_dir / dialect / "queries.sql").read_text("utf-8"))
    # A block may build on a shared one, named `{{name}}`, so that logic both dialects run
    # (say, when a finish may overwrite an execution) is written once.
    queries = {
        name: _INCLUDE.sub(lambda m: shared[m.group(1)], sql)
        for name, sql in (shared | own).items()
    }
    if dialect == "postgres":
        queries = {name: to_pyformat(sql) for name, sql in queries.items()}
    return queries


def load_migrations(dialect: str) -> list[tuple[int, str, str]]:
    """(number, name, sql) of each migration file, in order."""
    folder = resources.files("actionvault.store") / "sql" / dialect / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text("utf-8")))
    return sorted(found)
