"""Benchmark: the answer loop (question page, answer POST) against the ceiling of the stack.

    .venv/bin/python benchmarks/answer_loop.py [--rounds 3] [--duration 4] [--db both]

For SQLite, then PostgreSQL (DATABASE_URL's server, else 127.0.0.1:5432 when it answers), on a
fresh throwaway database each time:
  1. migrate, setup_demo, and --students student accounts (one password hash, copied);
  2. gunicorn with production settings (DEBUG off, a secret key, DJANGO_INSECURE_HTTP=1 for plain
     HTTP on loopback) plus one URL, the signed-in floor (benchmarks/bench_settings.py), with
     --workers of --worker-class, on a free loopback port;
  3. each student logs in through the real login form and starts the bank quiz (deferred
     feedback, so an answer can be saved again and again), through the real start form;
  4. wrk (Debian's package; an asyncio client in this file when it is missing) with --connections
     connections, each request taking the next student's cookies, in --rounds rounds, each
     running every target for --duration seconds after a --warmup: /healthz (the ceiling), the
     signed-in floor (session and user, nothing else: no student page can beat it), the
     question page (GET) and the answer POST (htmx, CSRF cookie and header, the answer saved
     and graded, the next card rendered); each figure is the median over the rounds;
  5. one request of each kind in a separate process under CaptureQueriesContext: queries per
     request; and a check that the answers were really stored.
It prints a table per database and, as its last line, one line of JSON with every figure.
Everything it started (gunicorn, temporary directories, the PostgreSQL database) is stopped or
removed, also on Ctrl-C.
"""

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUIZ = "rapallo-bank"
TARGETS = ("ceiling", "signed-in floor", "question page", "answer POST")
FLOOR_PATH = "/bench/signed-in/"  # benchmarks/bench_urls.py


# Helpers that run inside Django, in a subprocess pointed at the benchmark's database


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
    import django

    django.setup()


def helper_students(count: int, password: str) -> None:
    """Create the student accounts; one hash copied to all keeps the hasher out of setup time."""
    django_setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from quizzes.models import Membership, Quiz

    encoded = make_password(password)
    user_model = get_user_model()
    students = user_model.objects.bulk_create(
        user_model(username=f"bench{n:03}", password=encoded) for n in range(count)
    )
    course = Quiz.objects.get(slug=QUIZ).course
    Membership.objects.bulk_create(
        Membership(course=course, user=user, role="student") for user in students
    )


def helper_queries(session_json: str) -> None:
    """Print the queries of one question page and one answer POST (after a warm-up of each)."""
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    session = json.loads(session_json)
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.cookies.load(session["cookies"])
    headers = {"X-CSRFToken": session["csrf"], "HX-Request": "true"}
    counts = {}
    for name, send in (
        ("signed-in floor", lambda: client.get(FLOOR_PATH)),
        ("question page", lambda: client.get(session["question"])),
        ("answer POST", lambda: client.post(session["answer"], session["data"], headers=headers)),
    ):
        send()  # warm: the per-process caches a long-running worker has
        with CaptureQueriesContext(connection) as queries:
            response = send()
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    counts["ceiling"] = 0
    with CaptureQueriesContext(connection) as queries:
        client.get("/healthz")
    counts["ceiling"] = len(queries)
    print(json.dumps(counts))


def helper_stored(since: float) -> None:
    """Print how many bench responses got an answer since the load began: proof of storage."""
    django_setup()
    from datetime import UTC, datetime

    from quizzes.models import Response

    moment = datetime.fromtimestamp(since, tz=UTC)
    print(
        Response.objects.filter(
            attempt__student__username__startswith="bench", answered_at__gte=moment
        ).count()
    )


# The orchestration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, capture_output=capture)
    return done.stdout if capture else ""


def helper(env: dict, *args: str) -> str:
    return run(env, PYTHON, str(Path(__file__).resolve()), *args, capture=True)


