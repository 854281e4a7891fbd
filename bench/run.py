"""`make bench`: how fast each page is, at a partnership's size and at a tenth of it.

For each size (small first, then large) it makes a fresh PostgreSQL database, loads it with
`seed_load`, starts gunicorn with production settings (2 workers x 2 threads) against it and
Redis, and drives 16 connections at each page with wrk (a separate process) for a fixed
duration. The ceiling is /up/ on the same server: it does no database work, so a page's
requests per second as a fraction of the ceiling says how much the page itself costs,
whatever the machine. Ceiling runs come between every two pages, and each page's fraction is
taken against the mean of the ceiling runs either side of it; the best of --rounds rounds is
kept. On the large data set it also times the reminder sweep for 10,000 members and the rate
at which one Celery worker relays emails to the file email backend. Every SELECT of every page
is run again under EXPLAIN ANALYZE at each size: the slowest one's time, and any table of more
than 5,000 rows read whole (a filter on a hot path that no index serves), are reported.

Writes bench/results.json (see the README's "Speed" section) and prints a table.
Needs PostgreSQL (BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432),
Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/7, flushed) and wrk on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8790"))
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
CONNECTIONS = 16


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def environment(database: str, mail: Path) -> dict[str, str]:
    """Production settings, as a real deployment sets them, but over plain HTTP."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "DATABASE_URL": f"{SERVER}/{database}",
        "REDIS_URL": REDIS,
        "REDIS_KEY_PREFIX": "bench",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }


def run(command: list[str], env: dict[str, str]) -> str:
    return subprocess.run(
        command, env=env, cwd=ROOT, check=True, text=True, stdout=subprocess.PIPE
    ).stdout


def manage(env: dict[str, str], *arguments: str) -> str:
    return run([PYTHON, "manage.py", *arguments], env)


def measure(env: dict[str, str], *arguments: str) -> Any:
    return json.loads(run([PYTHON, str(BENCH / "measure.py"), *arguments], env).splitlines()[-1])


def fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def settle(base: str) -> None:
    """Wait until requests queued by the last run are served (a slow page leaves up to 16
    waiting), so that each run starts on an idle server: /up/ answers within 50 ms twice."""
    deadline, quick = time.monotonic() + 60, 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/up/", timeout=30) as response:  # noqa: S310
            response.read()
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0


def wrk(url: str, seconds: int, cookie: str = "") -> dict[str, Any]:
    settle(url.split("/", 3)[0] + "//" + url.split("/", 3)[2])
    command = [
        "wrk",
        f"-t{min(CONNECTIONS, 2)}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "report.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], check=True, text=True, stdout=subprocess.PIPE).stdout
    figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def bench_pages(
    env: dict[str, str], pages: list[dict[str, Any]], args: argparse.Namespace
) -> tuple[float, dict[str, Any]]:
    """Run gunicorn and drive wrk at every page; returns the ceiling and each page's best."""
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "coproduce.wsgi:application",
            "--workers",
            "2",
            "--threads",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_until_up(f"{base}/up/", server)
        for page in pages:  # one short warm-up each: the server's own caches fill
            wrk(base + page["url"], 1, page["cookie"])
        ceilings: list[float] = []
        best: dict[str, dict[str, Any]] = {}
        for round_number in range(args.rounds):
            say(f"  round {round_number + 1} of {args.rounds}")
            before = wrk(f"{base}/up/", args.seconds)["rps"]
            ceilings.append(before)
            for page in pages:
                figures = wrk(base + page["url"], args.seconds, page["cookie"])
                after = wrk(f"{base}/up/", args.seconds)["rps"]
                ceilings.append(after)
                ceiling = (before + after) / 2
                fraction = figures["rps"] / ceiling if ceiling else 0.0
                before = after
                if figures["errors"]:
                    say(f"    {page['name']}: {figures['errors']} errors")
                kept = best.get(page["name"])
                if kept is None or fraction > kept["fraction"]:
                    best[page["name"]] = {
                        "rps": round(figures["rps"], 1),
                        "fraction": round(fraction, 3),
                        "p50_ms": round(figures["p50_us"] / 1000, 1),
                        "p95_ms": round(figures["p95_us"] / 1000, 1),
                        "errors": figures["errors"],
                        "queries": page["queries"],
                        "bytes": page["bytes"],
                        "slowest_query_ms": page["slowest_query_ms"],
                        "big_table_scans": page["big_table_scans"],
                    }
        return statistics.median(ceilings), best
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def relay_rate(env: dict[str, str], count: int) -> dict[str, Any]:
    """Queue `count` emails and time one Celery worker (2 processes) sending them all."""
    ids = measure(env, "queue", str(count))
    worker = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "coproduce",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        time.sleep(5)  # the worker starts before the clock does
        started = time.perf_counter()
        run(
            [
                PYTHON,
                "-c",
                # As the site does after a change that sends messages: one delivery task per
                # batch of ids (the relay sweep takes only the oldest OUTBOX_BATCH_SIZE).
                "import sys; from coproduce.celery import app; first, last = map(int, "
                "sys.argv[1:]); [app.send_task('participation.tasks.deliver_messages', "
                "args=[list(range(n, min(n + 100, last + 1)))]) "
                "for n in range(first, last + 1, 100)]",
                str(ids["first"]),
                str(ids["last"]),
            ],
            env,
        )
        while True:
            sent = measure(env, "sent", str(ids["first"]), str(ids["last"]))
            if sent["sent"] + sent["not_sent"] >= count or time.perf_counter() - started > 300:
                break
            time.sleep(1)
        seconds = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
    return {**sent, "seconds": round(seconds, 1), "per_second": round(sent["sent"] / seconds, 1)}


