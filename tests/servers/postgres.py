"""A throwaway PostgreSQL 15 cluster for the test session, and a fresh database per test.

    async def test_x(postgres_db_url: str) -> None:   # postgresql://postgres@127.0.0.1:PORT/test_<hex>
        conn = await asyncpg.connect(postgres_db_url)

`postgres_url` (session) names one database shared by the session; `postgres_db_url` (function)
creates its own database and drops it after the test. The cluster listens on 127.0.0.1 only, on a
free port, with its unix socket in its temp dir, fsync off, trust auth; it runs as the `postgres`
system user when the tests run as root (postgres refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import unavailable

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
INSTALL_HINT = "apt-get install postgresql (PostgreSQL 15), or `make install` as root"
SUPERUSER = "postgres"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    socket_dir: Path
    run_as: list[str]  # command prefix that drops root, or []

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> None:
        connect = ["-h", self.host, "-p", str(self.port), "-U", self.user, "-d", dbname]
        subprocess.run(
            [str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", *connect, "-c", sql],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)


def _drop_root(tmp: Path) -> list[str]:
    """As root: hand the temp dir to the `postgres` system user and return the prefix that runs as it."""
    if os.geteuid() != 0:
        return []
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        useradd = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]
        subprocess.run(useradd, check=True)
        pw = pwd.getpwnam("postgres")
    for path in [tmp, *tmp.rglob("*")]:
        os.chown(path, pw.pw_uid, pw.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


class ClusterError(RuntimeError):
    """The throwaway cluster could not be made or started."""


class ClusterMissing(ClusterError):
    """PostgreSQL is not installed."""


@contextmanager
def throwaway_cluster(durable: bool = False, max_connections: int = 50) -> Iterator[PostgresServer]:
    """A PostgreSQL cluster in a temp dir on a free 127.0.0.1 port, removed on exit (the tests', and the benches').

    ``durable`` keeps fsync and synchronous commit on, for benchmarks that time writes; the
    tests turn them off for speed.
    """
    missing = [name for name in ("initdb", "pg_ctl", "postgres", "psql") if not (PG_BIN / name).is_file()]
    if missing:
        raise ClusterMissing(f"PostgreSQL not installed ({', '.join(missing)} missing under {PG_BIN}): {INSTALL_HINT}")

    tmp = Path(tempfile.mkdtemp(prefix="pytest-pg-"))
    data, sock, log = tmp / "data", tmp / "sock", tmp / "postgres.log"
    sock.mkdir()
    run_as = _drop_root(tmp)
    started = False
    try:
        init_options = ["-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]
        init = _run([*run_as, str(PG_BIN / "initdb"), "-D", str(data), *init_options, "--no-instructions"], cwd=tmp)
        if init.returncode != 0:
            raise ClusterError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")

        speed = "" if durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        for _attempt in range(3):  # the free port can be taken between probing and binding
            port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock}{speed} -c max_connections={max_connections}"
            pg_ctl_start = [str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "30", "-D", str(data), "-l", str(log)]
            start = _run([*run_as, *pg_ctl_start, "-o", options], cwd=tmp)
            if start.returncode == 0:
                started = True
                break
        if not started:
            tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
            raise ClusterError(f"PostgreSQL did not start: {start.stderr.strip()} {' | '.join(tail)}")

        yield PostgresServer(host="127.0.0.1", port=port, user=SUPERUSER, socket_dir=sock, run_as=run_as)
    finally:
        if started:
            _run([*run_as, str(PG_BIN / "pg_ctl"), "stop", "-m", "immediate", "-w", "-D", str(data)], cwd=tmp)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        with throwaway_cluster() as server:
            yield server
    except ClusterMissing as exc:
        unavailable(str(exc))
    except ClusterError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """postgresql://postgres@127.0.0.1:PORT/test: one database for the whole session."""
    postgres_server.psql("CREATE DATABASE test")
    return postgres_server.url("test")


@pytest.fixture
def postgres_db_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A database of this test's own, created empty and dropped after it."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    postgres_server.psql(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    postgres_server.psql(f"DROP DATABASE {name} WITH (FORCE)")
