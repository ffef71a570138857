"""Which named queries count as reads: a read may be retried after a lost connection, a write
may not, since it may have committed."""

from __future__ import annotations

import pytest

from actionvault.store.queries import is_read_only, load_queries, to_pyformat


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM executions WHERE id = :id",
        "WITH recent AS (SELECT id FROM executions) SELECT * FROM recent",
        "SELECT max(updated_at) FROM things",
    ],
)
def test_plain_selects_are_reads(sql: str) -> None:
    assert is_read_only(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE executions SET state = 'running' RETURNING *",
        "WITH created AS (INSERT INTO t (a) VALUES (1) RETURNING id) SELECT id FROM created",
        "WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone",
        "SELECT pg_notify('actionvault_work', '')",
    ],
)
def test_statements_that_change_something_are_not_reads(sql: str) -> None:
    assert not is_read_only(sql)


def test_postgres_one_statement_writes_are_never_retried_as_reads() -> None:
    queries = load_queries("postgres")
    for name in ("create_execution", "finish_execution", "claim_executions"):
        assert not is_read_only(queries[name]), name
    assert is_read_only(queries["execution_by_id"])


def test_a_dialect_block_builds_on_the_shared_block_it_names() -> None:
    shared = load_queries("sqlite")["finish_execution"]
    postgres = load_queries("postgres")["finish_execution"]
    assert postgres.startswith("WITH finished AS (")
    assert "{{" not in postgres
    # The same conditional UPDATE, in PostgreSQL's parameter style, inside the WITH.
    assert to_pyformat(shared) in postgres
