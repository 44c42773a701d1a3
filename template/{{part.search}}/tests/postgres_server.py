"""Start and stop a throw-away PostgreSQL server for tests.

Usage::

    from pg_server import PostgresServer

    with PostgresServer() as pg:          # initdb + pg_ctl start (~1 s)
        url = pg.create_database("db1")   # 'postgresql+psycopg://postgres@127.0.0.1:PORT/db1'
        ...
    # server stopped, data dir removed

or as a pytest fixture::

    @pytest.fixture(scope="session")
    def pg():
        with PostgresServer() as server:
            yield server

Design notes
* Needs the server binaries only (Debian: ``apt-get install postgresql``; the
  cluster that the package creates and its service are not used).  Binaries are
  looked up in ``$PG_BINDIR``, then the newest ``/usr/lib/postgresql/*/bin``,
  then ``$PATH`` (``pg_config --bindir``).
* PostgreSQL refuses to run as root ("initdb: cannot be run as root").  When we
  are root, initdb/pg_ctl/postgres run as the ``postgres`` user (override with
  ``$PG_TEST_USER``), via subprocess's ``user=``/``group=`` (no sudo/runuser).
* Everything lives in one temporary directory (data dir, unix socket dir, log),
  which is chowned to that user and removed by ``stop()``.
* TCP on 127.0.0.1 only, on a free port; ``trust`` auth; durability switched
  off (fsync, synchronous_commit, full_page_writes) because data are thrown away.
* ``stop()`` is registered with ``atexit`` so an interrupted test run does not
  leave a postmaster behind (SIGKILL of the Python process still can: the
  data dir is then under /tmp/pgtest-*; ``pg_ctl -D .../data stop`` ends it).
* Creating a database uses the ``createdb`` binary, so this module needs no
  Python DB driver; the returned URL needs psycopg 3 (``psycopg[binary]``).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["PostgresServer", "find_bindir"]


def find_bindir() -> Path:
    """Directory holding initdb/pg_ctl/createdb."""
    env = os.environ.get("PG_BINDIR")
    if env:
        return Path(env)

    def major(initdb: str) -> float:  # /usr/lib/postgresql/15/bin/initdb -> 15
        try:
            return float(Path(initdb).parent.parent.name)
        except ValueError:
            return 0.0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=major)
    if candidates:
        return Path(candidates[-1]).parent
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent  # type: ignore[arg-type]
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10)
        if (Path(out.stdout.strip()) / "initdb").exists():
            return Path(out.stdout.strip())
    raise FileNotFoundError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; "
        "install them with `apt-get install postgresql` or set PG_BINDIR"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, bindir: str | os.PathLike | None = None, user: str | None = None,
                 superuser: str = "postgres", start_timeout: int = 60):
        self.bindir = Path(bindir) if bindir else find_bindir()
        self.superuser = superuser  # database role, not the OS user
        self.start_timeout = start_timeout
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self._run_as: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self._run_as = pwd.getpwnam(user or os.environ.get("PG_TEST_USER", "postgres"))

    # -- helpers -----------------------------------------------------------
    def _run(self, *args: str, timeout: int = 60) -> subprocess.CompletedProcess:
        kw: dict = {}
        env = dict(os.environ, LC_ALL="C", LANG="C")
        if self._run_as is not None:
            kw = dict(user=self._run_as.pw_uid, group=self._run_as.pw_gid, extra_groups=[])
            env["HOME"] = self._run_as.pw_dir
            env["USER"] = env["LOGNAME"] = self._run_as.pw_name
        proc = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]], cwd=self.tmpdir, env=env,
            capture_output=True, text=True, timeout=timeout, **kw,
        )
        if proc.returncode != 0:
            log = ""
            if self.tmpdir and (self.tmpdir / "server.log").exists():
                log = (self.tmpdir / "server.log").read_text()[-2000:]
            raise RuntimeError(
                f"{args[0]} failed (rc={proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n{log}"
            )
        return proc

    @property
    def data_dir(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "data"

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> PostgresServer:
        self.tmpdir = Path(tempfile.mkdtemp(prefix="pgtest-"))
        if self._run_as is not None:
            os.chown(self.tmpdir, self._run_as.pw_uid, self._run_as.pw_gid)
        atexit.register(self.stop)
        try:
            self._run("initdb", "-D", str(self.data_dir), "-U", self.superuser,
                      "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
            # The port is free when probed but could be taken before postgres binds it;
            # retry a few times with a new port in that (rare) case.
            for attempt in range(5):
                self.port = _free_port()
                opts = (f"-h 127.0.0.1 -p {self.port} -k {self.tmpdir} "
                        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                        "-c max_connections=200")
                try:
                    self._run("pg_ctl", "start", "-w", "-t", str(self.start_timeout),
                              "-D", str(self.data_dir), "-l", str(self.tmpdir / "server.log"),
                              "-o", opts, timeout=self.start_timeout + 10)
                    break
                except RuntimeError:
                    if attempt == 4:
                        raise
            return self
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its directory. Idempotent."""
        if self.tmpdir is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                try:
                    self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30",
                              timeout=40)
                except (RuntimeError, subprocess.TimeoutExpired):
                    self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w",
                              timeout=40)
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
            atexit.unregister(self.stop)

    def restart(self) -> None:
        """Fast restart on the same port (e.g. to test reconnect handling).
        -l is required: without it the new postmaster inherits our stdout/stderr pipes and
        subprocess.run(capture_output=True) would wait for it forever."""
        self._run("pg_ctl", "restart", "-D", str(self.data_dir), "-m", "fast", "-w",
                  "-t", str(self.start_timeout), "-l", str(self.tmpdir / "server.log"),
                  timeout=self.start_timeout + 10)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------
    def url(self, dbname: str = "postgres", driver: str = "psycopg") -> str:
        """SQLAlchemy URL. driver='psycopg' -> psycopg 3 (what SQLAlchemy 2.1 also picks
        for a bare 'postgresql://'; SQLAlchemy 2.0 picks psycopg2 there)."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{self.superuser}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        """CREATE DATABASE dbname (must not exist) and return its SQLAlchemy URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.superuser, dbname)
        return self.url(dbname)

    def drop_database(self, dbname: str) -> None:
        self._run("dropdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.superuser,
                  "--if-exists", "--force", dbname)


if __name__ == "__main__":
    # Self-check and timing: python pg_server.py
    t0 = time.perf_counter()
    with PostgresServer() as pg:
        t1 = time.perf_counter()
        url = pg.create_database("smoke")
        t2 = time.perf_counter()
        print(f"bindir={pg.bindir} port={pg.port} dir={pg.tmpdir}")
        print(f"url={url}")
        try:
            import sqlalchemy as sa

            with sa.create_engine(url).connect() as c:
                print("server:", c.execute(sa.text("select version()")).scalar())
        except ImportError as e:
            print("(sqlalchemy/psycopg not importable here:", e, ")")
        t3 = time.perf_counter()
    t4 = time.perf_counter()
    print(f"initdb+start {t1 - t0:.2f}s  createdb {t2 - t1:.2f}s  query {t3 - t2:.2f}s  stop+rm {t4 - t3:.2f}s")
