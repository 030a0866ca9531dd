"""How big a class one small server holds: a class with realistic pacing, at growing sizes.

    .venv/bin/python benchmarks/capacity.py [--sizes 500,1000,1500,2000,2500]
        [--configs sqlite,sqlite+redis,postgres,postgres+redis] [--workers 5]
        [--login-window 120] [--start-window 30] [--measure 120] [--quick]

For each configuration and class size (ascending, until one is not held), on a fresh database:
the demo content and N students, gunicorn as in production with the documented worker count
(2 x cores + 1 sync workers), and a simulated class on loopback:

- the students log in over the first two minutes (the login form, its CSRF token, a password
  check), at random moments;
- everyone starts the timed test (rapallo-test) within 30 s of "9:00" and gets its first page;
- then for each question: the question card (an htmx fragment), one or two autosaves, "Save and
  next", and 15 to 40 s of thinking in all, until the measuring window (two minutes) ends.

A size is held when no request failed (anything but the expected status) and the 95th
percentile of every phase (logins, starts, the quiz) is under 300 ms. The script prints the
curve (students, requests/s, p50/p95/p99 per phase, errors, the CPU of the server, of the
database server and of this load generator, in cores) and the largest class held per
configuration, then one line of JSON. The load generator is a small asyncio HTTP/1.1 client
(no HTTP library), so that it takes little of the two cores it shares with the server.
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.class_under_load import (  # noqa: E402
    children,
    choose_answer,
    controls,
    drop_postgres_database,
    free_port,
    manage,
    postgres_database,
)

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
QUIZ = "rapallo-test"
TARGET_P95_MS = 300
CLK_TCK = os.sysconf("SC_CLK_TCK")

STUDENTS = """\
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from quizzes.models import Membership, Quiz
User = get_user_model()
hashed = make_password(os.environ["CAPACITY_PASSWORD"])  # once: every student has this password
count = int(os.environ["CAPACITY_STUDENTS"])
students = User.objects.bulk_create(
    [User(username=f"cap{i:05}", password=hashed) for i in range(count)], batch_size=1000
)
course = Quiz.objects.get(slug="rapallo-test").course
Membership.objects.bulk_create(
    [Membership(course=course, user=user, role="student") for user in students], batch_size=1000
)
"""


# A small HTTP/1.1 client: gunicorn's sync workers close every connection, so one per request.


@dataclass
class Reply:
    status: int
    headers: dict
    text: str


async def fetch(port: int, method: str, path: str, headers: dict, body: bytes = b"") -> Reply:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        found: dict = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                found.setdefault(name.strip().lower(), []).append(value.strip())
        length = int(found.get("content-length", ["0"])[0])
        data = await reader.readexactly(length) if length else await reader.read()
        return Reply(int(status_line.split()[1]), found, data.decode("utf-8", "replace"))
    finally:
        writer.close()


# Measurements


@dataclass
class Measure:
    latencies: dict = field(default_factory=dict)  # phase -> [ms]
    errors: dict = field(default_factory=dict)  # kind -> count
    examples: dict = field(default_factory=dict)
    requests: int = 0
    quiz_requests: int = 0

    def record(self, phase: str, milliseconds: float) -> None:
        self.latencies.setdefault(phase, []).append(milliseconds)
        self.requests += 1
        if phase == "quiz":
            self.quiz_requests += 1

    def error(self, kind: str, example: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.examples.setdefault(kind, example[:200])


def percentile(values: list[float], share: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


class Student:
    def __init__(self, number: int, port: int, password: str, measure: Measure, rng):
        self.name = f"cap{number:05}"
        self.port, self.password, self.measure, self.rng = port, password, measure, rng
        self.cookies: dict = {}
        self.seq = 0

    async def request(
        self, phase: str, method: str, path: str, *, form=None, htmx=False, ok=(200,)
    ):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        body = urlencode(form or {}, doseq=True).encode()
        started = time.perf_counter()
        try:
            reply = await fetch(self.port, method, path, headers, body)
        except (OSError, asyncio.IncompleteReadError) as error:
            self.measure.error(f"{phase}: {type(error).__name__}", f"{method} {path}")
            return None
        self.measure.record(phase, 1000 * (time.perf_counter() - started))
        for cookie in reply.headers.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if reply.status not in ok:
            self.measure.error(f"{phase}: HTTP {reply.status}", f"{method} {path}")
            return None
        return reply

    def next_seq(self) -> int:
        self.seq = max(int(time.time() * 1000), self.seq + 1)
        return self.seq

    async def log_in(self) -> bool:
        page = await self.request("login", "GET", "/accounts/login/")
        if page is None:
            return False
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"username": self.name, "password": self.password, "csrfmiddlewaretoken": token}
        return (
            await self.request("login", "POST", "/accounts/login/", form=form, ok=(302,))
            is not None
        )

    async def take_test(self, start_at: float, end_at: float, think: tuple[float, float]) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        started = await self.request("start", "POST", f"/quizzes/{QUIZ}/start/", ok=(302,))
        if started is None:
            return
        location = started.headers.get("location", [""])[0]
        match = re.search(r"/attempts/(\d+)/questions/(\d+)/", location)
        if not match:
            self.measure.error("start: no attempt", location)
            return
        attempt, position = int(match.group(1)), int(match.group(2))
        page = await self.request("start", "GET", f"/attempts/{attempt}/questions/{position}/")
        if page is None:
            return
        while time.monotonic() < end_at:
            url = f"/attempts/{attempt}/questions/{position}/"
            card = await self.request("quiz", "GET", url, htmx=True)
            if card is None:
                return
            found = controls(card.text)
            pause = self.rng.uniform(*think)
            saves = self.rng.choice((1, 2))
            for _ in range(saves):
                await asyncio.sleep(pause / (saves + 1))
                if time.monotonic() >= end_at:
                    return
                form = {**choose_answer(found, self.rng), "seq": self.next_seq(), "autosave": "1"}
                await self.request("quiz", "POST", url, form=form, htmx=True)
            await asyncio.sleep(pause / (saves + 1))
            if time.monotonic() >= end_at:
                return
            form = {**choose_answer(found, self.rng), "seq": self.next_seq()}
            saved = await self.request("quiz", "POST", url, form=form, htmx=True)
            if saved is None or saved.headers.get("hx-redirect"):
                return  # the last question: on to the finish page
            position += 1


# Processes and CPU


def cpu_seconds(pids: list[int]) -> float:
    """CPU of these processes and of their children that have exited: PostgreSQL's backends
    (one per connection, which Django recycles) and gunicorn's killed workers are reaped by
    their parent, whose cutime and cstime then hold their CPU."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLK_TCK


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in (
                    "postgres",
                    "postmaster",
                    "redis-server",
                ):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [GUNICORN, "quizsite.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--backlog", "4096", "--timeout", "60", "--error-logfile", str(log)]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )
    give_up = time.monotonic() + 30
    while time.monotonic() < give_up:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


