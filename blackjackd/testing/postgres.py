"""A throwaway PostgreSQL server for tests.

``fresh_database_url()`` starts one cluster per test process, the first time
it is called, and gives each caller a new empty database on it. The cluster
lives in a private temporary directory, listens on a Unix socket there and
on no TCP port, trusts whoever can reach that socket, and runs with
``fsync=off``: fast and disposable, for tests only. It is stopped
(``pg_ctl stop -m immediate``) and deleted when the process exits; should
the process be killed, a small watchdog process does that instead.

As root, which ``initdb`` refuses to be, the server runs as the ``postgres``
user (through ``runuser``). Where PostgreSQL's programs or psycopg are
missing, ``postgres_skip_reason()`` says so, for ``unittest.SkipTest``.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

#: The server's settings: no TCP, and durability traded for speed.
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "16MB",
    "log_min_messages": "warning",
}
#: Seconds to wait for initdb and pg_ctl.
TIMEOUT = 120
#: The user whose processes run the server when this process is root.
SERVER_USER = "postgres"
_PROGRAMS = ("initdb", "pg_ctl", "postgres")


def _version_key(directory: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", directory))


def find_bin_directory() -> Path | None:
    """A directory with ``initdb``, ``pg_ctl`` and ``postgres`` in it: the
    one ``initdb`` is found in on ``PATH``, else Debian's newest
    ``/usr/lib/postgresql/*/bin``."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path is not None:
        # Through any symlink: pg_ctl finds postgres beside its real self.
        candidates.append(Path(on_path).resolve().parent)
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key)
    candidates.extend(Path(directory) for directory in reversed(debian))
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in _PROGRAMS):
            return directory
    return None


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def postgres_skip_reason() -> str | None:
    """Why PostgreSQL tests can't run here, or None if they can."""
    try:
        import psycopg  # noqa: F401 (only whether it is there)
    except ImportError:
        return "psycopg is not installed (pip install 'blackjackd[postgresql]')"
    if find_bin_directory() is None:
        return (
            "PostgreSQL's server programs (initdb, pg_ctl, postgres) are not on "
            "PATH nor in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        )
    if _is_root():
        if shutil.which("runuser") is None:
            return "running as root, and there is no runuser to start PostgreSQL as"
        import pwd

        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return (
                f"running as root, which initdb refuses, and there is no "
                f"{SERVER_USER!r} user to run PostgreSQL as"
            )
    return None


class PostgresCluster:
    """A PostgreSQL server of its own in a temporary directory.

    ``start`` creates and starts it, ``stop`` stops it and deletes the
    directory; ``fresh_database_url`` creates a database on it.
    """

    def __init__(self, bin_directory: Path | None = None) -> None:
        found = bin_directory or find_bin_directory()
        if found is None:
            raise RuntimeError(postgres_skip_reason() or "no PostgreSQL programs")
        self.bin_directory = found
        self.directory: Path | None = None
        self._names = itertools.count(1)
        self._lock = threading.Lock()
        self._watchdog: subprocess.Popen[bytes] | None = None

    @property
    def data_directory(self) -> Path:
        return self._started_directory() / "data"

    def _started_directory(self) -> Path:
        if self.directory is None:
            raise RuntimeError("the cluster isn't started")
        return self.directory

    def _run(self, *command: str) -> None:
        """Run a PostgreSQL program as the server's user."""
        program = [str(self.bin_directory / command[0]), *command[1:]]
        if _is_root():
            program = ["runuser", "-u", SERVER_USER, "--", *program]
        result = subprocess.run(
            program,
            cwd=self._started_directory(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(program)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}{self._log_tail()}"
            )

    def _log_tail(self) -> str:
        log = self._started_directory() / "server.log"
        try:
            return "\nserver log:\n" + log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self) -> None:
        """Create the cluster and start its server; waits until it answers."""
        if self.directory is not None:
            return
        self.directory = Path(tempfile.mkdtemp(prefix="blackjackd-postgres-"))
        try:
            if _is_root():
                import pwd

                user = pwd.getpwnam(SERVER_USER)
                os.chown(self.directory, user.pw_uid, user.pw_gid)
            self._run(
                "initdb",
                "--pgdata",
                str(self.data_directory),
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                # Nothing here must survive a crash: don't wait for the disk.
                "--no-sync",
            )
            settings = dict(SETTINGS, unix_socket_directories=f"'{self.directory}'")
            with (self.data_directory / "postgresql.conf").open("a") as conf:
                conf.write("\n# blackjackd's throwaway test cluster\n")
                conf.writelines(
                    f"{name} = {value}\n" for name, value in settings.items()
                )
            self._run(
                "pg_ctl",
                "start",
                "--pgdata",
                str(self.data_directory),
                "--log",
                str(self.directory / "server.log"),
                "--wait",
                "--timeout",
                str(TIMEOUT),
            )
            self._start_watchdog()
        except BaseException:
            self.stop()
            raise

    def _start_watchdog(self) -> None:
        # A process of its own session that waits for this one's end (its
        # stdin closes) and then stops the server, in case atexit never runs.
        stop = self._stop_command()
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(self.directory), *stop],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _stop_command(self) -> list[str]:
        command = [
            str(self.bin_directory / "pg_ctl"),
            "stop",
            "--pgdata",
            str(self.data_directory),
            "--mode",
            "immediate",
            "--wait",
        ]
        if _is_root():
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return command

    def stop(self) -> None:
        """Stop the server at once (no checkpoint) and delete the cluster."""
        directory = self.directory
        if directory is None:
            return
        if (directory / "data" / "postmaster.pid").exists():
            subprocess.run(
                self._stop_command(),
                cwd=directory,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT,
            )
        shutil.rmtree(directory, ignore_errors=True)
        self.directory = None
        if self._watchdog is not None:
            # Its stdin closing now finds nothing left to do.
            self._watchdog.kill()
            self._watchdog.wait()
            self._watchdog = None

    def url(self, database: str = "postgres") -> str:
        """A URL for ``database`` on this cluster, through its socket."""
        socket_directory = quote(str(self._started_directory()), safe="")
        return f"postgresql:///{database}?host={socket_directory}&user=postgres"

    def fresh_database_url(self) -> str:
        """A URL for a new, empty database."""
        import psycopg

        with self._lock:
            name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url`` (made by ``fresh_database_url``),
        disconnecting whoever is still connected to it."""
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        if not re.fullmatch(r"test_\d+_\d+", name):
            raise ValueError(f"{url!r} isn't a database of this cluster's making")
        if self.directory is None:
            return
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_WATCHDOG = """
import shutil, subprocess, sys
sys.stdin.buffer.read()
subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, capture_output=True)
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""

_cluster: PostgresCluster | None = None
_cluster_lock = threading.Lock()


def cluster() -> PostgresCluster:
    """This process's cluster, started on the first call, stopped at exit.

    ``RuntimeError`` if PostgreSQL is missing (see ``postgres_skip_reason``)
    or fails to start (with its output and log).
    """
    global _cluster
    with _cluster_lock:
        if _cluster is None:
            reason = postgres_skip_reason()
            if reason is not None:
                raise RuntimeError(reason)
            started = PostgresCluster()
            started.start()
            atexit.register(started.stop)
            _cluster = started
        return _cluster


def fresh_database_url() -> str:
    """A URL for a new, empty database on this process's cluster."""
    return cluster().fresh_database_url()


def drop_database(url: str) -> None:
    """Drop a database that ``fresh_database_url`` made."""
    cluster().drop_database(url)
