"""An execution's stored and returned output is bounded, and the status says when it was cut."""

from __future__ import annotations

from support import ADMIN, AppFactory


async def test_an_output_past_the_size_limit_is_cut_and_marked_truncated(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=1, max_output_bytes=1024)
    headers = await app.login(ADMIN)
    claims = b"The best and safest cure, guaranteed. " * 200
    upload = await app.client.post(
        "/api/v26.1/objects/documents",
        headers=headers,
        data={"name__v": "claims", "type__v": "promotional_piece__c"},
        files={"file": ("claims.txt", claims, "text/plain")},
    )
    document_id = str(upload.json()["id"])
    started = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="phrase_assessment__v",
        document_id=document_id,
    )

    done = await app.wait(headers, started["actionResponse"]["executionId"])

    assert done["actionStatus"] == "SUCCESS"
    [output] = done["actionOutputs"]
    assert output["truncated"] is True
    assert len(output["value"].encode()) <= 1024


async def test_an_output_within_the_limit_carries_no_truncation_mark(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=1)
    headers = await app.login(ADMIN)
    started = await app.execute(
        headers,
        agent_name="quick_check__v",
        action_name="spelling_grammar__v",
        document_id=str(app.seed.doc_a),
    )

    done = await app.wait(headers, started["actionResponse"]["executionId"])

    assert done["actionStatus"] == "SUCCESS"
    assert "truncated" not in done["actionOutputs"][0]
