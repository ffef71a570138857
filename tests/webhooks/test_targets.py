"""Where webhooks may be sent: the target guard's answer for a host as it resolves now."""

from __future__ import annotations

import pytest

from actionvault.domain.webhooks import TargetRefused
from actionvault.services.webhooks import TargetGuard


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "10.1.2.3", "169.254.169.254", "::1"])
async def test_a_host_that_resolves_to_a_private_address_is_refused(host: str) -> None:
    with pytest.raises(TargetRefused, match="private targets are refused"):
        await TargetGuard(allow_private=False).addresses(host, 443)


async def test_a_public_address_is_the_one_a_sender_connects_to() -> None:
    assert await TargetGuard(allow_private=False).addresses("93.184.215.14", 443) == [
        "93.184.215.14"
    ]


async def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(TargetRefused, match="does not resolve"):
        await TargetGuard(allow_private=False).addresses("no-such-host.invalid", 443)


async def test_with_private_targets_allowed_any_address_will_do() -> None:
    guard = TargetGuard(allow_private=True)
    assert await guard.addresses("127.0.0.1", 80) is None
    await guard.check("http://localhost:8080/hooks")  # and the URL check passes


async def test_a_url_is_checked_as_its_host_resolves() -> None:
    with pytest.raises(TargetRefused):
        await TargetGuard(allow_private=False).check("http://localhost:8080/hooks")
