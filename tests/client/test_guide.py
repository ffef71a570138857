"""docs/sdk.md and the README keep up with the SDK: their Python examples run against the live
server, and every public name is documented in the guide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import actionvault.client
from live_server import LiveServer

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "docs" / "sdk.md"
README = ROOT / "README.md"
DEMO_URL = "http://127.0.0.1:8700"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


def test_the_guides_python_examples_run_against_a_server(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = python_blocks(GUIDE.read_text())
    assert len(blocks) >= 8
    namespace: dict[str, object] = {"__name__": "sdk_guide"}
    for number, block in enumerate(blocks, 1):
        code = compile(block.replace(DEMO_URL, live_server.url), f"sdk.md block {number}", "exec")
        exec(code, namespace)
    printed = capsys.readouterr().out
    assert "quick_check__v" in printed
    assert "CANCELLED" in printed
    assert "OPERATION_NOT_ALLOWED The test action failed as asked." in printed
    assert "INVALID_DATA" in printed


def test_the_readme_example_runs_against_a_server(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    section = README.read_text().partition("## Python SDK and command line")[2]
    (block,) = python_blocks(section.partition("\n## ")[0])
    exec(compile(block.replace(DEMO_URL, live_server.url), "README.md", "exec"), {})
    assert "spelling medecine -> medicine" in capsys.readouterr().out


@pytest.mark.parametrize("name", actionvault.client.__all__)
def test_every_public_name_is_in_the_guide(name: str) -> None:
    assert re.search(rf"`{re.escape(name)}[`(.]", GUIDE.read_text()), name
