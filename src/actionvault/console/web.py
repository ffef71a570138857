"""How a console page becomes an endpoint: the session cookie, CSRF, errors as HTML, headers.

The console is a second transport over the same services as the API: a page function gets a
`Page` (the request, the signed-in principal, the services) and returns a response; what every
page does the same way (who is signed in, whether a form is genuine, a friendly page instead
of a stack trace, the security headers) happens here once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol, cast
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from actionvault.domain.principals import Principal
from actionvault.errors import ActionVaultError, InsufficientAccess, InvalidSessionId
from actionvault.runtime import Runtime, Services
from actionvault.settings import Settings

log = logging.getLogger("actionvault.console")

PREFIX = "/console"
SESSION_COOKIE = "actionvault_console_session"
#: Before sign-in there is no session to bind a CSRF token to: the sign-in form carries this
#: cookie's random value instead (a double submit, which SameSite=Strict backs up).
LOGIN_CSRF_COOKIE = "actionvault_console_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

#: Nothing but the console's own files may load or run; no page may be framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

templates = Environment(
    loader=PackageLoader("actionvault.console", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def csrf_token_for(session_id: str) -> str:
    """Bound to the session: only a page served to that session can know it."""
    return hmac.new(session_id.encode(), b"actionvault-console-csrf", hashlib.sha256).hexdigest()


def is_https(request: Request, runtime: Runtime) -> bool:
    public_url = runtime.settings.public_url or ""
    return request.url.scheme == "https" or public_url.startswith("https://")


@dataclass(slots=True)
class Page:
    """What a page function gets: the request, who is signed in, and the services."""

    request: Request
    runtime: Runtime
    principal: Principal
    form: FormData | None = None

    @property
    def services(self) -> Services:
        return self.runtime.services

    @property
    def user(self) -> Principal:
        return self.principal

    @property
    def csrf_token(self) -> str:
        return csrf_token_for(self.principal.session_id)

    def render(self, template: str, *, http_status: int = 200, **values: Any) -> Response:
        return render(
            self.request,
            template,
            http_status=http_status,
            principal=self.principal,
            csrf_token=self.csrf_token,
            **values,
        )

    def field(self, name: str) -> str:
        """A text field of the posted form, stripped; empty when absent."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""


def render(request: Request, template: str, *, http_status: int = 200, **values: Any) -> Response:
    values.setdefault("principal", None)
    values.setdefault("csrf_token", "")
    values["prefix"] = PREFIX
    values["path"] = request.url.path
    body = templates.get_template(template).render(**values)
    return with_headers(HTMLResponse(body, status_code=http_status))


def with_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def redirect(path: str) -> Response:
    """After a form: see the result with a GET (303), so that reloading never posts again."""
    return with_headers(RedirectResponse(path, status_code=303))


PageFunction = Callable[[Page], Awaitable[Response]]

#: Which HTTP status a refused request gets on its error page.
_STATUS = {
    "INSUFFICIENT_ACCESS": 403,
    "INVALID_SESSION_ID": 401,
    "MALFORMED_URL": 404,
    "API_LIMIT_EXCEEDED": 429,
    "EXCEEDS_FILE_MAX_SIZE": 413,
}


def error_page(
    request: Request, status_code: int, message: str, principal: Principal | None = None
) -> Response:
    csrf = csrf_token_for(principal.session_id) if principal else ""
    return render(
        request,
        "error.html",
        http_status=status_code,
        message=message,
        status=status_code,
        principal=principal,
        csrf_token=csrf,
    )


def _sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"{PREFIX}/sign-in?next={quote(target, safe='')}"
    if request.headers.get("hx-request"):
        # htmx follows this header instead of swapping a sign-in page into a fragment.
        return with_headers(Response(status_code=401, headers={"HX-Redirect": location}))
    return redirect(location)


async def authenticate(request: Request, runtime: Runtime) -> Principal | None:
    """The principal of the session cookie, or None when there is none or it has ended."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    try:
        principal = await runtime.services.sessions.authenticate(session_id)
        runtime.services.sessions.require_api_access(principal)
    except (InvalidSessionId, InsufficientAccess):
        return None
    return principal


async def read_form(request: Request) -> FormData:
    return await request.form(max_files=1, max_fields=200)


def check_csrf(request: Request, form: FormData | None, expected: str) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and form is not None:
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return bool(expected) and sent is not None and secrets.compare_digest(sent, expected)


class _BodyLimit(Protocol):
    """The API's limit on a request body, which the app puts in front of every route."""

    def allow_upload(self, settings: Settings) -> None: ...
    def check_declared(self) -> None: ...


def page(
    fn: PageFunction, *, admin: bool = False, upload: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a page function: signed in (else to the sign-in page), a genuine form on every
    POST, administrators only where `admin`, and an HTML error page for every failure.

    `upload` pages take a file: as on the API, any signed-in user may send one, so the body
    may be as large as a file once the session has been checked (and before the form, which
    carries the CSRF token, is read).
    """

    async def handle(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        principal = await authenticate(request, runtime)
        if principal is None:
            return _sign_in_redirect(request)
        try:
            limit = request.receive
            if upload and hasattr(limit, "allow_upload"):
                cast(_BodyLimit, limit).allow_upload(runtime.settings)
            if hasattr(limit, "check_declared"):
                cast(_BodyLimit, limit).check_declared()
            form: FormData | None = None
            if request.method == "POST":
                form = await read_form(request)
                if not check_csrf(request, form, csrf_token_for(principal.session_id)):
                    return error_page(
                        request,
                        403,
                        "This form was not sent from a console page of this session (its "
                        "security token is missing or wrong). Reload the page and try again.",
                        principal,
                    )
            if admin and not principal.is_admin:
                return error_page(
                    request, 403, "Only administrators may open this page.", principal
                )
            try:
                return with_headers(await fn(Page(request, runtime, principal, form)))
            finally:
                if form is not None:
                    await form.close()
        except ActionVaultError as exc:
            return error_page(request, _STATUS.get(exc.vault_type, 400), exc.message, principal)
        except Exception:
            log.exception("console page %s failed", request.url.path)
            return error_page(
                request,
                500,
                "Something went wrong on the server; it has been logged. Try again, or go back.",
                principal,
            )

    handle.__name__ = fn.__name__
    return handle


_STATIC_TYPES = {
    "htmx.min.js": "text/javascript",
    "console.js": "text/javascript",
    "console.css": "text/css",
    "htmx.LICENSE.txt": "text/plain",
}


async def static_file(request: Request) -> Response:
    """The console's own assets, from the package: it works with no network at all."""
    name = request.path_params["name"]
    media_type = _STATIC_TYPES.get(name)
    if media_type is None:
        return error_page(request, 404, "There is no such file.")
    content = (resources.files("actionvault.console") / "static" / name).read_bytes()
    response = Response(content, media_type=media_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return with_headers(response)
