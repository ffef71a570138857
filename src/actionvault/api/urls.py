"""The address clients reach the server at, for the URLs the API hands out.

Behind a TLS terminator the request arrives as plain HTTP on an inner address; the URLs in
answers must name the outer one. `public_url` says it outright; otherwise the `Forwarded` or
`X-Forwarded-Proto`/`X-Forwarded-Host` headers say it, believed only from `trusted_proxies`.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from urllib.parse import urlsplit

from starlette.requests import Request

from actionvault.settings import Settings

_HOST = re.compile(r"[A-Za-z0-9.\-:\[\]]{1,255}")
_PROTOS = ("http", "https")


@functools.lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(request: Request, settings: Settings) -> bool:
    if not settings.trusted_proxies or request.client is None:
        return False
    try:
        address = ipaddress.ip_address(request.client.host)
    except ValueError:
        return False
    return any(address in network for network in _networks(settings.trusted_proxies))


def _forwarded(header: str) -> dict[str, str]:
    """The first element of an RFC 7239 `Forwarded` header: the proxy nearest the client."""
    first = header.split(",", 1)[0]
    pairs: dict[str, str] = {}
    for part in first.split(";"):
        name, _, value = part.strip().partition("=")
        pairs[name.strip().lower()] = value.strip().strip('"')
    return pairs


def public_base(request: Request, settings: Settings) -> str:
    """`scheme://host[/prefix]` the client used, without a trailing slash."""
    if settings.public_url:
        return settings.public_url
    base = str(request.base_url).rstrip("/")
    if not _trusted(request, settings):
        return base
    parts = urlsplit(base)
    proto, host = parts.scheme, parts.netloc
    forwarded = request.headers.get("forwarded")
    if forwarded:
        pairs = _forwarded(forwarded)
        proto = pairs.get("proto", proto)
        host = pairs.get("host", host)
    else:
        proto = request.headers.get("x-forwarded-proto", proto).split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
    if proto.lower() not in _PROTOS or not _HOST.fullmatch(host):
        return base  # a header that names no address is not one to hand out
    return f"{proto.lower()}://{host}{parts.path}"


def public_prefix(request: Request, settings: Settings) -> str:
    """The path the server is mounted under as clients see it (`""` at the root)."""
    return urlsplit(public_base(request, settings)).path.rstrip("/")
