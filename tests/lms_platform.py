"""A learning platform for the tests: what Moodle or Canvas does in an LTI 1.3 launch, offline.

It has its own RSA key and JWKS, and serves over real HTTP (a thread on 127.0.0.1):
- the OIDC authorization endpoint a third-party login redirects to, which checks the tool's
  request and answers with a signed id_token posted back to the tool's redirect URI;
- the OAuth2 token endpoint, which checks the tool's signed client assertion against the
  tool's own JWKS (fetched from the tool's keyset URL) before giving an access token;
- AGS: line items and the scores posted to them (recorded); NRPS: the course's members;
- deep linking's return URL, which checks the tool's signed answer and makes the links and
  gradebook columns it asks for.
Its token and score endpoints can be taken down (`down`) to test retries.
"""

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import urlopen

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTRUCTOR = [MEMBERSHIP + "Instructor"]
LEARNER = [MEMBERSHIP + "Learner"]
TEACHING_ASSISTANT = [
    MEMBERSHIP + "Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
]
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def new_key() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key, pem


@dataclass
class Person:
    sub: str
    roles: list[str]
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    status: str = "Active"


@dataclass
class PendingLaunch:
    """What the LMS will say in the launch a login_hint and lti_message_hint refer to."""

    person: Person
    message_type: str = "LtiResourceLinkRequest"
    resource_link_id: str = ""
    custom: dict = field(default_factory=dict)
    context_id: str = "course-1"
    line_item_id: str = ""
    # Changes to the claims or the token, for the refusals.
    tamper: dict = field(default_factory=dict)


