import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

DEMO_PASSWORD = "e2e-demo-password"
BANK = Path(__file__).resolve().parents[2] / "fixtures" / "rapallo-bank.json"


@pytest.fixture
def bank() -> dict:
    """The Rapallo bank as authored, keyed by prompt, to answer questions as a student who knows."""
    questions = json.loads(BANK.read_text(encoding="utf-8"))["questions"]
    return {question["prompt"]: question for question in questions}


@pytest.fixture
def demo(live_server, monkeypatch):
    """The demo content and accounts, exactly as `make run` sets them up."""
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("setup_demo", stdout=io.StringIO())
    return live_server


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def student_page(page: Page, demo) -> Page:
    """A browser page logged in, through the form, as the demo student."""
    log_in(page, demo.url, "student")
    return page
