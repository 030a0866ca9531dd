"""A class under load and faults: N students take the timed quiz against gunicorn, on loopback.

    .venv/bin/python benchmarks/class_under_load.py [--students 200] [--db sqlite|postgres|both]
        [--servers 2] [--redis-url redis://127.0.0.1:6379/12]

For each database (SQLite, then PostgreSQL when it answers at --pg-url) the script builds a fresh
throwaway database, loads the demo (setup_demo), creates the students (one precomputed password
hash, bulk_create), collects static files into a temporary STATIC_ROOT and serves the site as in
production: gunicorn, DEBUG off, whitenoise. Then a simulated class of asyncio HTTP clients:

1. Everyone logs in and starts the timed quiz (rapallo-test) at once, answers every question with
   0.2-1 s between answers (autosaves, some "Save and next"), and submits twice at once (a double
   click). Meanwhile a gunicorn worker is SIGKILLed three times, then the whole server, which is
   restarted; clients retry on connection errors, and each student who reloads after the
   restart must find the same attempt, its answers and the same deadline.
2. Everyone starts a one-minute copy of the quiz at once, answers slowly, and the deadline expires
   for all at once with the sweeper (close_overdue_attempts --every 0.5) running; half the class
   also presses Submit around the deadline, racing the sweeper.

With --servers 2 (and --redis-url, as deployed), two gunicorn servers on two ports run behind
HAProxy (deploy/haproxy.cfg), sharing the database and the cache: a student logs in on one and
goes on on the other, logs out on one and is logged out on both; workers of both are killed, then
one whole server, which stays down while the class goes on through the other; and a sweeper runs
for each server at once.

Afterwards it reconciles what the server acknowledged against the database and prints a summary.
It exits non-zero when a criterion fails: a 5xx, "database is locked", an acknowledged answer not
stored, not exactly one attempt per student and quiz, an attempt graded twice or wrongly, an
answer stored after the deadline, or a failed reload check. Loopback only, bounded in time
(--budget), and it stops every process it started.
"""

import argparse
import asyncio
import collections
import json
import os
import random
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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import redis

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
QUIZ = "rapallo-test"
TIMED = "rapallo-test-timed"

SETUP = """\
import json, os
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from quizzes.building import duplicate_quiz
from quizzes.models import Membership, Quiz
User = get_user_model()
hashed = make_password(os.environ["LOAD_PASSWORD"])  # once: hashing 200 times takes a while
count = int(os.environ["LOAD_STUDENTS"])
students = User.objects.bulk_create(
    [User(username=f"load{i:04}", password=hashed) for i in range(count)], batch_size=500
)
quiz = Quiz.objects.get(slug="rapallo-test")
Membership.objects.bulk_create(
    [Membership(course=quiz.course, user=user, role="student") for user in students],
    batch_size=500,
)
copy = duplicate_quiz(quiz, owner=None)
copy.slug, copy.title = "rapallo-test-timed", "Rapallo: Test (one minute)"
copy.time_limit_minutes, copy.attempts_allowed, copy.is_published = 1, None, True
copy.save()
print(json.dumps({"questions": quiz.quiz_questions.count()}))
"""

DUMP = """\
import json
from quizzes.forms import answer_data
from quizzes.models import Attempt, Response
attempts = list(
    Attempt.objects.filter(student__username__startswith="load").values(
        "pk", "student__username", "quiz__slug", "state", "deadline", "submitted_at", "score"
    )
)
responses = list(
    Response.objects.filter(attempt__student__username__startswith="load").values(
        "attempt_id", "position", "answer", "answer_seq", "answered_at", "marks", "snapshot"
    )
)
for row in responses:
    snapshot = row.pop("snapshot")
    row["form"] = None if row["answer"] is None else answer_data(snapshot, row["answer"])
print(json.dumps({"attempts": attempts, "responses": responses}, default=str))
"""


# Measurements