class FakeLms:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.key, self.private_pem = new_key()
        self.kid = "fake-lms-" + secrets.token_hex(4)
        self.client_id = "quizsite-" + secrets.token_hex(3)
        self.deployment_id = "deployment-1"
        self.tool_launch_url = ""
        self.tool_jwks_url = ""
        # Reads the tool's JWKS; None: over HTTP from tool_jwks_url.
        self.fetch_tool_jwks = None
        self.pending: dict[str, PendingLaunch] = {}
        self.members: list[Person] = []
        self.line_items: dict[str, dict] = {}
        self.scores: list[tuple[str, dict]] = []
        self.deep_link_items: list[dict] = []
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.down = False
        self.context_titles = {"course-1": ("HIST-9A", "History 9A")}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # The address the LMS is known by: a browser treats localhost and 127.0.0.1 as two sites.
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self.issuer = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # The values an administrator copies into Quizsite's registration form.
    def registration_values(self, **changes) -> dict:
        values = {
            "name": "Fake LMS",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_url": self.url + "/auth",
            "token_url": self.url + "/token",
            "keyset_url": self.url + "/jwks",
            "audience": "",
            "is_active": "on",
            "deployment_ids": self.deployment_id,
            "frame_origins": self.url,
        }
        values.update(changes)
        return values

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # -- launches ------------------------------------------------------------------------
    def login_params(self, launch: PendingLaunch, **changes) -> dict:
        """The third-party login initiation the LMS sends the browser to the tool with."""
        hint = secrets.token_urlsafe(8)
        self.pending[hint] = launch
        params = {
            "iss": self.issuer,
            "login_hint": launch.person.sub,
            "target_link_uri": self.tool_launch_url,
            "lti_message_hint": hint,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        params.update(changes)
        return params

    def authorize(self, query: dict) -> tuple[str, dict]:
        """The OIDC authorization endpoint: check the tool's request, then the form the
        browser posts to the tool's redirect URI."""
        assert query["scope"] == "openid"
        assert query["response_type"] == "id_token"
        assert query["response_mode"] == "form_post"
        assert query["prompt"] == "none"
        assert query["client_id"] == self.client_id
        assert query["redirect_uri"] == self.tool_launch_url
        launch = self.pending[query["lti_message_hint"]]
        assert query["login_hint"] == launch.person.sub
        claims = self.claims(launch, nonce=query["nonce"])
        claims.update(launch.tamper.get("claims", {}))
        for name in launch.tamper.get("drop", []):
            claims.pop(name, None)
        key = launch.tamper.get("key", self.private_pem)
        kid = launch.tamper.get("kid", self.kid)
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
        state = launch.tamper.get("state", query["state"])
        return query["redirect_uri"], {"id_token": token, "state": state}

    def claims(self, launch: PendingLaunch, *, nonce: str) -> dict:
        now = int(time.time())
        person = launch.person
        label, title = self.context_titles.get(launch.context_id, (launch.context_id, ""))
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": person.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "name": f"{person.given_name} {person.family_name}".strip(),
            "email": person.email,
            LTI + "message_type": launch.message_type,
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": self.tool_launch_url,
            LTI + "roles": person.roles,
            LTI + "context": {
                "id": launch.context_id,
                "label": label,
                "title": title,
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            LTI + "tool_platform": {"guid": "fake-lms", "name": "Fake LMS"},
            LTI + "launch_presentation": {
                "document_target": "iframe",
                "return_url": self.url + "/course",
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/contexts/{launch.context_id}/memberships",
                "service_versions": ["2.0"],
            },
        }
        endpoint = {
            "scope": AGS_SCOPES,
            "lineitems": f"{self.url}/contexts/{launch.context_id}/lineitems",
        }
        if launch.line_item_id:
            endpoint["lineitem"] = f"{self.url}/lineitems/{launch.line_item_id}"
        claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = endpoint
        if launch.message_type == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": launch.resource_link_id, "title": "Quiz"}
        if launch.custom:
            claims[LTI + "custom"] = launch.custom
        if launch.message_type == "LtiDeepLinkingRequest":
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": False,
                "data": "opaque-" + launch.context_id,
            }
        return claims

    def resource_launch_for(self, item: dict, person: Person, context_id="course-1"):
        """The launch of a link deep linking made: its custom parameters, its column."""
        return PendingLaunch(
            person=person,
            resource_link_id=item["resource_link_id"],
            custom=item.get("custom", {}),
            context_id=context_id,
            line_item_id=item.get("line_item_id", ""),
        )

    # -- services ------------------------------------------------------------------------
    def _tool_key(self, token: str):
        if self.fetch_tool_jwks is not None:
            keys = self.fetch_tool_jwks()["keys"]
        else:
            with urlopen(self.tool_jwks_url, timeout=10) as response:
                keys = json.load(response)["keys"]
        kid = jwt.get_unverified_header(token)["kid"]
        found = next(key for key in keys if key["kid"] == kid)
        return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(found))

    def token(self, form: dict) -> tuple[int, dict]:
        self.token_requests += 1
        if self.down:
            return 503, {"error": "temporarily_unavailable"}
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return 400, {"error": "unsupported_grant_type"}
        assertion = form.get("client_assertion", "")
        try:
            jwt.decode(
                assertion,
                self._tool_key(assertion),
                algorithms=["RS256"],
                audience=self.url + "/token",
                issuer=self.client_id,
                options={"require": ["exp", "iat", "jti", "sub"]},
            )
        except (jwt.InvalidTokenError, StopIteration, KeyError):
            return 401, {"error": "invalid_client"}
        token = secrets.token_urlsafe(16)
        self.tokens.add(token)
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": form.get("scope", ""),
        }

    def deep_link_return(self, form: dict) -> tuple[int, str]:
        token = form.get("JWT", "")
        try:
            claims = jwt.decode(
                token,
                self._tool_key(token),
                algorithms=["RS256"],
                audience=self.issuer,
                issuer=self.client_id,
            )
        except (jwt.InvalidTokenError, StopIteration, KeyError):
            return 401, "The tool's answer is not signed with its key."
        assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
        assert claims[LTI + "deployment_id"] == self.deployment_id
        for item in claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]:
            item = dict(item)
            item["resource_link_id"] = "link-" + secrets.token_hex(4)
            if "lineItem" in item:
                line_item_id = secrets.token_hex(4)
                self.line_items[line_item_id] = {
                    **item["lineItem"],
                    "id": f"{self.url}/lineitems/{line_item_id}",
                    "resourceLinkId": item["resource_link_id"],
                }
                item["line_item_id"] = line_item_id
            self.deep_link_items.append(item)
        return 200, "Added to the course."

    def _handler(self):
        lms = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body, content_type="application/json"):
                data = (
                    body
                    if isinstance(body, bytes)
                    else (json.dumps(body) if content_type.endswith("json") else body).encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/x-www-form"):
                    return {key: values[0] for key, values in parse_qs(raw).items()}
                return json.loads(raw or "{}")

            def _authorized(self) -> bool:
                header = self.headers.get("Authorization", "")
                return header.startswith("Bearer ") and header[7:] in lms.tokens

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path == "/jwks":
                    return self._send(200, lms.jwks())
                if parts.path == "/auth":
                    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                    target, form = lms.authorize(query)
                    inputs = "".join(
                        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                        for name, value in form.items()
                    )
                    page = (
                        f'<form id="f" method="post" action="{html.escape(target)}">{inputs}'
                        "</form><script>document.getElementById('f').submit()</script>"
                    )
                    return self._send(200, page, "text/html")
                if parts.path.startswith("/frame/"):
                    # A course page showing the tool in a frame, as Moodle and Canvas do.
                    hint = parts.path.rsplit("/", 1)[1]
                    page = (
                        "<!doctype html><title>Course page</title><h1>History 9A</h1>"
                        f'<iframe id="tool" title="Quizsite" src="/start/{hint}" '
                        'width="1000" height="700"></iframe>'
                    )
                    return self._send(200, page, "text/html")
                if parts.path.startswith("/start/"):
                    # A course page's link: the browser goes to the tool's login initiation.
                    hint = parts.path.rsplit("/", 1)[1]
                    launch = lms.pending.pop(hint)
                    params = lms.login_params(launch)
                    login_url = lms.tool_launch_url.replace("/lti/launch/", "/lti/login/")
                    self.send_response(302)
                    self.send_header("Location", f"{login_url}?{urlencode(params)}")
                    self.end_headers()
                    return None
                if parts.path.endswith("/memberships"):
                    if not self._authorized():
                        return self._send(401, {"error": "unauthorized"})
                    members = [
                        {
                            "user_id": person.sub,
                            "roles": person.roles,
                            "status": person.status,
                            "given_name": person.given_name,
                            "family_name": person.family_name,
                            "name": f"{person.given_name} {person.family_name}",
                            "email": person.email,
                        }
                        for person in lms.members
                    ]
                    return self._send(
                        200,
                        {"id": lms.url + parts.path, "members": members},
                        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                    )
                return self._send(404, {"error": "not found"})

            def do_POST(self):
                parts = urlsplit(self.path)
                form = self._form()
                if parts.path == "/token":
                    status, body = lms.token(form)
                    return self._send(status, body)
                if parts.path == "/deep-link-return":
                    status, text = lms.deep_link_return(form)
                    return self._send(status, f"<p>{text}</p>", "text/html")
                if parts.path.startswith("/lineitems/") and parts.path.endswith("/scores"):
                    if lms.down:
                        return self._send(503, {"error": "down"})
                    if not self._authorized():
                        return self._send(401, {"error": "unauthorized"})
                    if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                        return self._send(415, {"error": "score media type expected"})
                    line_item_id = parts.path.split("/")[2]
                    lms.scores.append((line_item_id, form))
                    return self._send(200, {})
                return self._send(404, {"error": "not found"})

        return Handler

    def browser_start_url(self, launch: PendingLaunch, *, framed: bool = False) -> str:
        """A link on the LMS's course page that launches the tool in the browser: in the
        window, or in a frame of a course page."""
        hint = secrets.token_urlsafe(8)
        self.pending[hint] = launch
        return f"{self.url}/{'frame' if framed else 'start'}/{hint}"
