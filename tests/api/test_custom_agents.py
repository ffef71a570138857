"""Custom agents posted to /ext/agents: validated, stored, executable at once, removable."""

from __future__ import annotations

from support import ADMIN, ALICE, App, AppFactory

AGENTS = "/api/v26.1/ext/agents"
DEFINITION = """\
name: proofread__c
label: Proofread
class: com.example.ProofreadAgent
document_type: base_document__v
description: Proofreads documents.
actions:
  - name: spelling__c
    label: Spelling
    description: Checks spelling and grammar.
    engine: builtin.spelling_grammar
"""


async def post(app: App, headers: dict[str, str], text: str) -> dict[str, object]:
    response = await app.client.post(
        AGENTS, content=text.encode(), headers={**headers, "Content-Type": "application/yaml"}
    )
    body: dict[str, object] = response.json()
    return body


async def test_a_posted_agent_can_be_executed_at_once_and_survives_a_restart(
    app_factory: AppFactory,
) -> None:
    app = await app_factory()
    admin = await app.login(ADMIN)
    body = await post(app, admin, DEFINITION)
    assert body["agent"] == {  # type: ignore[comparison-overlap]
        "name": "proofread__c",
        "label": "Proofread",
        "url": "/api/v26.1/services/ai/agents/proofread__c",
    }
    started = await app.execute(
        admin, agent_name="proofread__c", action_name="spelling__c", document_id=str(app.seed.doc_a)
    )
    done = await app.wait(admin, started["actionResponse"]["executionId"])
    assert done["actionStatus"] == "SUCCESS"
    assert (app.runtime.settings.custom_agents_dir / "proofread__c.yaml").read_text() == DEFINITION
    again = await app_factory()
    assert again.runtime.catalog.get("proofread__c") is not None


async def test_a_bad_definition_is_refused_with_the_field_and_the_problem(app: App) -> None:
    admin = await app.login(ADMIN)
    body = await post(app, admin, DEFINITION.replace("builtin.spelling_grammar", "nope"))
    assert body["errors"][0]["type"] == "INVALID_DATA"  # type: ignore[index]
    assert "actions.0.engine" in body["errors"][0]["message"]  # type: ignore[index]
    assert app.runtime.catalog.get("proofread__c") is None


async def test_only_administrators_define_and_remove_agents(app: App) -> None:
    alice = await app.login(ALICE)
    assert (await post(app, alice, DEFINITION))["errors"][0]["type"] == "INSUFFICIENT_ACCESS"  # type: ignore[index]
    response = await app.client.delete(f"{AGENTS}/test_agent__c", headers=alice)
    assert response.json()["errors"][0]["type"] == "INSUFFICIENT_ACCESS"


async def test_removing_an_override_brings_the_standard_agent_back(app: App) -> None:
    admin = await app.login(ADMIN)
    override = DEFINITION.replace("proofread__c", "quick_check__v").replace(
        "label: Proofread", "label: Our Check"
    )
    await post(app, admin, override)
    assert app.runtime.catalog.get("quick_check__v").label == "Our Check"  # type: ignore[union-attr]
    response = await app.client.delete(f"{AGENTS}/quick_check__v", headers=admin)
    assert response.json()["responseStatus"] == "SUCCESS"
    assert app.runtime.catalog.get("quick_check__v").label == "Quick Check"  # type: ignore[union-attr]
    shipped = await app.client.delete(f"{AGENTS}/quick_check__v", headers=admin)
    assert shipped.json()["errors"][0]["type"] == "OPERATION_NOT_ALLOWED"
