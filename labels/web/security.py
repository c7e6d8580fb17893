"""Safety of the labeling page: Host header check, per-session CSRF tokens, strict response headers.

The page shows untrusted article text, so besides escaping every value (Jinja autoescape) responses
carry a Content-Security-Policy that allows only our own script and style files: an injected <script>
would not run even if escaping failed."""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
SESSION_COOKIE = "fw_label_session"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


def host_name(host_header: str) -> str:
    """'127.0.0.1:8766' -> '127.0.0.1'; '[::1]:80' -> '[::1]'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostCheckMiddleware:
    """Reject requests whose Host header is not one of ours (stops DNS-rebinding pages from reaching us),
    and add the security headers to every response."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if host not in self.allowed:
            log.warning("refused request with Host %r", host)
            body = (
                f"Host header {host!r} is not allowed. Open the page at http://127.0.0.1:<port>/ "
                "or add the name with --allowed-host."
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


FORMS_REMEMBERED = 1000  # label forms whose save is remembered per session (a second press is a no-op)


@dataclass
class Session:
    token: str
    csrf: str
    annotator: str | None = None
    skipped: list[str] = field(default_factory=list)
    flash: str | None = None
    saved_forms: dict[str, None] = field(default_factory=dict)  # form ids already saved, oldest first


class Sessions:
    """Server-side sessions keyed by an unguessable cookie; each has its own CSRF token."""

    def __init__(self) -> None:
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get_or_create(self, token: str | None) -> tuple[Session, bool]:
        with self._lock:
            if token and token in self._by_token:
                return self._by_token[token], False
            session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
            self._by_token[session.token] = session
            return session, True

    def get(self, token: str | None) -> Session | None:
        with self._lock:
            return self._by_token.get(token) if token else None

    def claim_form(self, session: Session, form_id: str) -> bool:
        """True the first time a label form is submitted; False for a repeat (Save pressed twice, a
        resent POST), which must not store a second label."""
        with self._lock:
            if not form_id or form_id in session.saved_forms:
                return False
            session.saved_forms[form_id] = None
            while len(session.saved_forms) > FORMS_REMEMBERED:
                session.saved_forms.pop(next(iter(session.saved_forms)))
            return True

    def release_form(self, session: Session, form_id: str) -> None:
        """Forget a claimed form whose save did not happen (busy warehouse), so it can be sent again."""
        with self._lock:
            session.saved_forms.pop(form_id, None)


def csrf_ok(session: Session | None, submitted: str | None) -> bool:
    return bool(session and submitted and hmac.compare_digest(session.csrf, submitted))