@dataclass
class Run:
    students: int
    requests: int = 0
    latencies: list = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    samples: dict = field(default_factory=dict)  # error kind -> one example
    sent: dict = field(default_factory=dict)  # (attempt, position, seq) -> the form data sent
    acked: dict = field(default_factory=dict)  # (attempt, position) -> highest acked seq
    submitted_messages: collections.Counter = field(default_factory=collections.Counter)
    attempts: dict = field(default_factory=dict)  # (student, quiz) -> attempt pk
    deadlines: dict = field(default_factory=dict)  # attempt pk -> deadline seen on the page
    reload_checks: collections.Counter = field(default_factory=collections.Counter)
    restarted: asyncio.Event = field(default_factory=asyncio.Event)
    faults: list = field(default_factory=list)
    finished_students: int = 0
    session_checks: dict = field(default_factory=dict)

    def error(self, kind: str, example: str = "") -> None:
        self.errors[kind] += 1
        self.samples.setdefault(kind, example[:300])


# Reading the pages


ATTRS = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def attrs(tag: str) -> dict:
    return {name: value for name, value in ATTRS.findall(tag)}


def answer_fieldset(html: str) -> str:
    match = re.search(r"<fieldset class=\"answer-fieldset.*?</fieldset>", html, re.S)
    return match.group(0) if match else ""


def controls(html: str) -> dict:
    """The answer controls of a question card: radios, checkboxes, text boxes and selects."""
    fieldset = answer_fieldset(html)
    found = {"radio": [], "checkbox": [], "text": [], "select": []}
    for tag in re.findall(r"<input\b[^>]*>", fieldset):
        a = attrs(tag[6:-1])
        kind = a.get("type", "text")
        if kind in found and a.get("name"):
            found[kind].append(a)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', fieldset, re.S):
        options = [attrs(tag) for tag in re.findall(r"<option\b([^>]*)>", body)]
        found["select"].append({"name": name, "options": options})
    return found


def choose_answer(found: dict, rng: random.Random) -> dict:
    """Form data for a random answer, as a browser sends it.

    The page names and values controls by their place, never by option ids, so answers are
    compared in that form: the server's stored answer is turned back into form data to check it.
    """
    if found["radio"]:
        return {"answer": rng.choice(found["radio"])["value"]}
    if found["checkbox"]:
        values = [a["value"] for a in found["checkbox"]]
        return {"answer": [v for v in values if rng.random() < 0.5] or [values[0]]}
    if found["text"]:
        box = found["text"][0]
        if box.get("inputmode") == "decimal":
            value = rng.choice(["1922", "1925", "1918"])
        else:
            value = rng.choice(["Lipetsk", "Rapallo", "Genoa", "Chicherin"])
        return {box["name"]: value}
    selects = found["select"]
    if selects and selects[0]["name"].startswith("item_"):
        order = list(range(1, len(selects) + 1))
        rng.shuffle(order)
        return {s["name"]: str(n) for s, n in zip(selects, order, strict=True)}
    return {
        select["name"]: rng.choice([o["value"] for o in select["options"] if o.get("value")])
        for select in selects
    }


def shown_answer(found: dict) -> dict:
    """The answer a reloaded card shows, as the form data that would send it again."""
    if found["radio"]:
        return {"answer": next((a["value"] for a in found["radio"] if "checked" in a), None)}
    if found["checkbox"]:
        return {"answer": [a["value"] for a in found["checkbox"] if "checked" in a]}
    if found["text"]:
        return {found["text"][0]["name"]: found["text"][0].get("value")}
    return {
        select["name"]: next((o.get("value") for o in select["options"] if "selected" in o), "")
        for select in found["select"]
    }


def deadline_on(html: str) -> str | None:
    match = re.search(r'data-deadline="([^"]+)"', html)
    return match.group(1) if match else None


# One student


