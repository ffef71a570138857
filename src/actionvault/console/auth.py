"""Sign in and out of the console with the API's users, sessions and lock-out rules."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response

from actionvault.console.web import (
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    Page,
    authenticate,
    check_csrf,
    is_https,
    read_form,
    redirect,
    render,
)
from actionvault.errors import ActionVaultError
from actionvault.runtime import Runtime

#: The sign-in's client id in the audit trail, as an API client's would be.
CLIENT_ID = "actionvault-console"


def _next_path(value: str | None) -> str:
    """Only a console path: a link to sign in can never send anyone to another site."""
    if value and value.startswith(f"{PREFIX}/") and not value.startswith("//"):
        return value
    return f"{PREFIX}/documents"


def _sign_in_form(
    request: Request, token: str, *, message: str = "", username: str = "", status: int = 200
) -> Response:
    response = render(
        request,
        "sign_in.html",
        http_status=status,
        login_token=token,
        message=message,
        username=username,
        next=_next_path(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=is_https(request, request.app.state.runtime),
        path=PREFIX,
    )
    return response


async def sign_in_page(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if await authenticate(request, runtime) is not None:
        return redirect(_next_path(request.query_params.get("next")))
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    return _sign_in_form(request, token)


async def sign_in(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    form = await read_form(request)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    token = expected or secrets.token_urlsafe(32)
    username = form.get("username")
    username = username if isinstance(username, str) else ""
    if not check_csrf(request, form, expected):
        return _sign_in_form(
            request,
            token,
            message="The sign-in form had expired; sign in again.",
            username=username,
            status=403,
        )
    password = form.get("password")
    client = request.client
    try:
        session_id, _ = await runtime.services.sessions.login(
            username,
            password if isinstance(password, str) else None,
            CLIENT_ID,
            address=client.host if client else "unknown",
        )
    except ActionVaultError as exc:
        return _sign_in_form(request, token, message=exc.message, username=username, status=401)
    target = form.get("next")
    response = redirect(_next_path(target if isinstance(target, str) else None))
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=is_https(request, runtime),
        path=PREFIX,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


async def sign_out(page: Page) -> Response:
    await page.services.sessions.logout(page.user)
    response = redirect(f"{PREFIX}/sign-in")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response
