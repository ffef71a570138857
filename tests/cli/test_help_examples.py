"""Every example in the commands' help texts works: those that read or run on a server are run
against the live demo server; the rest (they start servers or change a database) must parse."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import click
import pytest

from actionvault.cli import main
from live_server import Cli

#: Examples run for real against the live server; the others are parsed only.
_RUN = ("agents", "actions", "run")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[click.Command]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield command


def _examples() -> list[str]:
    found: list[str] = []
    for command in _commands(main):
        help_text = command.help or ""
        if "Example:" not in help_text:
            continue
        lines = help_text.split("Example:", 1)[1].replace("\\\n", " ").splitlines()
        found += [line.strip() for line in lines if line.strip().startswith("actionvault ")]
    return found


EXAMPLES = _examples()


def test_the_help_texts_have_examples() -> None:
    assert len(EXAMPLES) >= 15
    assert any("run --message" in example for example in EXAMPLES)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.split()[1] in _RUN])
def test_each_example_that_uses_a_server_works(admin_cli: Cli, example: str) -> None:
    result = admin_cli(*shlex.split(example)[1:])
    assert result.exit_code == 0, (example, result.output)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.split()[1] not in _RUN])
def test_each_other_example_parses(example: str) -> None:
    words = shlex.split(example.split(" > ")[0])[1:]
    command: click.Command = main
    while isinstance(command, click.Group):
        found = command.commands.get(words[0])
        assert found is not None, example
        command, words = found, words[1:]
    # Parsed as given, without prompting for what the example leaves to a prompt.
    command.make_context(command.name or "", words, resilient_parsing=True)