class Student:
    def __init__(self, number: int, base_url: str, password: str, run: Run, seed: int):
        self.name = f"load{number:04}"
        self.password = password
        self.run = run
        self.rng = random.Random(seed * 7919 + number)
        self.http = httpx.AsyncClient(base_url=base_url, timeout=60, follow_redirects=False)
        self.seq = 0
        self.checked_restart = False

    def next_seq(self) -> int:
        self.seq = max(int(time.time() * 1000), self.seq + 1)
        return self.seq

    async def request(self, method: str, url: str, *, htmx=False, data=None, patience=180.0):
        """One request; connection errors (a killed worker or server) are retried with backoff.

        `data` may be a function, called for each try: a retried answer gets a new version, as
        app.js does.
        """
        give_up = time.monotonic() + patience
        delay = 0.2
        while True:
            headers = {"HX-Request": "true"} if htmx else {}
            if method == "POST":
                headers["X-CSRFToken"] = self.http.cookies.get("csrftoken", "")
            body = data() if callable(data) else data
            started = time.perf_counter()
            try:
                response = await self.http.request(method, url, headers=headers, data=body)
            except httpx.TransportError as error:
                timeout = isinstance(error, httpx.TimeoutException)
                kind = "timeout (retried)" if timeout else "connection error (retried)"
                self.run.error(kind, f"{type(error).__name__} {url}")
                if time.monotonic() > give_up:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 3)
                continue
            if response.status_code >= 500 and "X-Request-ID" not in response.headers:
                # HAProxy's own error (the app marks every response it makes with its request
                # id): the server behind it died mid-request, as a connection error without it.
                self.run.error("balancer 5xx, server gone (retried)", f"{url}")
                if time.monotonic() > give_up:
                    return response, body
                await asyncio.sleep(delay)
                delay = min(delay * 2, 3)
                continue
            self.run.requests += 1
            self.run.latencies.append(time.perf_counter() - started)
            if response.status_code >= 400:
                self.run.error(f"HTTP {response.status_code}", f"{method} {url}")
            if "database is locked" in response.text:
                self.run.error("database is locked", url)
            return response, body

    async def log_in(self) -> None:
        page, _ = await self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"username": self.name, "password": self.password, "csrfmiddlewaretoken": token}
        response, _ = await self.request("POST", "/accounts/login/", data=form)
        if response.status_code != 302:
            self.run.error("login failed", self.name)
            raise RuntimeError(f"{self.name} could not log in")

    async def start(self, slug: str) -> tuple[int, int]:
        response, _ = await self.request("POST", f"/quizzes/{slug}/start/")
        match = re.search(r"/attempts/(\d+)/questions/(\d+)/", response.headers.get("location", ""))
        if not match:
            self.run.error("start refused", f"{self.name} {response.status_code}")
            raise RuntimeError(f"{self.name} could not start {slug}")
        attempt = int(match.group(1))
        known = self.run.attempts.setdefault((self.name, slug), attempt)
        if known != attempt:
            self.run.error("a second attempt", f"{self.name} {known} then {attempt}")
        return attempt, int(match.group(2))

    async def answer(self, attempt: int, position: int, card: str, *, submit=False) -> str:
        """Autosave a random answer (as typing does) or press "Save and next"; the reply."""
        form = choose_answer(controls(card), self.rng)
        url = f"/attempts/{attempt}/questions/{position}/"
        versions = []

        def data():
            seq = self.next_seq()
            versions.append(seq)
            self.run.sent[(attempt, position, seq)] = form
            return {**form, "seq": str(seq), **({} if submit else {"autosave": "1"})}

        response, body = await self.request("POST", url, htmx=True, data=data)
        seq = int(body["seq"])
        if response.status_code == 200:
            if submit:
                acked = f"Your answer to question {position} was saved." in response.text
            else:
                acked = f'data-saved-seq="{seq}"' in response.text
            if acked:
                key = (attempt, position)
                self.run.acked[key] = max(self.run.acked.get(key, 0), seq)
        elif submit and response.headers.get("HX-Redirect", "").endswith("/finish/"):
            key = (attempt, position)  # the last question: "Save and finish…"
            self.run.acked[key] = max(self.run.acked.get(key, 0), seq)
        return response.text

    async def check_after_restart(self, slug: str, attempt: int) -> None:
        """Reload after the server came back: the same attempt, answers and deadline."""
        self.checked_restart = True
        again, _ = await self.start(slug)
        ok = again == attempt
        acked = [(p, s) for (a, p), s in self.run.acked.items() if a == attempt]
        position = acked[-1][0] if acked else 1
        page, _ = await self.request("GET", f"/attempts/{attempt}/questions/{position}/")
        ok = ok and deadline_on(page.text) == self.run.deadlines.get(attempt)
        if acked:
            shown = shown_answer(controls(page.text))
            newer = [
                value
                for (a, p, s), value in self.run.sent.items()
                if a == attempt and p == position and s >= acked[-1][1]
            ]
            ok = ok and shown in newer
        self.run.reload_checks["ok" if ok else "failed"] += 1
        if not ok:
            self.run.error("reload check failed", f"{self.name} attempt {attempt}")

    async def take_quiz(self, go: asyncio.Event) -> None:
        """Phase 1: start at once, answer everything with short pauses, submit twice at once."""
        await go.wait()
        attempt, position = await self.start(QUIZ)
        page, _ = await self.request("GET", f"/attempts/{attempt}/questions/{position}/")
        self.run.deadlines[attempt] = deadline_on(page.text)
        total = int(re.search(r"Question \d+ of (\d+)", page.text).group(1))
        card = page.text
        for position in range(1, total + 1):
            if self.run.restarted.is_set() and not self.checked_restart:
                await self.check_after_restart(QUIZ, attempt)
            if position > 1 or not answer_fieldset(card):
                url = f"/attempts/{attempt}/questions/{position}/"
                card = (await self.request("GET", url, htmx=True))[0].text
            await asyncio.sleep(self.rng.uniform(0.2, 1.0))
            await self.answer(attempt, position, card)
            if self.rng.random() < 0.3:
                await asyncio.sleep(self.rng.uniform(0.1, 0.5))
                await self.answer(attempt, position, card)  # a changed mind
            if self.rng.random() < 0.3:
                await self.answer(attempt, position, card, submit=True)
        if self.run.restarted.is_set() and not self.checked_restart:
            await self.check_after_restart(QUIZ, attempt)
        url = f"/attempts/{attempt}/finish/"
        await asyncio.gather(*(self.request("POST", url, htmx=True) for _ in range(2)))
        result, _ = await self.request("GET", f"/attempts/{attempt}/")
        if "Your answers were submitted." in result.text:
            self.run.submitted_messages[attempt] += 1

    async def race_the_deadline(self, go: asyncio.Event) -> None:
        """Phase 2: a one-minute quiz; the deadline passes for everyone at once."""
        await go.wait()
        attempt, position = await self.start(TIMED)
        page, _ = await self.request("GET", f"/attempts/{attempt}/questions/{position}/")
        deadline = datetime.fromisoformat(deadline_on(page.text)).timestamp()
        total = int(re.search(r"Question \d+ of (\d+)", page.text).group(1))
        presses_submit = self.rng.random() < 0.5
        for position in range(1, total + 1):
            url = f"/attempts/{attempt}/questions/{position}/"
            card = (await self.request("GET", url, htmx=True))[0]
            if card.headers.get("HX-Redirect"):
                break  # time is up: the server sent the student to the results
            if time.time() > deadline + 4:
                break
            await asyncio.sleep(self.rng.uniform(3, 6))
            await self.answer(attempt, position, card.text)
        if presses_submit:
            await asyncio.sleep(max(0, deadline - time.time() + self.rng.uniform(-1, 1)))
            await self.request("POST", f"/attempts/{attempt}/finish/", htmx=True)
        await asyncio.sleep(max(0, deadline - time.time() + 3))
        result, _ = await self.request("GET", f"/attempts/{attempt}/")
        if result.status_code != 200:
            self.run.error("no results page after the deadline", f"{self.name} {attempt}")

    async def close(self) -> None:
        await self.http.aclose()


# Processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Server:
    """gunicorn as `make serve` runs it, in its own process group so it can be killed whole."""

    def __init__(self, env: dict, port: int, workers: int, log: Path):
        self.env, self.port, self.workers, self.log = env, port, workers, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [GUNICORN, "quizsite.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self.workers), "--timeout", "30", "--graceful-timeout", "3"]
        command += ["--error-logfile", str(self.log)]
        self.process = subprocess.Popen(
            command, cwd=REPO, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL
        )
        give_up = time.monotonic() + 30
        while time.monotonic() < give_up:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/accounts/login/").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def kill_a_worker(self) -> int | None:
        workers = children(self.process.pid)
        if not workers:
            return None
        victim = random.choice(workers)
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def manage(env: dict, *args: str, code: str | None = None) -> str:
    command = [PYTHON, "manage.py", *args] + (["-c", code] if code else [])
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


# One run


async def faults(servers: list[Server], run: Run, phase_done: asyncio.Event, answers: int) -> None:
    """Three worker kills, then a whole server, while the class is answering. With one server
    it is restarted; with several (behind HAProxy) it stays down and the class goes on through
    the others.

    Timed by progress (a share of all the answers acknowledged), so they land mid-quiz whatever
    the class size and machine.
    """

    async def at(share: float) -> bool:
        while len(run.acked) < share * answers:
            if phase_done.is_set():
                return False
            await asyncio.sleep(0.1)
        return True

    for share in (0.15, 0.3, 0.45):
        if not await at(share):
            return
        for server in servers:
            victim = server.kill_a_worker()
            run.faults.append(f"SIGKILL worker {victim} of :{server.port}")
    if not await at(0.6):
        return
    victim = servers[-1]
    victim.kill()
    run.faults.append(f"SIGKILL the whole server :{victim.port}")
    await asyncio.sleep(1)
    if len(servers) == 1:
        await asyncio.to_thread(victim.start)
        run.faults.append("server restarted")
    else:
        await asyncio.sleep(2)  # HAProxy's health check takes the dead server out
        run.faults.append("the class goes on through the other server(s)")
    run.restarted.set()


async def drive(
    base_url: str, password: str, run: Run, servers: list[Server], env: dict, questions: int
) -> float:
    students = [Student(n, base_url, password, run, seed=1) for n in range(run.students)]
    started = time.perf_counter()
    # The class arrives and logs in a few at a time (a password check is deliberately slow);
    # then everyone starts at once.
    arriving = asyncio.Semaphore(2 * sum(server.workers for server in servers))

    async def log_in(student: Student) -> None:
        async with arriving:
            await student.log_in()

    try:
        await asyncio.gather(*(log_in(student) for student in students))
        run.login_seconds = time.perf_counter() - started
        go, phase_done = asyncio.Event(), asyncio.Event()
        fault_task = asyncio.create_task(faults(servers, run, phase_done, run.students * questions))
        phase = asyncio.gather(*(student.take_quiz(go) for student in students))
        go.set()  # everyone starts at once
        await phase
        phase_done.set()
        await fault_task

        # A sweeper per server, as each server's systemd unit runs one: each attempt closes once.
        sweepers = [
            subprocess.Popen(
                [PYTHON, "manage.py", "close_overdue_attempts", "--every", "0.5"],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            for _ in servers
        ]
        try:
            go = asyncio.Event()
            phase = asyncio.gather(*(student.race_the_deadline(go) for student in students))
            go.set()
            await phase
            await asyncio.sleep(2)  # one more sweep
        finally:
            outputs = []
            for sweeper in sweepers:
                os.killpg(sweeper.pid, signal.SIGKILL)
                outputs.append(sweeper.communicate()[0])
        for output in outputs:
            if "database is locked" in output or "Traceback" in output:
                run.error("sweeper failed", output[-300:])
        run.finished_students = len(students)
    finally:
        await asyncio.gather(*(student.close() for student in students))
    return time.perf_counter() - started


def reconcile(run: Run, dump: dict, questions: int) -> list[str]:
    """The criteria that failed, if any; also fills run.errors with the details."""
    failures = []
    attempts = dump["attempts"]
    run.states = collections.Counter(f"{a['quiz__slug']} {a['state']}" for a in attempts)
    per_student = collections.Counter((a["student__username"], a["quiz__slug"]) for a in attempts)
    if any(count != 1 for count in per_student.values()) or len(per_student) != 2 * run.students:
        failures.append("not exactly one attempt per student and quiz")
    responses = collections.defaultdict(dict)
    for row in dump["responses"]:
        responses[row["attempt_id"]][row["position"]] = row
    for attempt in attempts:
        rows = responses[attempt["pk"]]
        if len(rows) != questions:
            failures.append(f"attempt {attempt['pk']} has {len(rows)} responses")
        if attempt["state"] == "in_progress":
            failures.append(f"attempt {attempt['pk']} still in progress")
            continue
        marks = sum(float(r["marks"]) for r in rows.values() if r["marks"] is not None)
        if attempt["score"] is None or abs(float(attempt["score"]) - marks) > 1e-6:
            failures.append(f"attempt {attempt['pk']} score {attempt['score']} != marks {marks}")
        if attempt["state"] == "expired" and attempt["submitted_at"] != attempt["deadline"]:
            failures.append(f"attempt {attempt['pk']} expired but not at its deadline")
        for row in rows.values():
            if (
                row["answered_at"]
                and attempt["deadline"]
                and row["answered_at"] >= attempt["deadline"]
            ):
                failures.append(f"attempt {attempt['pk']} stored an answer after the deadline")
    if any(count > 1 for count in run.submitted_messages.values()):
        failures.append("an attempt was submitted (graded) twice")
    lost = 0
    for (attempt, position), seq in run.acked.items():
        row = responses.get(attempt, {}).get(position)
        stored_seq = row and row["answer_seq"]
        if (
            not row
            or stored_seq < seq
            or run.sent.get((attempt, position, stored_seq), object()) != row["form"]
        ):
            lost += 1
    run.lost = lost
    if lost:
        failures.append(f"{lost} acknowledged answers not found in the database")
    for kind in run.errors:
        if kind.startswith("HTTP 5") or kind in (
            "database is locked",
            "reload check failed",
            "sweeper failed",
            "a second attempt",
            "login failed",
            "start refused",
            "no results page after the deadline",
        ):
            failures.append(f"{kind}: {run.errors[kind]}")
    if not run.reload_checks:
        failures.append("no student reloaded after the restart")
    if run.finished_students != run.students:
        failures.append("not every student finished")
    return failures


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(share) - 1]


def summary(label: str, run: Run, elapsed: float, failures: list[str]) -> str:
    ms = [1000 * v for v in run.latencies]
    lines = [
        f"\n== {label} ==",
        f"{'students':<32}{run.students}",
        f"{'requests':<32}{run.requests}",
        f"{'duration (s)':<32}{elapsed:.1f}",
        f"{'requests/s':<32}{run.requests / elapsed:.1f}",
        f"{'all logged in after (s)':<32}{getattr(run, 'login_seconds', 0):.1f}",
        f"{'latency p50 / p95 / p99 (ms)':<32}"
        f"{percentile(ms, 50):.0f} / {percentile(ms, 95):.0f} / {percentile(ms, 99):.0f}",
        f"{'answers acknowledged':<32}{len(run.acked)}",
        f"{'answers stored (of those)':<32}{len(run.acked) - getattr(run, 'lost', 0)}",
        f"{'reload checks after restart':<32}{dict(run.reload_checks)}",
        f"{'attempts by quiz and state':<32}{dict(sorted(getattr(run, 'states', {}).items()))}",
        f"{'faults injected':<32}{'; '.join(run.faults)}",
        f"{'shared sessions':<32}{run.session_checks or 'one server'}",
        "errors by kind:",
    ]
    lines += [f"  {kind:<30}{count}" for kind, count in sorted(run.errors.items())] or ["  none"]
    lines.append("RESULT: " + ("PASS" if not failures else "FAIL"))
    lines += [f"  - {failure}" for failure in failures[:20]]
    return "\n".join(lines)


def postgres_database(url: str) -> tuple[str, str] | None:
    """A throwaway database on the server at `url`: (its URL, its name), or None if unreachable."""
    try:
        import psycopg
    except ImportError:
        return None
    name = f"quizsite_load_{os.getpid()}"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"PostgreSQL at {url} is not usable ({error}); skipping it.")
        return None
    return url.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Balancer:
    """HAProxy in front of the servers, configured from deploy/haproxy.cfg."""

    def __init__(self, servers: list[Server], workdir: Path):
        self.port = free_port()
        lines = [
            f"    server app{n} 127.0.0.1:{server.port} check"
            for n, server in enumerate(servers, start=1)
        ]
        config = (REPO / "deploy" / "haproxy.cfg").read_text()
        config = config.replace("{{FRONTEND_PORT}}", str(self.port))
        config = config.replace("{{SERVERS}}", "\n".join(lines))
        self.config = workdir / "haproxy.cfg"
        self.config.write_text(config)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        haproxy = shutil.which("haproxy")
        if not haproxy:
            raise RuntimeError("HAProxy is not installed (apt-get install -y haproxy).")
        self.process = subprocess.Popen(
            [haproxy, "-db", "-f", str(self.config)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        give_up = time.monotonic() + 20
        while time.monotonic() < give_up:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("HAProxy did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def check_shared_sessions(first: Server, second: Server, password: str, run: Run) -> None:
    """Log in on one server, go on on the other; log out on one, and the session is dead on both."""
    name = "load0000"
    a = httpx.Client(base_url=f"http://127.0.0.1:{first.port}", follow_redirects=False)
    b = httpx.Client(base_url=f"http://127.0.0.1:{second.port}", follow_redirects=False)
    try:
        page = a.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"username": name, "password": password, "csrfmiddlewaretoken": token}
        if a.post("/accounts/login/", data=form).status_code != 302:
            run.error("shared sessions: login failed", name)
            return
        b.cookies = a.cookies
        on_other = b.get("/")
        run.session_checks["logged in on one, served by the other"] = on_other.status_code == 200
        csrf = a.cookies.get("csrftoken", "")
        a.post("/accounts/logout/", headers={"X-CSRFToken": csrf})
        after = b.get("/")
        run.session_checks["logged out on one, dead on the other"] = (
            after.status_code == 302 and "/accounts/login/" in after.headers.get("location", "")
        )
        for check, ok in run.session_checks.items():
            if not ok:
                run.error("shared sessions failed", check)
    finally:
        a.close()
        b.close()


def one_run(label: str, database_url: str | None, args) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix="quizsite-load-"))
    password = secrets.token_urlsafe(12)
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_INSECURE_HTTP": "1",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DEMO_PASSWORD": password,
        "DEMO_PASSWORD_FILE": str(workdir / "demo-password"),
        "LOAD_PASSWORD": password,
        "LOAD_STUDENTS": str(args.students),
        "SQLITE_PATH": str(workdir / "db.sqlite3"),
    }
    for name in ("DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if args.redis_url:
        env |= {"REDIS_URL": args.redis_url, "DJANGO_CACHE_PREFIX": workdir.name}
    servers = [
        Server(env, free_port(), args.workers, workdir / f"gunicorn-{n}.log")
        for n in range(args.servers)
    ]
    balancer = Balancer(servers, workdir) if args.servers > 1 else None
    run = Run(students=args.students)
    try:
        print(f"[{label}] migrate, setup_demo, {args.students} students, collectstatic…")
        manage(env, "migrate", "--noinput")
        manage(env, "setup_demo")
        questions = json.loads(manage(env, "shell", code=SETUP).strip().splitlines()[-1])[
            "questions"
        ]
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        for server in servers:
            server.start()
        port = servers[0].port
        if balancer:
            balancer.start()
            port = balancer.port
            check_shared_sessions(servers[0], servers[1], password, run)
        static = httpx.get(f"http://127.0.0.1:{port}/static/quizzes/app.js")
        if static.status_code != 200:
            run.error("static files not served", str(static.status_code))
        where = f"HAProxy :{port} in front of " if balancer else ""
        ports = ", ".join(f":{server.port}" for server in servers)
        print(f"[{label}] serving on {where}{ports}, {args.workers} workers each; go")
        elapsed = asyncio.run(
            asyncio.wait_for(
                drive(f"http://127.0.0.1:{port}", password, run, servers, env, questions),
                timeout=args.budget,
            )
        )
        for server in servers:
            server.kill()
        dump = json.loads(manage(env, "shell", code=DUMP).strip().splitlines()[-1])
        for server in servers:
            log = server.log.read_text(errors="replace") if server.log.exists() else ""
            if "database is locked" in log:
                run.error("database is locked", "gunicorn log")
            if "Traceback" in log:
                run.error("server traceback", log[log.index("Traceback") :][:300])
        failures = reconcile(run, dump, questions)
        if "server traceback" in run.errors:
            failures.append("the server logged a traceback")
        print(summary(label, run, elapsed, failures))
        for kind, example in run.samples.items():
            if kind.startswith(("HTTP 5", "server", "database", "reload", "sweeper", "shared")):
                print(f"  example of {kind}: {example}")
        return not failures
    except TimeoutError:
        print(f"[{label}] FAIL: the run did not finish within --budget {args.budget} s")
        return False
    finally:
        for server in servers:
            server.kill()
        if balancer:
            balancer.stop()
        if args.redis_url:
            client = redis.Redis.from_url(args.redis_url)
            for key in client.scan_iter(match=f"{workdir.name}:*", count=1000):
                client.delete(key)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL server on loopback; a throwaway database is created there.",
    )
    parser.add_argument("--budget", type=float, default=600, help="Seconds per database.")
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="App servers; 2 or more run behind HAProxy (deploy/haproxy.cfg), which is needed.",
    )
    parser.add_argument(
        "--redis-url", default="", help="A shared cache (REDIS_URL), e.g. redis://127.0.0.1:6379/12"
    )
    args = parser.parse_args()
    results = {}
    setup = (" + Redis" if args.redis_url else "") + (
        f", {args.servers} servers behind HAProxy" if args.servers > 1 else ""
    )
    if args.db in ("sqlite", "both"):
        results["SQLite" + setup] = one_run("SQLite" + setup, None, args)
    if args.db in ("postgres", "both"):
        created = postgres_database(args.pg_url)
        if created:
            try:
                results["PostgreSQL" + setup] = one_run("PostgreSQL" + setup, created[0], args)
            finally:
                drop_postgres_database(args.pg_url, created[1])
        elif args.db == "postgres":
            results["PostgreSQL" + setup] = False
    print("\n" + "  ".join(f"{name}: {'PASS' if ok else 'FAIL'}" for name, ok in results.items()))
    return 0 if results and all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
