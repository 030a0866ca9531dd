"""Registering a platform: the form an administrator fills in from the LMS's values, and the
tool's own values (URLs, Canvas's JSON) to paste into the LMS."""

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from quizzes.lti.launches import origin
from quizzes.models.lms import PlatformSettings

AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


class PlatformForm(forms.ModelForm):
    deployment_ids = forms.CharField(
        label="Deployment ids",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, as the LMS shows them (Moodle: on the tool's “View "
        "configuration details”; Canvas: the deployment id under the app's settings). Launches "
        "naming another deployment are refused.",
    )
    frame_origins = forms.CharField(
        label="Addresses that may show Quizsite in a frame",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The LMS's own web addresses, one a line (https://moodle.school.example, "
        "https://school.instructure.com). Empty: the issuer's and the login URL's.",
    )

    class Meta:
        model = LtiRegistration
        fields = [
            "name",
            "issuer",
            "client_id",
            "auth_url",
            "token_url",
            "keyset_url",
            "audience",
            "is_active",
        ]
        labels = {
            "issuer": "Platform ID (issuer)",
            "client_id": "Client ID",
            "auth_url": "Authentication request URL",
            "token_url": "Access token URL",
            "keyset_url": "Public keyset URL",
            "audience": "Token audience (only if the LMS names one)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["deployment_ids"].initial = "\n".join(
                self.instance.deployments.active().values_list("deployment_id", flat=True)
            )
            settings = PlatformSettings.objects.filter(registration=self.instance).first()
            self.fields["frame_origins"].initial = settings.frame_origins if settings else ""

    def clean_deployment_ids(self) -> list[str]:
        ids = [line.strip() for line in self.cleaned_data["deployment_ids"].splitlines()]
        ids = list(dict.fromkeys(value for value in ids if value))
        if not ids:
            raise forms.ValidationError("Give at least one deployment id.")
        if any(len(value) > 255 for value in ids):
            raise forms.ValidationError("A deployment id is at most 255 characters.")
        return ids

    def clean_frame_origins(self) -> str:
        lines = self.cleaned_data["frame_origins"].split()
        bad = [line for line in lines if not origin(line)]
        if bad:
            raise forms.ValidationError(f"Not a web address: {bad[0]}")
        return "\n".join(origin(line) for line in lines)

    def save(self, commit: bool = True) -> LtiRegistration:
        with transaction.atomic():
            registration = super().save()
            wanted = set(self.cleaned_data["deployment_ids"])
            registration.deployments.exclude(deployment_id__in=wanted).update(is_active=False)
            for deployment_id in wanted:
                LtiDeployment.objects.update_or_create(
                    registration=registration,
                    deployment_id=deployment_id,
                    defaults={"is_active": True},
                )
            origins = self.cleaned_data["frame_origins"] or "\n".join(
                dict.fromkeys(
                    found
                    for found in (origin(registration.issuer), origin(registration.auth_url))
                    if found
                )
            )
            PlatformSettings.objects.update_or_create(
                registration=registration, defaults={"frame_origins": origins}
            )
            if not Key.objects.active().exists():
                Key.objects.generate()
        return registration


def tool_urls(request: HttpRequest, registration: LtiRegistration | None = None) -> dict:
    """The tool's URLs an LMS administrator pastes into the LMS."""
    login = (
        reverse("lti_login_for", args=[registration.uuid]) if registration else reverse("lti_login")
    )
    launch = request.build_absolute_uri(reverse("lti_launch"))
    return {
        "login": request.build_absolute_uri(login),
        "launch": launch,
        "deep_link": launch,
        "jwks": request.build_absolute_uri(reverse("lti_jwks")),
        "domain": request.get_host(),
    }


def canvas_configuration(request: HttpRequest) -> dict:
    """A Canvas developer key's JSON: LTI Key, “Paste JSON”."""
    urls = tool_urls(request)
    deep_link = {
        "message_type": "LtiDeepLinkingRequest",
        "target_link_uri": urls["deep_link"],
        "text": "Quizsite quiz",
    }
    return {
        "title": "Quizsite",
        "description": "Quizzes on a source text, with feedback and the passage each question "
        "comes from; grades return to the gradebook.",
        "oidc_initiation_url": urls["login"],
        "target_link_uri": urls["launch"],
        "public_jwk_url": urls["jwks"],
        "scopes": [*AGS_SCOPES, NRPS_SCOPE],
        "extensions": [
            {
                "domain": urls["domain"],
                "tool_id": "quizsite",
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "text": "Quizsite",
                    "placements": [
                        {"placement": "assignment_selection", **deep_link},
                        {"placement": "link_selection", **deep_link},
                    ],
                },
            }
        ],
        "custom_fields": {},
    }
