"""A real, throwaway PostgreSQL server for tests.

    from postgres import postgres_url  # the fixture; a test takes ``postgres_url`` as an argument

    def test_something(postgres_url):
        engine = sqlalchemy.create_engine(postgres_url)

``postgres_server(tmp_path)`` is the context manager underneath: it runs ``initdb`` in a
subfolder of ``tmp_path`` (or, when the ``postgres`` user cannot reach ``tmp_path``, in a
private folder under the system temp folder that it removes again, copying the server log
into ``tmp_path``), starts the server on 127.0.0.1 at a free port with trust authentication
and fsync off, creates the database ``gradebook``, yields
``postgresql+psycopg2://postgres@127.0.0.1:PORT/gradebook`` and stops the server with
``pg_ctl stop -m immediate`` when the block ends, errors included.

PostgreSQL refuses to run as root, so when the tests run as root the server programs run
as the ``postgres`` system user. ``postgres_unavailable_reason()`` says, in one sentence,
why no server can be started here (or returns None), so that tests can skip.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

DATABASE = "gradebook"
SUPERUSER = "postgres"
SERVER_USER = "postgres"  # the system user the server runs as when the tests run as root
START_TIMEOUT_S = 60


def find_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: ``pg_config --bindir``, else PATH, else /usr/lib/postgresql."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    # Debian and Ubuntu keep the server programs off PATH; the newest version first.
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    versions.sort(key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")], reverse=True)
    candidates.extend(Path(p) for p in versions)
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "createdb")):
            return bindir
    return None


def _server_user() -> pwd.struct_passwd | None:
    """The user to run the server as: ``postgres`` when we are root, None (ourselves) otherwise."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam(SERVER_USER)


def postgres_unavailable_reason() -> str | None:
    """Why no throwaway PostgreSQL server can run here, in one sentence; None when it can."""
    if find_bindir() is None:
        return "PostgreSQL server programs (initdb, pg_ctl, createdb) not found: no pg_config, initdb on PATH or /usr/lib/postgresql/*/bin."
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root, and there is no {SERVER_USER!r} system user to run the PostgreSQL server as."
    try:
        import psycopg2  # noqa: F401
    except ImportError as error:
        return f"psycopg2 is not importable ({error}); install psycopg2-binary."
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _child_env() -> dict[str, str]:
    """Our environment without PG* variables (PGDATA, PGHOST, ...) that would redirect the tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _run(args: list, user: pwd.struct_passwd | None, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a server program as ``user`` (None: ourselves); raise with its output when it fails."""
    extra: dict = {}
    env = _child_env()
    if user is not None:
        extra = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        env.update(HOME=user.pw_dir, USER=user.pw_name, LOGNAME=user.pw_name)
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, **extra
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(str(a) for a in args)} failed with exit status {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result


def _reachable(folder: Path, user: pwd.struct_passwd | None) -> bool:
    """Whether ``user`` can enter ``folder`` (pytest's base temp folder is mode 0700 for root)."""
    if user is None:
        return True
    try:
        return subprocess.run(
            ["test", "-x", str(folder)], cwd="/", user=user.pw_uid, group=user.pw_gid, extra_groups=[],
            capture_output=True, timeout=30,
        ).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _give(path: Path, user: pwd.struct_passwd | None) -> None:
    if user is not None:
        os.chown(path, user.pw_uid, user.pw_gid)


@contextlib.contextmanager
def postgres_server(tmp_path: Path, database: str = DATABASE) -> Iterator[str]:
    """Start a throwaway PostgreSQL server; yield its SQLAlchemy URL; stop it (``-m immediate``) afterwards."""
    reason = postgres_unavailable_reason()
    if reason:
        raise RuntimeError(f"cannot start PostgreSQL: {reason}")
    bindir = find_bindir()
    assert bindir is not None
    user = _server_user()

    home = Path(tmp_path) / "postgres"
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    _give(home, user)
    scratch: Path | None = None
    # A unix socket path must stay under ~107 bytes; pytest's tmp_path can be long, too.
    if not _reachable(home, user) or len(str(home)) > 70:
        scratch = Path(tempfile.mkdtemp(prefix="pg-"))  # mode 0700, under /tmp
        _give(scratch, user)
        base = scratch
    else:
        base = home
    data, sockets, log = base / "data", base / "sockets", base / "server.log"
    sockets.mkdir()
    _give(sockets, user)

    started = False
    try:
        _run(
            [bindir / "initdb", "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            user, cwd=base,
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "'" + str(sockets).replace("'", "''") + "'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "50",
            "shared_buffers": "16MB",
        }
        for attempt in range(3):  # the free port can be taken between free_port() and the start
            port = free_port()
            with open(data / "postgresql.conf", "a") as conf:
                conf.write("\n# throwaway test server\n")
                for key, value in {**settings, "port": str(port)}.items():
                    conf.write(f"{key} = {value}\n")
            try:
                started = True  # from here on, try to stop it even when pg_ctl start fails
                _run(
                    [bindir / "pg_ctl", "start", "-D", data, "-l", log, "-w", "-t", START_TIMEOUT_S],
                    user, cwd=base, timeout=START_TIMEOUT_S + 30,
                )
                break
            except RuntimeError:
                _stop(bindir, data, user, base)
                started = False
                in_use = log.exists() and "could not bind" in log.read_text(errors="replace")
                if attempt == 2 or not in_use:
                    raise RuntimeError(f"PostgreSQL did not start; its log:\n{_tail(log)}") from None
        _run(
            [bindir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", SUPERUSER, database],
            None, cwd=base,
        )
        yield f"postgresql+psycopg2://{SUPERUSER}@127.0.0.1:{port}/{database}"
    finally:
        try:
            if started:
                _stop(bindir, data, user, base)
        finally:
            if scratch is not None:
                if log.exists():
                    shutil.copyfile(log, home / "server.log")
                shutil.rmtree(scratch, ignore_errors=True)


def _stop(bindir: Path, data: Path, user: pwd.struct_passwd | None, base: Path) -> None:
    """``pg_ctl stop -m immediate``, waiting until the postmaster is gone; quiet when none runs."""
    if not (data / "postmaster.pid").exists():
        return
    extra: dict = {}
    if user is not None:
        extra = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    subprocess.run(
        [str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w", "-t", str(START_TIMEOUT_S)],
        cwd=base, env=_child_env(), capture_output=True, timeout=START_TIMEOUT_S + 30, **extra,
    )


def _tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def postgres_url(tmp_path) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh PostgreSQL database, server stopped after the test; skips when unavailable."""
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server(tmp_path) as url:
        yield url
