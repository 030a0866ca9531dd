"""Instructions per request of the answer loop, counted by callgrind: a figure that does not move.

    .venv/bin/python benchmarks/request_cost.py [--requests 30] [--targets ceiling,question]
        [--redis redis://127.0.0.1:6379/14]

The load test (answer_loop.py) measures requests per second, which drift by a fifth from one
minute to the next on a shared machine. This counts the CPU instructions each request costs
instead, in one process through Django's WSGI handler (no gunicorn, no network), under valgrind:
the same code gives the same count, so a change's effect shows even when it is a few per cent.
On a fresh SQLite database with the demo content and production settings, one student logged in
through the login form, for each target (the ceiling, the signed-in floor, the question page
and the answer POST, as answer_loop.py defines them): warm up, then count --requests requests.
valgrind comes from Debian (apt-get install -y valgrind). Prints a line per target, then JSON.
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.answer_loop import (  # noqa: E402
    FLOOR_PATH,
    QUIZ,
    TARGETS,
    django_setup,
    production_env,
    run,
)

PASSWORD = "request-cost-" + "x" * 12


def requests_of_each_target() -> dict:
    """WSGI environ builders for each target, for a student logged in through the real forms."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    page = client.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    login = {"username": "bench000", "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert client.post("/accounts/login/", login).status_code == 302
    csrf = client.cookies["csrftoken"].value
    first = client.post(f"/quizzes/{QUIZ}/start/", {}, HTTP_X_CSRFTOKEN=csrf)["Location"]
    attempt_path = first.rsplit("/questions/", 1)[0]
    for position in range(1, 100):
        path = f"{attempt_path}/questions/{position}/"
        radio = re.search(r'type="radio" name="answer" value="([^"]+)"', client.get(path).text)
        if radio:
            break
    body = f"answer={radio.group(1)}".encode()
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())

    def environ(method: str, path: str, headers: dict, data: bytes = b"") -> dict:
        return {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(data)),
            **headers,
        }

    signed_in = {"HTTP_COOKIE": cookie}
    answer_headers = {
        **signed_in,
        "HTTP_X_CSRFTOKEN": csrf,
        "HTTP_HX_REQUEST": "true",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    return {
        "ceiling": lambda: environ("GET", "/healthz", {}),
        "signed-in floor": lambda: environ("GET", FLOOR_PATH, signed_in),
        "question page": lambda: environ("GET", path, signed_in),
        "answer POST": lambda: environ("POST", path, answer_headers, body),
    }


def helper_count(target: str, requests: int) -> None:
    """Run under callgrind: warm up, then count `requests` requests of one target."""
    from django.core.wsgi import get_wsgi_application

    builders = requests_of_each_target()
    application = get_wsgi_application()

    def send() -> None:
        statuses = []
        body = application(builders[target](), lambda status, headers: statuses.append(status))
        b"".join(body)
        body.close()
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"{target}: {statuses[0]}")

    for _ in range(20):
        send()
    # Counting is switched on for the measured requests only (valgrind --instr-atstart=no).
    switch = ["callgrind_control", "-i"]
    subprocess.run([*switch, "on", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)
    for _ in range(requests):
        send()
    subprocess.run([*switch, "off", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)


def count(env: dict, target: str, requests: int, directory: str) -> float:
    """Millions of instructions per request of one target."""
    output = Path(directory) / "callgrind.out"
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={output}",
            sys.executable,
            str(Path(__file__).resolve()),
            "_count",
            target,
            str(requests),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    collected = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not collected:
        raise RuntimeError(f"{target}: valgrind failed\n{done.stderr[-2000:]}")
    return int(collected.group(1)) / requests / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="requests counted per target")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated")
    parser.add_argument(
        "--redis",
        metavar="URL",
        default="",
        help="the shared cache, as REDIS_URL (e.g. redis://127.0.0.1:6379/14); default: none",
    )
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (apt-get install -y valgrind).")
    targets = [target.strip() for target in args.targets.split(",")]
    directory = tempfile.mkdtemp(prefix="quizsite-request-cost-")
    try:
        env = production_env(PASSWORD) | {
            "SQLITE_PATH": str(Path(directory) / "cost.sqlite3"),
            "DJANGO_STATIC_ROOT": str(Path(directory) / "static"),
        }
        env.pop("REDIS_URL", None)
        if args.redis:
            env |= {"REDIS_URL": args.redis, "DJANGO_CACHE_PREFIX": Path(directory).name}
        run(env, sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0")
        run(env, sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
        run(env, sys.executable, "manage.py", "setup_demo", capture=True)
        run(env, sys.executable, "benchmarks/answer_loop.py", "_students", "1", PASSWORD)
        costs = {}
        for target in targets:
            costs[target] = round(count(env, target, args.requests, directory), 2)
            print(f"{target:<16}{costs[target]:>7.2f} M instructions per request")
        cache = "redis" if args.redis else "none"
        report = {"requests": args.requests, "cache": cache, "instructions_millions": costs}
        print(json.dumps(report))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_count":
        django_setup()
        helper_count(sys.argv[2], int(sys.argv[3]))
    else:
        main()
