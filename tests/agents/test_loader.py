"""Agent definition files: what loads, what overrides, and how a bad file stops startup."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionvault.actions.registry import BUILTIN_ENGINES
from actionvault.agents.loader import load_catalog
from actionvault.domain.agents import Scope
from actionvault.errors import DefinitionError
from support import TEST_AGENTS

GOOD = """\
name: my_agent__c
label: My Agent
class: com.example.MyAgent
document_type: base_document__v
description: Does one thing.
actions:
  - name: do_it__c
    label: Do It
    description: Does it.
    engine: builtin.echo
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def test_standard_agents_ship_with_the_package() -> None:
    catalog = load_catalog(None, BUILTIN_ENGINES)
    names = {agent.name for agent in catalog}
    assert {"quick_check__v", "promomats_document_chat__v", "base_object_chat_agent__sys"} <= names
    quick_check = catalog.get("quick_check__v")
    assert quick_check is not None
    assert quick_check.scope is Scope.DOCUMENT
    assert quick_check.source == "standard"
    assert quick_check.model_level == "ADVANCED"
    spelling = quick_check.action("spelling_grammar__v")
    assert spelling is not None
    assert spelling.engine == "builtin.spelling_grammar"
    assert spelling.support_chat is False
    record_agent = catalog.get("base_object_chat_agent__sys")
    assert record_agent is not None
    assert record_agent.scope is Scope.OBJECT
    assert record_agent.object_name is None


def test_a_folder_adds_agents_and_overrides_standard_ones(tmp_path: Path) -> None:
    write(tmp_path, "my_agent__c", GOOD)
    override = GOOD.replace("my_agent__c", "quick_check__v").replace("My Agent", "Our Check")
    write(tmp_path, "quick_check__v", override)
    catalog = load_catalog(tmp_path, BUILTIN_ENGINES)
    assert catalog.get("my_agent__c") is not None
    quick_check = catalog.get("quick_check__v")
    assert quick_check is not None
    assert quick_check.label == "Our Check"


def test_the_test_agents_load() -> None:
    catalog = load_catalog(TEST_AGENTS, BUILTIN_ENGINES)
    study = catalog.get("study_agent__c")
    assert study is not None
    assert (study.scope, study.object_name, study.object_type) == (
        Scope.OBJECT,
        "study__c",
        "interventional__c",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("label: My Agent\n", ""), "field 'label': Field required"),
        (GOOD.replace("engine: builtin.echo", "engine: nope"), "field 'actions.0.engine'"),
        (GOOD.replace("name: do_it__c", "name: Do It"), "field 'actions.0.name'"),
        (GOOD.replace("description: Does one thing.\n", ""), "field 'description'"),
        (GOOD + "colour: blue\n", "field 'colour': Extra inputs are not permitted"),
        (GOOD.replace("document_type: base_document__v", "object: x__c\ndocument_type: y"),
         "not both"),
        (GOOD.split("actions:")[0] + "actions: []\n", "field 'actions'"),
        ("- just\n- a list\n", "expected a mapping"),
        ("name: [unclosed\n", "not valid YAML"),
        (GOOD.replace("name: my_agent__c", "name: other_agent__c"), "must match the file name"),
        (GOOD + "  - name: do_it__c\n    label: Again\n    description: d\n    engine: model\n",
         "repeated: do_it__c"),
    ],
)  # fmt: skip
def test_a_bad_definition_names_the_file_the_field_and_the_problem(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, "my_agent__c", text)
    with pytest.raises(DefinitionError) as caught:
        load_catalog(tmp_path, BUILTIN_ENGINES)
    message = str(caught.value)
    assert str(path) in message
    assert expected in message


def test_a_missing_agents_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="does not exist"):
        load_catalog(tmp_path / "missing", BUILTIN_ENGINES)


def test_actions_have_api_access_unless_the_definition_says_not(tmp_path: Path) -> None:
    write(tmp_path, "my_agent__c", GOOD + "    api_access: false\n")
    write(tmp_path, "other__c", GOOD.replace("my_agent__c", "other__c"))
    catalog = load_catalog(tmp_path, BUILTIN_ENGINES)
    for name, expected in (("my_agent__c", False), ("other__c", True)):
        agent = catalog.get(name)
        assert agent is not None
        assert agent.actions[0].api_access is expected