# One class


async def simulate(port: int, size: int, password: str, args) -> Measure:
    measure = Measure()
    rng = random.Random(size)
    students = [Student(n, port, password, measure, random.Random(n)) for n in range(size)]
    begin = time.monotonic()
    nine = begin + args.login_window
    end = nine + args.start_window + args.measure

    async def one(student: Student) -> None:
        await asyncio.sleep(rng.uniform(0, args.login_window))
        if await student.log_in():
            await student.take_test(nine + rng.uniform(0, args.start_window), end, args.think)

    await asyncio.gather(*(one(student) for student in students))
    return measure


def one_size(config: str, size: int, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="quizsite-capacity-"))
    password = secrets.token_urlsafe(12)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "SQLITE_PATH", "REDIS_URL"))
    } | {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_INSECURE_HTTP": "1",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DEMO_PASSWORD": password,
        "DEMO_PASSWORD_FILE": str(workdir / "demo-password"),
        "CAPACITY_PASSWORD": password,
        "CAPACITY_STUDENTS": str(size),
        "SQLITE_PATH": str(workdir / "db.sqlite3"),
    }
    database = None
    if config.startswith("postgres"):
        database = postgres_database(args.pg_url)
        if database is None:
            return {"config": config, "students": size, "skipped": "PostgreSQL does not answer"}
        env["DATABASE_URL"] = database[0]
    if config.endswith("+redis"):
        env["REDIS_URL"] = args.redis_url
        env["DJANGO_CACHE_PREFIX"] = workdir.name
    server = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "setup_demo")
        manage(env, "shell", code=STUDENTS)
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        port = free_port()
        server = start_gunicorn(env, port, args.workers, workdir / "gunicorn.log")
        server_pids = lambda: [server.pid, *children(server.pid)]  # noqa: E731
        before = (cpu_seconds(server_pids()), cpu_seconds(postgres_pids()), own_cpu())
        started = time.monotonic()
        measure = asyncio.run(simulate(port, size, password, args))
        elapsed = time.monotonic() - started
        after = (cpu_seconds(server_pids()), cpu_seconds(postgres_pids()), own_cpu())
        log = (workdir / "gunicorn.log").read_text(errors="replace")
        if "Traceback" in log:
            measure.error("server traceback", log[log.index("Traceback") :])
        phases = {
            phase: {
                "requests": len(values),
                "p50": round(percentile(values, 50)),
                "p95": round(percentile(values, 95)),
                "p99": round(percentile(values, 99)),
            }
            for phase, values in measure.latencies.items()
        }
        quiz_seconds = args.start_window + args.measure
        worst = max((phase["p95"] for phase in phases.values()), default=0)
        errors = sum(measure.errors.values())
        return {
            "config": config,
            "students": size,
            "requests": measure.requests,
            "quiz_rps": round(measure.quiz_requests / quiz_seconds, 1),
            "phases": phases,
            "errors": errors,
            "error_kinds": measure.errors,
            "error_examples": measure.examples,
            "cpu_cores": {
                "server": round((after[0] - before[0]) / elapsed, 2),
                "database": round((after[1] - before[1]) / elapsed, 2),
                "load generator": round((after[2] - before[2]) / elapsed, 2),
            },
            "held": errors == 0 and worst < TARGET_P95_MS,
        }
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if database is not None:
            drop_postgres_database(args.pg_url, database[1])
        if config.endswith("+redis"):
            clear_redis(args.redis_url, workdir.name)
        shutil.rmtree(workdir, ignore_errors=True)


