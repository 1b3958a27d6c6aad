"""A fresh database, the demo day in it, and real daphne processes serving it."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
PG_DATABASE = "dld_bench"  # unless BENCH_DATABASE says otherwise: see pg_database()
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    return port_answers(PG_HOST, PG_PORT)


def redis_available() -> bool:
    return port_answers("127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Setup:
    """Where this run's data lives and the environment every process of the run shares."""

    database: str  # "sqlite" or "postgres"
    processes: int
    workdir: Path
    database_url: str = ""
    redis_url: str = ""
    prefix: str = field(default_factory=lambda: f"dldbench{os.getpid()}")
    extra_env: dict[str, str] = field(default_factory=dict)  # --server-env, for what-if runs
    app: str = "config.asgi:application"  # --asgi-app, for what-if runs
    root: Path = ROOT  # the source tree daphne serves (bench.rush: another commit's, for a baseline)

    def environment(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "bench",
            "DEBUG": "0",
            "DEMO_PASSWORD": "bench",  # seed_demo refuses the well-known password with DEBUG off
            "SECURE_SSL": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "http://127.0.0.1:8000",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # The production default: a sender thread of the process renders and sends after
            # the answer (the registration bench waits for the outbox to drain).
            "EMAIL_DELIVERY": "thread",
            "LOG_LEVEL": "WARNING",
            "CHANNEL_LAYER_PREFIX": self.prefix,
            "PYTHONDONTWRITEBYTECODE": "1",
            # The bench is one client IP with a few scanner tokens: the limits stay on (their
            # counting is part of each request's cost) but so high that they never answer 429.
            "RATE_LIMIT_REGISTRATION": "1000000/60",
            "RATE_LIMIT_SIGNUP": "1000000/60",
            "RATE_LIMIT_SCANNER": "1000000/60",
        }
        env.pop("EVENT_SLUG", None)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        else:
            env.pop("REDIS_URL", None)
        env.update(self.extra_env)
        env.update(extra)
        return env


def pg_database() -> str:
    """Other runs may share the PostgreSQL server: BENCH_DATABASE gives a run a database of its own."""
    return os.environ.get("BENCH_DATABASE", PG_DATABASE)


def create_database(setup: Setup) -> None:
    """An empty database: a new SQLite file, or PostgreSQL `dld_bench` (or BENCH_DATABASE) dropped
    and created."""
    if setup.database == "sqlite":
        setup.database_url = f"sqlite:///{setup.workdir / 'bench.sqlite3'}"
        return
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {pg_database()} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {pg_database()}")
    setup.database_url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_database()}"


def drop_database(setup: Setup) -> None:
    if setup.database != "postgres":
        return
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {pg_database()} WITH (FORCE)")