class Site:
    """A logged-in HTTP client of the benchmark's gunicorn (urllib, real forms)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, body, headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def log_in(self, username: str, password: str) -> None:
        status, _, page = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _, _ = self.request(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        if status != 302:
            raise RuntimeError(f"login of {username} failed with {status}")

    def start(self, slug: str) -> str:
        """Start the quiz through its form; the question URL it redirects to."""
        headers = {"X-CSRFToken": self.cookie("csrftoken")}
        status, headers, _ = self.request(f"/quizzes/{slug}/start/", {}, headers)
        if status != 302:
            raise RuntimeError(f"start failed with {status}")
        return urllib.parse.urlsplit(headers["Location"]).path


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def choice_question(site: Site, first_url: str) -> tuple[str, str, str]:
    """The first single-answer question that is not the last: (page, POST path, an answer)."""
    attempt_path = first_url.rsplit("/questions/", 1)[0]
    for position in range(1, 100):
        path = f"{attempt_path}/questions/{position}/"
        status, _, page = site.request(path)
        if status != 200:
            break
        total = int(re.search(r"Question \d+ of (\d+)", page).group(1))
        radio = re.search(r'type="radio" name="answer" value="([^"]+)"', page)
        if radio and position < total:
            return path, path, radio.group(1)
    raise RuntimeError("no single-answer question found in the bank quiz")


def prepare_sessions(base: str, count: int, password: str) -> list[dict]:
    sessions = []
    for n in range(count):
        site = Site(base)
        site.log_in(f"bench{n:03}", password)
        question, answer, value = choice_question(site, site.start(QUIZ))
        cookies = "; ".join(f"{c.name}={c.value}" for c in site.jar)
        sessions.append(
            {
                "cookies": cookies,
                "csrf": site.cookie("csrftoken"),
                "question": question,
                "answer": answer,
                "data": {"answer": value},
            }
        )
    return sessions


# Load tools


WRK_SCRIPT = """
local sessions = %(sessions)s
local method, kind = "%(method)s", "%(kind)s"
local threads, next_id = {}, 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = id * 7
  bad = 0
end

