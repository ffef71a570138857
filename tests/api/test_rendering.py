from __future__ import annotations

from xml.etree import ElementTree

import pytest

from actionvault.api.rendering import negotiate
from actionvault.api.xml import render_xml


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        (None, "json"),
        ("*/*", "json"),
        ("application/json", "json"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
        ("application/xml, application/json;q=0.5", "xml"),
        ("application/json;q=0.4, application/xml;q=0.9", "xml"),
        ("application/xml;q=0, application/json", "json"),
        ("text/html", "json"),
    ],
)
def test_accept_chooses_the_format(accept: str | None, fmt: str) -> None:
    assert negotiate(accept) == fmt


def test_xml_keeps_keys_as_elements_and_escapes_text() -> None:
    xml = render_xml(
        {
            "responseStatus": "SUCCESS",
            "values": {"v26.1": "http://x/api/v26.1"},
            "vaultIds": [{"id": 1, "name": "a<b>&c"}],
            "flag": False,
            "missing": None,
        },
        "MapRestResult",
    )
    root = ElementTree.fromstring(xml)
    assert root.tag == "MapRestResult"
    assert root.findtext("values/v26.1") == "http://x/api/v26.1"
    assert root.findtext("vaultIds/vault/name") == "a<b>&c"
    assert root.findtext("flag") == "false"
    assert root.find("missing") is None
