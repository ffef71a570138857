"""The reference documents keep up with the code: every setting and error type is in them."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionvault import errors
from actionvault.settings import Settings

DOCS = Path(__file__).parent.parent / "docs"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"| `{name}` |" in (DOCS / "reference" / "settings.md").read_text()


def vault_error_types() -> list[str]:
    found = set()
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, errors.ActionVaultError):
            found.add(value.vault_type)
    return sorted(found)


@pytest.mark.parametrize("vault_type", vault_error_types())
def test_every_error_type_is_documented(vault_type: str) -> None:
    assert f"`{vault_type}`" in (DOCS / "reference" / "api.md").read_text()