-- Each request takes the next student in turn, so every connection rotates sessions.
function request()
  counter = counter + 1
  local s = sessions[(counter %% #sessions) + 1]
  local headers = {["Cookie"] = s.cookies}
  if kind == "ceiling" then
    return wrk.format("GET", "/healthz", {})
  elseif kind == "floor" then
    return wrk.format("GET", "%(floor)s", headers)
  elseif method == "POST" then
    headers["X-CSRFToken"] = s.csrf
    headers["HX-Request"] = "true"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", s.answer, headers, s.body)
  end
  return wrk.format("GET", s.question, headers)
end

-- Anything but a 200 is an error: a redirect to the login page would mean a lost session.
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local bad_total = 0
  for _, thread in ipairs(threads) do bad_total = bad_total + thread:get("bad") end
  io.write(string.format(
    'WRK {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, ' ..
    '"errors": %%d}\\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    bad_total + errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def wrk_load(base: str, kind: str, sessions: list[dict], connections: int, seconds: float):
    fields = ("cookies", "csrf", "question", "answer")
    entries = ",\n".join(
        "{"
        + ", ".join(f"{name}={lua_string(s[name])}" for name in fields)
        + f", body={lua_string(urllib.parse.urlencode(s['data']))}}}"
        for s in sessions
    )
    script = WRK_SCRIPT % {
        "sessions": "{\n" + entries + "\n}",
        "method": "POST" if kind == "answer POST" else "GET",
        "kind": {"ceiling": "ceiling", "signed-in floor": "floor"}.get(kind, "page"),
        "floor": FLOOR_PATH,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "--threads",
                "2",
                "--connections",
                str(connections),
                "--duration",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "--script",
                file.name,
                base,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(file.name)
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    return json.loads(line[4:])


async def asyncio_load(base: str, kind: str, sessions: list[dict], connections: int, seconds):
    """The fallback load tool: keep-alive HTTP/1.1 connections, rotating sessions likewise."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    def build(n: int) -> bytes:
        s = sessions[n % len(sessions)]
        if kind == "ceiling":
            return f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        lines = [f"Host: {host}", f"Cookie: {s['cookies']}"]
        if kind in ("question page", "signed-in floor"):
            path = s["question"] if kind == "question page" else FLOOR_PATH
            return f"GET {path} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n"
        body = urllib.parse.urlencode(s["data"])
        lines += [
            f"X-CSRFToken: {s['csrf']}",
            "HX-Request: true",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
        ]
        return f"POST {s['answer']} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n" + body

    async def connection(index: int) -> None:
        nonlocal errors
        counter = index * 7
        reader = writer = None
        while time.perf_counter() < stop:
            counter += 1
            request = build(counter)
            if isinstance(request, str):
                request = request.encode()
            began = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                status_line = await reader.readline()
                status = int(status_line.split()[1])
                length, close = 0, False
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    if name.lower() == "connection" and "close" in value.lower():
                        close = True
                await reader.readexactly(length)
                if close:
                    writer.close()
                    reader = writer = None
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                errors += 1
                reader = writer = None
                continue
            latencies.append((time.perf_counter() - began) * 1000)
            if status != 200:
                errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(connection(n) for n in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] if latencies else 0

    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50": percentile(50),
        "p95": percentile(95),
        "p99": percentile(99),
        "errors": errors,
    }


def load(tool: str, base: str, kind: str, sessions, connections: int, seconds: float) -> dict:
    if tool == "wrk":
        return wrk_load(base, kind, sessions, connections, seconds)
    return asyncio.run(asyncio_load(base, kind, sessions, connections, seconds))


# One database


@contextlib.contextmanager
def postgres_database(admin_url: str):
    """A throwaway database on admin_url's server, dropped afterwards; yields its URL."""
    import psycopg

    name = f"quizsite_bench_{os.getpid()}_{secrets.token_hex(3)}"
    parts = urllib.parse.urlsplit(admin_url)
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def gunicorn(env: dict, port: int, args: argparse.Namespace):
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "quizsite.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def production_env(password: str) -> dict:
    """This process's environment with production settings plus the signed-in floor's URL
    (benchmarks/bench_settings.py), the demo accounts' password, and no database chosen."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "SQLITE_PATH"))
    }
    return env | {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_INSECURE_HTTP": "1",  # plain HTTP on loopback (settings.py's switch)
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DEMO_PASSWORD": password,
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def bench_database(label: str, database_url: str | None, args, tool: str) -> dict:
    directory = tempfile.mkdtemp(prefix="quizsite-answer-loop-")
    try:
        password = secrets.token_urlsafe(12)
        env = production_env(password)
        if database_url:
            env["DATABASE_URL"] = database_url
        else:
            env["SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
        manage = (PYTHON, "manage.py")
        run(env, *manage, "migrate", "--noinput", "--verbosity", "0")
        run(env, *manage, "setup_demo", capture=True)
        # As make serve does: whitenoise indexes the files once per worker, as in production.
        run(env, *manage, "collectstatic", "--noinput", "--verbosity", "0")
        helper(env, "_students", str(args.students), password)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with gunicorn(env, port, args):
            sessions = prepare_sessions(base, args.students, password)
            began = time.time()
            rounds = []
            for _ in range(args.rounds):
                measured = {}
                for kind in TARGETS:
                    load(tool, base, kind, sessions, args.connections, args.warmup)
                    measured[kind] = load(
                        tool, base, kind, sessions, args.connections, args.duration
                    )
                rounds.append(measured)
        queries = json.loads(helper(env, "_queries", json.dumps(sessions[0])))
        stored = int(helper(env, "_stored", str(began)))
        if stored == 0:
            raise RuntimeError("no answer was stored: the answer POST did not work")
        figures = summarize(rounds, queries)
        # Other work on the machine shares its cores with the server and wrk: say how busy it was.
        load_average = round(os.getloadavg()[0], 1)
        return {
            "database": label,
            "responses_saved": stored,
            "load_average": load_average,
            "targets": figures,
        }
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def summarize(rounds: list[dict], queries: dict) -> dict:
    """Each target's figures: the median over the rounds, and its errors summed.

    A round measures every target one after the other, so each round's ratios compare figures
    taken within a minute; on a machine whose speed drifts (a shared 2-core VM), the median of
    those ratios is steadier than one long measurement of each target.
    """

    def rate(result: dict) -> float:
        return result["requests"] / result["seconds"]

    figures = {}
    for kind in TARGETS:
        results = [measured[kind] for measured in rounds]
        figures[kind] = {
            "rps": round(statistics.median(map(rate, results)), 1),
            "p50_ms": round(statistics.median(r["p50"] for r in results), 1),
            "p95_ms": round(statistics.median(r["p95"] for r in results), 1),
            "p99_ms": round(statistics.median(r["p99"] for r in results), 1),
            "worst_p99_ms": round(max(r["p99"] for r in results), 1),
            "errors": sum(r["errors"] for r in results),
            "queries": queries[kind],
            "ratio": round(
                statistics.median(rate(m[kind]) / rate(m["ceiling"]) for m in rounds), 3
            ),
            "floor_ratio": round(
                statistics.median(rate(m[kind]) / rate(m["signed-in floor"]) for m in rounds), 3
            ),
        }
    return figures


def postgres_admin_url() -> str | None:
    if url := os.environ.get("DATABASE_URL"):
        return url if url.startswith(("postgres://", "postgresql://")) else None
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=1):
        return "postgres://postgres@127.0.0.1:5432/postgres"
    return None


def print_table(result: dict, args) -> None:
    print(
        f"\n{result['database']}: gunicorn {args.workers} x {args.worker_class}"
        f"{f' ({args.threads} threads)' if args.threads > 1 else ''}, "
        f"{args.connections} connections; median of {args.rounds} rounds of {args.duration:g} s "
        "per target; "
        f"{result['responses_saved']} responses saved during the run; "
        f"load average {result['load_average']} on {os.cpu_count()} cores"
    )
    print(
        f"{'target':<16}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'worst':>7}"
        f"{'errors':>7}{'queries':>8}{'ceiling':>8}{'floor':>7}"
    )
    for kind, f in result["targets"].items():
        print(
            f"{kind:<16}{f['rps']:>7.0f}{f['p50_ms']:>8.1f}{f['p95_ms']:>8.1f}"
            f"{f['p99_ms']:>8.1f}{f['worst_p99_ms']:>7.0f}{f['errors']:>7}{f['queries']:>8}"
            f"{f['ratio']:>8.0%}{f['floor_ratio']:>7.0%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every target")
    parser.add_argument("--duration", type=float, default=4, help="seconds per target and round")
    parser.add_argument("--warmup", type=float, default=1, help="seconds before each target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--students", type=int, default=32, help="logged-in sessions")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--tool", choices=["auto", "wrk", "asyncio"], default="auto")
    args = parser.parse_args()

    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "asyncio"
    if tool == "asyncio":
        print("wrk is not installed: using the asyncio client (apt-get install -y wrk for wrk).")
    # Ctrl-C or a TERM from make: unwind through the finally blocks that stop everything.
    # (set explicitly: a shell starts background jobs with SIGINT ignored).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGINT, signal.default_int_handler)

    databases = []
    if args.db in ("sqlite", "both"):
        databases.append(("SQLite", None))
    if args.db in ("postgres", "both"):
        admin = postgres_admin_url()
        if admin:
            databases.append(("PostgreSQL", admin))
        else:
            print("PostgreSQL: no DATABASE_URL and nothing on 127.0.0.1:5432, so skipped.")
    report = {
        "tool": tool,
        "connections": args.connections,
        "rounds": args.rounds,
        "duration_s": args.duration,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "results": [],
    }
    for label, admin in databases:
        context = postgres_database(admin) if admin else contextlib.nullcontext(None)
        with context as url:
            result = bench_database(label, url, args, tool)
        print_table(result, args)
        report["results"].append(result)
    print(json.dumps(report))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        {
            "_students": lambda: helper_students(int(sys.argv[2]), sys.argv[3]),
            "_queries": lambda: helper_queries(sys.argv[2]),
            "_stored": lambda: helper_stored(float(sys.argv[2])),
        }[sys.argv[1]]()
    else:
        main()