def manage(setup: Setup, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=setup.environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if completed.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout.strip()


def prepare_database(setup: Setup) -> dict[str, object]:
    """migrate + seed_demo (no attendees), timed."""
    started = time.perf_counter()
    create_database(setup)
    manage(setup, "migrate", "--noinput", "-v", "0")
    migrated = time.perf_counter()
    seeded = manage(setup, "seed_demo")
    done = time.perf_counter()
    return {
        "migrate_s": round(migrated - started, 2),
        "seed_demo_s": round(done - migrated, 2),
        "seed_demo": seeded.splitlines()[0] if seeded else "",
    }


def setup_django(setup: Setup) -> None:
    """Point this (bench) process's Django at the run's database, for the ORM checks.

    No REDIS_URL here: what the bench process itself publishes (registrations it makes for the
    race scenarios) stays in its own in-memory layer, out of the way of the measured sockets.
    """
    env = setup.environment(ALLOWED_HOSTS="127.0.0.1,testserver")
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)  # whitenoise
    django.setup()


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def wait_until_serving(
    url: str,
    process: subprocess.Popen,
    log: Path,
    *,
    path: str = "/api/v1/openapi.json",
    timeout: float = 60.0,
) -> None:
    """Block until the daphne `process` answers `path` (any HTTP status), or raise with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}: {log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url + path, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne on {url} did not answer within {timeout} s")


@contextlib.contextmanager
def daphnes(setup: Setup, app: str, count: int, probe: str, timeout: float = 60.0) -> Iterator[list[Server]]:
    """`count` real `python -m daphne` processes serving `app`, each on its own port, each
    answering `probe` within `timeout` seconds."""
    servers: list[Server] = []
    try:
        for index in range(count):
            port = free_port()
            log = setup.workdir / f"daphne-{app.split(':')[0]}-{index}-{port}.log"
            with log.open("w") as handle:
                process = subprocess.Popen(
                    [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), app],
                    cwd=setup.root,
                    env=setup.environment(),
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            servers.append(Server(port, process, log))
        for server in servers:
            wait_until_serving(server.url, server.process, server.log, path=probe, timeout=timeout)
        yield servers
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def server_log_tail(servers: list[Server], limit: int = 1500) -> dict[str, str]:
    """The last lines each daphne wrote (warnings and tracebacks only at LOG_LEVEL=WARNING)."""
    tails = {}
    for server in servers:
        with contextlib.suppress(OSError):
            text = server.log.read_text(errors="replace").strip()
            if text:
                tails[str(server.port)] = text[-limit:]
    return tails


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resident_kib(pid: int) -> int:
    """A process's resident memory (VmRSS) in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds_with_children(pid: int) -> float:
    """Like cpu_seconds, plus the CPU of its exited children (PostgreSQL: its ended backends)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """The PostgreSQL postmaster(s) and their live backends on this machine (any cluster user)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def postgres_cpu() -> float:
    """CPU of the whole PostgreSQL server so far: the postmaster with its ended backends, plus the live
    backends. Shared by everything that uses the server (other work on the machine included)."""
    pids = postgres_pids()
    parents = {}
    for pid in pids:
        try:
            parents[pid] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    total = 0.0
    for pid, parent in parents.items():
        total += cpu_seconds_with_children(pid) if parent not in parents else cpu_seconds(pid)
    return total


class Watch:
    """Around one load phase: the CPU time the servers and this client used (robust when other work
    shares the machine: waiting does not count), and `py-spy record` on each daphne with --profile."""

    def __init__(self, servers: list[Server], name: str, profile: bool):
        self.servers = servers
        self.name = name
        self.profile = profile and shutil.which("py-spy", path=str(Path(sys.executable).parent)) is not None
        self.spies: list[subprocess.Popen] = []
        self.server_cpu = 0.0
        self.client_cpu = 0.0
        self.postgres = name.startswith("postgres")
        self.postgres_cpu = 0.0

    def __enter__(self) -> "Watch":
        if self.profile:
            RESULTS.mkdir(exist_ok=True)
            spy = str(Path(sys.executable).parent / "py-spy")
            for index, server in enumerate(self.servers):
                output = RESULTS / f"profile-{self.name}-{index}.txt"
                self.spies.append(
                    subprocess.Popen(
                        [spy, "record", "-p", str(server.pid), "-r", "250", "-f", "raw", "-o", str(output)],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            time.sleep(1.0)  # py-spy attaches
        self.server_cpu = -sum(cpu_seconds(server.pid) for server in self.servers)
        self.client_cpu = -time.process_time()
        self.postgres_cpu = -postgres_cpu() if self.postgres else 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.server_cpu += sum(cpu_seconds(server.pid) for server in self.servers)
        self.client_cpu += time.process_time()
        if self.postgres:
            self.postgres_cpu += postgres_cpu()
        for spy in self.spies:
            spy.send_signal(signal.SIGINT)
        for spy in self.spies:
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.kill()

    def figures(self, requests: int) -> dict[str, float | str | None]:
        if not requests:
            return {}
        server_ms = self.server_cpu / requests * 1000
        return {
            "server_cpu_ms_per_request": round(server_ms, 2),
            # One Python process uses at most about one core (the GIL): its ceiling per process.
            "server_cpu_bound_requests_per_s_per_process": round(1000 / server_ms, 1) if server_ms else None,
            "client_cpu_ms_per_request": round(self.client_cpu / requests * 1000, 3),
            **(
                {"postgres_cpu_ms_per_request": round(self.postgres_cpu / requests * 1000, 2)}
                if self.postgres
                else {}
            ),
            **({"profiled": "py-spy was sampling: figures are slower than without"} if self.profile else {}),
        }


def make_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="dld-bench-"))
