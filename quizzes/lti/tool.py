"""The LTI 1.3 protocol, through django-lti and pylti1p3, with three things they leave open.

- Unknown deployments are refused. django-lti's tool configuration creates a deployment row for
  any deployment id a validly signed launch names (inactive, then refused); here a launch names
  a deployment the administrator registered, or it is refused with nothing stored.
- A nonce is spent once. pylti1p3 checks that the nonce was issued but never forgets it, so the
  same id_token posted again would be a second valid launch; here checking it deletes it.
- Login and launch values live in the database (models.LaunchValue), not in a per-process
  cache: the login may reach one server and the launch another.

And every call to the platform (its keys, its token endpoint, scores, rosters) has a timeout.
"""

from datetime import timedelta

import requests
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from lti_tool.models import LtiDeployment, LtiLaunch, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.base import LaunchDataStorage

from quizzes.models.lms import LaunchValue

# Seconds to connect to, then to hear from, a platform before giving up on this try.
PLATFORM_TIMEOUT = (5, 15)

# A launch's claims stay usable this long (deep linking answers within it).
LAUNCH_LIFETIME = timedelta(hours=2)


class LaunchRefused(Exception):
    """A login or launch the tool will not accept; the message says why, for the user."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class PlatformSession(requests.Session):
    """A requests session whose every call has a timeout."""

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", PLATFORM_TIMEOUT)
        return super().request(method, url, *args, **kwargs)


class ToolConfig(DjangoToolConfig):
    """django-lti's configuration, finding only deployments the administrator registered."""

    def find_deployment(self, iss, deployment_id):
        return self._registered(
            registration__issuer=iss,
            registration__uuid=self.registration_uuid,
            deployment_id=deployment_id,
        )

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        lookups = {
            "registration__issuer": iss,
            "registration__client_id": client_id,
            "deployment_id": deployment_id,
        }
        if self.registration_uuid is not None:
            lookups["registration__uuid"] = self.registration_uuid
        return self._registered(**lookups)

    def _registered(self, **lookups):
        self.deployment = (
            LtiDeployment.objects.active().filter(registration__is_active=True, **lookups).first()
        )
        if self.deployment is None:
            return None
        return Deployment().set_deployment_id(self.deployment.deployment_id)


class DatabaseStorage(LaunchDataStorage):
    """pylti1p3's launch data storage on LaunchValue rows; checking a nonce spends it."""

    def __init__(self) -> None:
        super().__init__()

    def get_session_cookie_name(self):
        # The values are found by their random keys (state, nonce, launch id), as pylti1p3's
        # cache storage does over HTTP; a per-browser cookie would break launches in browsers
        # that block the third-party cookies of a framed login.
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key):
        found = LaunchValue.objects.filter(
            key=self._prepare_key(key), expires_at__gt=timezone.now()
        ).first()
        return None if found is None else found.value

    def set_value(self, key, value, exp=None):
        expires_at = timezone.now() + timedelta(seconds=exp or LAUNCH_LIFETIME.total_seconds())
        try:
            with transaction.atomic():
                LaunchValue.objects.update_or_create(
                    key=self._prepare_key(key),
                    defaults={"value": value, "expires_at": expires_at},
                )
        except IntegrityError:
            # Two requests wrote the same key at once: it holds one of the two equal values.
            pass

    def check_value(self, key):
        prepared = self._prepare_key(key)
        if "-nonce-" in prepared:
            deleted, _ = LaunchValue.objects.filter(
                key=prepared, expires_at__gt=timezone.now()
            ).delete()
            return deleted > 0
        return LaunchValue.objects.filter(key=prepared, expires_at__gt=timezone.now()).exists()


def clear_expired() -> int:
    """Delete login and launch values past their time; how many."""
    deleted, _ = LaunchValue.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def login_redirect_url(request: HttpRequest, registration: LtiRegistration, launch_url: str):
    """The platform's authorization URL this login continues to, and the cookie service
    holding the state cookie to set on the response (`update_response`)."""
    cookies = DjangoCookieService(DjangoRequest(request))
    login = DjangoOIDCLogin(
        request,
        ToolConfig(registration.uuid),
        cookie_service=cookies,
        launch_data_storage=DatabaseStorage(),
    )
    try:
        return login.get_redirect_object(launch_url).get_redirect_url(), cookies
    except (LtiException, OIDCException) as error:
        raise LaunchRefused(f"This login was refused: {error}") from None


# What pylti1p3 says, and what a person reading the refusal page is told.
_REASONS = (
    ("Missing state", "the launch did not come from a login this site began (no state)"),
    ("State not found", "the launch did not come from a login this site began (wrong state)"),
    ("nonce", "this launch was already used or its login expired (nonce)"),
    ("Nonce", "this launch was already used or its login expired (nonce)"),
    ("Registration not found", "the platform or client id is not registered here"),
    ("Client id not registered", "the platform or client id is not registered here"),
    ("deployment", "this deployment of the tool is not registered here"),
    ("Signature has expired", "the launch token has expired"),
    ("Signature verification failed", "the launch token's signature is not the platform's"),
    ("public key", "the launch token is not signed with one of the platform's keys"),
    ("message type", "this kind of LTI message is not supported"),
    ("Message validation failed", "the launch token lacks a claim LTI requires"),
)


def _reason(error: Exception) -> str:
    text = str(error)
    for fragment, reason in _REASONS:
        if fragment in text:
            return reason
    return "the launch token is not valid"


def validated_launch(request: HttpRequest) -> LtiLaunch:
    """The launch this request posts, checked in full (state, nonce, issuer and client,
    signature and expiry, deployment, message), or LaunchRefused."""
    if "id_token" not in request.POST:
        raise LaunchRefused("This address is for launches from a learning platform.")
    message = DjangoMessageLaunch(
        request,
        ToolConfig(),
        launch_data_storage=DatabaseStorage(),
        requests_session=PlatformSession(),
    ).set_launch_data_lifetime(int(LAUNCH_LIFETIME.total_seconds()))
    try:
        message.validate()
    except (LtiException, ValueError, KeyError, TypeError) as error:
        raise LaunchRefused(f"This launch was refused: {_reason(error)}.") from None
    return LtiLaunch(message)


def stored_launch(request: HttpRequest, launch_id: str | None) -> LtiLaunch:
    """A launch validated earlier in this session (for deep linking's answer), or
    LaunchRefused when it has expired or was answered already."""
    if not launch_id:
        raise LaunchRefused(
            "This request from the LMS was answered already: add another activity from the LMS.",
            409,
        )
    try:
        message = DjangoMessageLaunch.from_cache(
            launch_id,
            request,
            ToolConfig(),
            launch_data_storage=DatabaseStorage(),
            requests_session=PlatformSession(),
        )
    except LtiException:
        raise LaunchRefused(
            "This launch has expired: open the tool again from the course.", 403
        ) from None
    return LtiLaunch(message)
