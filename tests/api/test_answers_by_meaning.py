"""Ask a Question on a running server answers by meaning, with the packaged embedding model."""

from __future__ import annotations

import pytest

from actionvault.chat import load_embedder
from support import ADMIN, AppFactory

LEAFLET = b"""Zentrova leaflet

What Zentrova is for
Zentrova lowers blood pressure in adults.

Dosage
One 50 mg tablet daily, swallowed whole with water.

Storage
Keep below 25 degrees in the original pack.
"""


@pytest.mark.skipif(load_embedder() is None, reason="the packaged embedding model is not installed")
async def test_a_paraphrased_question_is_answered_from_the_passage_that_means_it(
    app_factory: AppFactory,
) -> None:
    app = await app_factory(workers=1)
    headers = await app.login(ADMIN)
    upload = await app.client.post(
        "/api/v26.1/objects/documents",
        headers=headers,
        data={"name__v": "Zentrova leaflet", "type__v": "promotional_piece__c"},
        files={"file": ("leaflet.txt", LEAFLET, "text/plain")},
    )
    document_id = str(upload.json()["id"])
    started = await app.execute(
        headers,
        agent_name="promomats_document_chat__v",
        action_name="ask_question__v",
        document_id=document_id,
        user_message="How much should I take each day?",
    )
    assert started["responseStatus"] == "SUCCESS", started

    done = await app.wait(headers, started["actionResponse"]["executionId"])

    assert done["actionStatus"] == "SUCCESS", done
    answer = done["actionOutputs"][0]["value"]
    assert "50 mg tablet daily" in answer
