"""The throwaway PostgreSQL server of tests/postgres.py: SQL round trip, nbgrader Gradebook, clean stop."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from postgres import postgres_server, postgres_unavailable_reason, postgres_url  # noqa: F401  (fixture)


def test_sql_round_trip(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg2://postgres@127.0.0.1:")
    assert postgres_url.endswith("/gradebook")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE marks (student text PRIMARY KEY, score real)"))
            conn.execute(sa.text("INSERT INTO marks VALUES (:s, :v)"), {"s": "007", "v": 9.5})
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT student, score FROM marks")).all()
            server = conn.execute(sa.text("SELECT current_database(), inet_server_addr()::text")).one()
        assert rows == [("007", 9.5)]
        assert server[0] == "gradebook"
        assert server[1].startswith("127.0.0.1")
    finally:
        engine.dispose()


def test_nbgrader_gradebook(postgres_url, monkeypatch):
    from nbgrader.api import Gradebook

    # nbgrader runs the `alembic` program when it creates a gradebook: it must be on PATH.
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))

    with Gradebook(postgres_url) as gb:
        gb.add_student("007", first_name="James", last_name="Bond")
        gb.add_assignment("ps1")
    with Gradebook(postgres_url) as gb:  # a new connection: it really is in the database
        student = gb.find_student("007")
        assert student.id == "007"
        assert student.last_name == "Bond"
        assert [s.id for s in gb.students] == ["007"]
        assert [a.name for a in gb.assignments] == ["ps1"]


def _postgres_pids() -> set[int]:
    """Live processes named postgres of the postgres user (exited ones, zombies until reaped, not counted)."""
    out = subprocess.run(["pgrep", "-u", "postgres", "postgres"], capture_output=True, text=True)
    live = set()
    for pid in out.stdout.split():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # gone already
        if state not in ("Z", "X"):
            live.add(int(pid))
    return live


def _left_over(before: set[int], wait_s: float = 5.0) -> set[int]:
    """Server processes that are not in ``before`` and still alive after up to ``wait_s`` seconds."""
    deadline = time.monotonic() + wait_s
    while (left := _postgres_pids() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_server_is_stopped_afterwards_even_on_errors(tmp_path):
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    if shutil.which("pgrep") is None:
        pytest.skip("needs pgrep")
    before = _postgres_pids()  # a system cluster may already run; only new processes count
    with postgres_server(tmp_path / "ok") as url:
        assert _postgres_pids() - before, "no postgres process while the server should run"
        sa.create_engine(url).dispose()
    assert not _left_over(before), "postgres processes left after the context exited"

    with pytest.raises(ZeroDivisionError):
        with postgres_server(tmp_path / "failing") as url:
            engine = sa.create_engine(url)
            with engine.connect() as conn:  # an open connection must not keep the server alive
                conn.execute(sa.text("SELECT 1"))
                1 / 0
    assert not _left_over(before), "postgres processes left after an error in the block"
