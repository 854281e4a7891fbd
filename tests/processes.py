"""Real servers as separate processes, for the tests that run the site as production does:
gunicorn web processes, Celery workers and beat, a private Redis and a private PostgreSQL.

Every server here is the test's own (a free port, a temporary folder), so a test may stop,
kill or restart it without touching the machine's shared PostgreSQL on 5432 or Redis on 6379.
Each class stops its process in `stop()`; use them from fixtures with a `finally`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REDIS_SERVER = shutil.which("redis-server")
POSTGRES_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def wait_until(check: Callable[[], object], *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(settings_dict: dict[str, Any] | None = None) -> str:
    """The URL of the database this test process uses (the test database)."""
    db = settings_dict or connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def production_environment(
    *, database: str, redis: str, mail: Path, site: str = "http://127.0.0.1"
) -> dict[str, str]:
    """The environment a deployment sets (DEBUG off, a real broker, file email), over plain
    HTTP. The secret key is this process's, so sessions made here sign people in there."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    environment.update(
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=site,
        DATABASE_URL=database,
        REDIS_URL=redis,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail),
        SMS_BACKEND="coproduce.sms.FileBackend",
        SMS_FILE_PATH=str(mail / "texts"),
        CELERY_TASK_ALWAYS_EAGER="false",
        PYTHONUNBUFFERED="1",
    )
    return environment


def collect_static(environment: dict[str, str]) -> None:
    """Production pages name their static files through whitenoise's manifest."""
    subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


class Process:
    """A server process started with a fixed argument list; `stop()` ends it and its children."""

    def __init__(self, arguments: list[str], environment: dict[str, str]) -> None:
        self.arguments = arguments
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
            self.arguments, cwd=ROOT, env=self.environment, start_new_session=True
        )

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def children(self) -> list[int]:
        """The ids of this process's children (a prefork worker's pool, gunicorn's workers)."""
        assert self.process is not None
        found = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)],  # noqa: S607 - procps, on every Debian
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(pid) for pid in found.stdout.split()]


class Gunicorn(Process):
    """The production web server: 2 workers x 2 threads, as in the README."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "coproduce.wsgi:application",
                "-k",
                "gthread",
                "--workers",
                "2",
                "--threads",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            environment,
        )

    def start(self) -> None:
        super().start()
        wait_until(self.answers, timeout=60, what=f"gunicorn on {self.port}")

    def answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/up/", timeout=2).status_code == 200
        except requests.RequestException:
            return False


def celery_worker(environment: dict[str, str], *, concurrency: int = 2) -> Process:
    """A prefork worker, as production runs it."""
    return Process(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "coproduce",
            "worker",
            f"--concurrency={concurrency}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--hostname=worker-{free_port()}@%h",
        ],
        environment,
    )


def celery_beat(environment: dict[str, str], schedule: Path) -> Process:
    return Process(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "coproduce",
            "beat",
            "--loglevel=WARNING",
            f"--schedule={schedule}",
        ],
        environment,
    )


class PrivateRedis:
    """A throwaway redis-server that the test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="redis-server to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own in a temporary folder, on a free port, that the
    test may restart. initdb refuses to run as root, so as root it runs as `postgres`."""

    def __init__(self, folder: Path) -> None:
        if POSTGRES_BIN is None:
            raise RuntimeError("no PostgreSQL server programs under /usr/lib/postgresql")
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/coproduce"
        self.as_owner: list[str] = []
        if os.getuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, program: str, *arguments: str) -> None:
        assert POSTGRES_BIN is not None
        subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [*self.as_owner, str(POSTGRES_BIN / program), *arguments],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "coproduce"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w",
            "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def copy_from(self, source: str) -> None:
        """Copy a database (schema and rows) into this cluster's `coproduce` database."""
        assert POSTGRES_BIN is not None
        dump = subprocess.run(  # noqa: S603
            [str(POSTGRES_BIN / "pg_dump"), "--no-owner", "--no-privileges", source],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(  # noqa: S603
            [str(POSTGRES_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url],
            input=dump,
            check=True,
            stdout=subprocess.DEVNULL,
        )


@contextmanager
def running(*servers: Process | PrivateRedis) -> Iterator[None]:
    """Start the servers in turn, and stop every one that started, whatever happens."""
    started: list[Process | PrivateRedis] = []
    try:
        for server in servers:
            server.start()
            started.append(server)
        yield
    finally:
        for server in reversed(started):
            server.stop()


class Browser(requests.Session):
    """A signed-in browser for a server over plain HTTP. The site marks its cookies Secure (as
    in production); a browser would not send them over HTTP, so they are kept by hand."""

    def __init__(self, session_key: str = "") -> None:
        super().__init__()
        if session_key:
            self.cookies.set(settings.SESSION_COOKIE_NAME, session_key)

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        response = super().request(method, url, *args, **kwargs)
        for cookie in response.cookies:
            self.cookies.set(cookie.name, cookie.value or "")
        return response

    def form(self, url: str) -> dict[str, str]:
        """GET a page and return its CSRF field, ready to post back."""
        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no form on {url}"
        return {"csrfmiddlewaretoken": token.group(1)}


def messages_to(folder: Path) -> dict[str, int]:
    """How many emails the file backend wrote to each recipient (one file may hold a batch)."""
    counts: dict[str, int] = {}
    for path in folder.glob("*.log"):
        for line in path.read_text().splitlines():
            if line.startswith("To: "):
                counts[line[4:]] = counts.get(line[4:], 0) + 1
    return counts


def send_task(redis_url: str, name: str, *args: Any) -> None:
    """Put a task on a private broker, as beat or the site would (same key prefix)."""
    from celery import Celery

    app = Celery("sender", broker=redis_url, set_as_current=False)
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    try:
        app.send_task(name, args=list(args))
    finally:
        app.close()


def signed_in_session(person: Any) -> str:
    """A session key that signs `person` in on any web process of the test database."""
    from django.test import Client

    client = Client()
    client.force_login(person)
    return str(client.session.session_key)


@pytest.fixture(scope="session")
def static_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Collected static files, as production serves them; only where the tests run (CI)."""
    if os.environ.get("REDIS_URL"):
        mail = tmp_path_factory.mktemp("static-mail")
        collect_static(production_environment(database="sqlite:///unused", redis="", mail=mail))


@pytest.fixture
def mail(tmp_path: Path) -> Path:
    """The file email backend's folder."""
    folder = tmp_path / "mail"
    (folder / "texts").mkdir(parents=True)
    return folder


@pytest.fixture
def redis() -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        pytest.fail("redis-server is not on the PATH")
    server = PrivateRedis()
    with running(server):
        yield server
