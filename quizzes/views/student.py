"""Student pages: the quiz list, taking an attempt one question at a time, results, the text."""

from django.http import HttpRequest, HttpResponse

# Home, quiz page, the text, my scores, accounts (owned by the pages engineer)


def quiz_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError


def source_text_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError


def my_scores(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def signup(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


# Taking an attempt (owned by the attempt-flow engineer)


def start_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError


def attempt_question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    raise NotImplementedError


def toggle_flag(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    raise NotImplementedError


def finish_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