def one_size(label: str, projects: int, users: int, args: argparse.Namespace) -> dict[str, Any]:
    database = f"coproduce_bench_{label}"
    mail = Path(tempfile.mkdtemp(prefix="coproduce-bench-mail-"))
    env = environment(database, mail)
    say(f"{label}: {projects} projects, {users} people")
    fresh_database(database)
    flush_redis()
    manage(env, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    manage(
        env,
        "seed_load",
        "--projects",
        str(projects),
        "--users",
        str(users),
        "--seed",
        str(args.seed),
        "--not-production",
        "-v0",
    )
    load_seconds = time.perf_counter() - started
    pages = measure(env, "pages")
    for page in pages:
        if page["status"] != 200:
            raise SystemExit(f"{page['name']} ({page['url']}) answered {page['status']}")
    ceiling, figures = bench_pages(env, pages, args)
    result: dict[str, Any] = {
        "ceiling_rps": round(ceiling, 1),
        "pages": figures,
        "dataset": {
            "projects": projects,
            "users": users,
            "seed": args.seed,
            "load_seconds": round(load_seconds, 1),
        },
    }
    if label == "large":
        # The relay first: the sweep queues 10,000 reminders that would otherwise go first.
        say("  the relay")
        result["relay"] = relay_rate(env, args.relay)
        say("  the reminder sweep")
        result["sweep"] = measure(env, "sweep")
    shutil.rmtree(mail, ignore_errors=True)
    return result


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def table(results: dict[str, Any]) -> str:
    rows = [
        "| page | of ceiling (large) | p95 ms | queries | slowest query ms | KB "
        "| of ceiling (small) | kept |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, large in results["pages"].items():
        small = results["pages_small"].get(name, {})
        kept = large["rps"] / small["rps"] if small.get("rps") else 0
        rows.append(
            f"| {name} | {large['fraction']:.3f} | {large['p95_ms']:.0f} | {large['queries']} | "
            f"{large['slowest_query_ms']:.1f} | {large['bytes'] / 1024:.0f} | "
            f"{small.get('fraction', 0):.3f} | {kept:.2f} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--relay", type=int, default=2000, help="emails to relay")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk: apt-get install -y wrk")
    manage(environment("unused", ROOT), "collectstatic", "--noinput", "-v0")
    small = one_size("small", max(args.projects // 10, 1), max(args.users // 10, 10), args)
    large = one_size("large", args.projects, args.users, args)
    results = {
        "ceiling_rps": large["ceiling_rps"],
        "pages": large["pages"],
        "pages_small": small["pages"],
        "ceiling_rps_small": small["ceiling_rps"],
        "dataset": large["dataset"],
        "dataset_small": small["dataset"],
        "sweep": large.get("sweep"),
        "relay": large.get("relay"),
        "connections": CONNECTIONS,
        "seconds_per_run": args.seconds,
        "rounds": args.rounds,
        "machine": machine(),
    }
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    for name, page in results["pages"].items():
        if page["big_table_scans"]:
            print(f"{name} reads whole: {', '.join(page['big_table_scans'])}")
    print(
        f"\nceiling {results['ceiling_rps']:.0f} requests/s; sweep {results['sweep']}; "
        f"relay {results['relay']}"
    )


if __name__ == "__main__":
    main()
