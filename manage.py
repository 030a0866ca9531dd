#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
    # Management commands (migrate, makemigrations, setup_demo) sign nothing, so they may run
    # without the site's key; the served site (quizsite.wsgi) still refuses to start without it.
    # Under DEBUG the settings' fixed development key applies, so logins survive a restart.
    if not os.environ.get("DJANGO_SECRET_KEY") and os.environ.get("DJANGO_DEBUG") != "1":
        os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