def clear_redis(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def print_row(result: dict) -> None:
    if "skipped" in result:
        print(f"{result['config']:<15}{result['students']:>7}  skipped: {result['skipped']}")
        return
    phases = result["phases"]

    def cell(phase: str) -> str:
        found = phases.get(phase)
        return f"{found['p50']:>4}/{found['p95']:>4}/{found['p99']:>5}" if found else " " * 15

    cpu = result["cpu_cores"]
    print(
        f"{result['config']:<15}{result['students']:>7}{result['quiz_rps']:>8}  {cell('login')}  "
        f"{cell('start')}  {cell('quiz')}{result['errors']:>7}  {cpu['server']:>6}"
        f"{cpu['database']:>6}{cpu['load generator']:>6}  "
        + ("held" if result["held"] else "NOT held")
    )
    for kind, count in result["error_kinds"].items():
        print(f"{'':<22}{count} x {kind}: {result['error_examples'][kind][:80]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,1000,1500,2000,2500")
    parser.add_argument("--configs", default="sqlite,sqlite+redis,postgres,postgres+redis")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--login-window", type=float, default=120)
    parser.add_argument("--start-window", type=float, default=30)
    parser.add_argument("--measure", type=float, default=120)
    parser.add_argument("--think", default="15,40", help="seconds per question, min,max")
    parser.add_argument(
        "--quick", action="store_true", help="a tenth of every window: a smoke test"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    args.think = tuple(float(part) for part in args.think.split(","))
    if args.quick:
        args.login_window, args.start_window, args.measure = 12, 3, 12
        args.think = (1.5, 4)
    sizes = [int(size) for size in args.sizes.split(",")]
    print(
        f"gunicorn {args.workers} sync workers; logins over {args.login_window:g} s, starts within "
        f"{args.start_window:g} s, then {args.measure:g} s measured, {args.think[0]:g}-"
        f"{args.think[1]:g} s a question; held: no error and every phase's p95 < "
        f"{TARGET_P95_MS} ms"
    )
    print(
        f"{'config':<15}{'class':>7}{'req/s':>8}  {'login p50/95/99':<15}  {'start p50/95/99':<15}"
        f"  {'quiz p50/95/99':<15}{'errors':>7}  {'CPU: server':>6} {'db':>5} {'load':>5}"
    )
    results = []
    largest = {}
    for config in args.configs.split(","):
        for size in sizes:
            result = one_size(config, size, args)
            results.append(result)
            print_row(result)
            sys.stdout.flush()
            if "skipped" in result:
                break
            if not result["held"]:
                break
            largest[config] = size
    print(
        "\nLargest class held: "
        + ", ".join(f"{c} {largest.get(c, 0)}" for c in args.configs.split(","))
    )
    print(json.dumps({"results": results, "largest_held": largest}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
