"""Every standard action runs on the built-in engine through the API and answers in its shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actionvault.store.content import NewVersion
from support import ADMIN, App

QUICK_CHECK_SHAPES = {
    "phrase_assessment__v": {"findings", "summary"},
    "privacy__v": {"privacy_link_present", "links", "message"},
    "boxed_warning_detect__v": {
        "boxed_warning_present", "title", "text", "offset", "detected_by", "message",
    },
    "unsubscribe__v": {"unsubscribe_link_present", "links", "message"},
}  # fmt: skip


async def run(app: App, **fields: Any) -> dict[str, Any]:
    headers = await app.login(ADMIN)
    body = await app.execute(headers, **fields)
    assert body["responseStatus"] == "SUCCESS", body
    return await app.wait(headers, body["actionResponse"]["executionId"])


def only_text(done: dict[str, Any]) -> str:
    assert done["actionStatus"] == "SUCCESS", done
    [output] = done["actionOutputs"]
    assert output["type"] == "text"
    value: str = output["value"]
    return value


def fenced_json(done: dict[str, Any]) -> dict[str, Any]:
    value = only_text(done)
    assert value.startswith("```json\n")
    assert value.endswith("\n```")
    result: dict[str, Any] = json.loads(value[len("```json\n") : -len("\n```")])
    return result


@pytest.mark.parametrize("action_name", sorted(QUICK_CHECK_SHAPES))
async def test_a_quick_check_answers_fenced_json_in_its_shape(app: App, action_name: str) -> None:
    done = await run(
        app, agent_name="quick_check__v", action_name=action_name, document_id=str(app.seed.doc_a)
    )
    assert set(fenced_json(done)) == QUICK_CHECK_SHAPES[action_name]


async def test_accessibility_refuses_a_plain_text_document_saying_why(app: App) -> None:
    done = await run(
        app,
        agent_name="quick_check__v",
        action_name="accessibility__v",
        document_id=str(app.seed.doc_a),
    )
    assert done["actionStatus"] == "FAILURE"
    assert done["errors"][0]["message"].startswith(
        f"Accessibility checks run on HTML content; document {app.seed.doc_a} is text/plain"
    )


async def test_accessibility_checks_an_html_document(app: App) -> None:
    html = '<html><body><h2>Cardiovex</h2><img src="a.png"><p>Text.</p></body></html>'
    # Stored with its markup: uploads through the documents API keep only extracted text.
    added = await app.runtime.stores.content.add_document(
        name="Web page",
        type="web_page__c",
        owner_id=app.seed.admin_id,
        version=NewVersion("page.html", "text/html", html),
        now=app.clock(),
    )
    done = await run(
        app,
        agent_name="quick_check__v",
        action_name="accessibility__v",
        document_id=str(added.document.id),
    )
    result = fenced_json(done)
    assert {issue["rule"] for issue in result["issues"]} == {"img-alt-missing", "heading-no-h1"}
    assert set(result["summary"]) == {"errors", "info", "by_rule", "checked"}


async def test_summarize_document_answers_a_cited_summary(app: App) -> None:
    done = await run(
        app,
        agent_name="promomats_document_chat__v",
        action_name="summarize_document__v",
        document_id=str(app.seed.doc_a),
    )
    lines = only_text(done).splitlines()
    assert lines[0] == "Summary of Cardiovex brochure:"
    assert lines[1].startswith("- ")
    assert lines[1].endswith("]")


async def test_ask_question_on_a_document_answers_from_it_with_a_citation(app: App) -> None:
    done = await run(
        app,
        agent_name="promomats_document_chat__v",
        action_name="ask_question__v",
        document_id=str(app.seed.doc_a),
        user_message="What should patients talk to their doctor about?",
    )
    answer = only_text(done)
    assert answer.startswith('From "Cardiovex brochure":')
    assert "[Document]" in answer


async def test_ask_question_without_a_question_fails_saying_what_is_missing(app: App) -> None:
    done = await run(
        app,
        agent_name="promomats_document_chat__v",
        action_name="ask_question__v",
        document_id=str(app.seed.doc_a),
    )
    assert done["actionStatus"] == "FAILURE"
    assert "needs a question" in done["errors"][0]["message"]


async def test_summarize_record_answers_a_readable_summary(app: App) -> None:
    done = await run(
        app,
        agent_name="base_object_chat_agent__sys",
        action_name="summarize_record__sys",
        object="study__c",
        record_id=app.seed.study_interventional,
    )
    assert only_text(done) == (
        "Summary of CARDIO-1 (Study, type Interventional record STU000000000001):\n- Phase: III"
    )


async def test_ask_question_on_a_record_answers_from_its_fields(app: App) -> None:
    done = await run(
        app,
        agent_name="base_object_chat_agent__sys",
        action_name="ask_question__sys",
        object="study__c",
        record_id=app.seed.study_interventional,
        user_message="Which phase is the study in?",
    )
    assert only_text(done).endswith("- Phase: III [Field: Phase]")


async def test_checks_on_an_uploaded_html_file_read_its_markup(app: App) -> None:
    headers = await app.login(ADMIN)
    html = (
        b'<html><body><h1>Cardiovex</h1><img src="pen.png">'
        b'<p>Read our <a href="https://example.com/privacy">privacy policy</a>.</p></body></html>'
    )
    created = (
        await app.client.post(
            "/api/v26.1/objects/documents",
            data={"name__v": "Page", "type__v": "promotional_piece__c"},
            files={"file": ("page.html", html, "text/html")},
            headers=headers,
        )
    ).json()
    document_id = str(created["id"])
    for action, check in (
        ("accessibility__v", lambda report: report["issues"]),
        ("privacy__v", lambda report: report["privacy_link_present"]),
    ):
        started = await app.execute(
            headers, agent_name="quick_check__v", action_name=action, document_id=document_id
        )
        done = await app.wait(headers, started["actionResponse"]["executionId"])
        assert done["actionStatus"] == "SUCCESS", done
        value = done["actionOutputs"][0]["value"]
        report = json.loads(value.removeprefix("```json\n").removesuffix("\n```"))
        assert check(report), (action, report)


async def test_text_joined_across_inline_tags_is_not_a_spacing_error(app: App) -> None:
    headers = await app.login(ADMIN)
    page = (
        b"<html><body><p>For details on dosing, please click "
        b'<a href="https://example.com/dosing">here</a>. Ask your doctor about the '
        b"<b>risks</b>, too. Patients recieve the care they need.</p></body></html>"
    )
    created = await app.client.post(
        "/api/v26.1/objects/documents",
        data={"name__v": "Page", "type__v": "promotional_piece__c"},
        files={"file": ("page.html", page, "text/html")},
        headers=headers,
    )
    document_id = created.json()["id"]
    done = await run(
        app, agent_name="quick_check__v", action_name="spelling_grammar__v",
        document_id=str(document_id),
    )  # fmt: skip
    report = fenced_json(done)
    issues = report.get("errors", report.get("issues", []))
    assert [i for i in issues if i.get("category") == "spacing"] == [], issues
    assert any(i["text"] == "recieve" for i in issues), report  # the checker did run


async def upload_text(app: App, headers: dict[str, str], text: bytes, **fields: str) -> str:
    created = await app.client.post(
        "/api/v26.1/objects/documents",
        data={"name__v": "Leaflet", "type__v": "promotional_piece__c", **fields},
        files={"file": ("leaflet.txt", text, "text/plain")},
        headers=headers,
    )
    return str(created.json()["id"])


async def test_a_document_that_prefers_british_spelling_gets_american_spellings_flagged(
    app: App,
) -> None:
    headers = await app.login(ADMIN)
    text = b"The color of the tablet may change. Anemia was rare."
    either = await upload_text(app, headers, text)
    british = await upload_text(app, headers, text, spelling_variant__c="British")
    found = {}
    for name, document_id in (("either", either), ("british", british)):
        done = await run(
            app, agent_name="quick_check__v", action_name="spelling_grammar__v",
            document_id=document_id,
        )  # fmt: skip
        found[name] = [(e["text"], e["suggestion"]) for e in fenced_json(done)["errors"]]
    assert found == {"either": [], "british": [("color", "colour"), ("Anemia", "Anaemia")]}


async def test_an_unknown_spelling_preference_fails_saying_what_to_write(app: App) -> None:
    headers = await app.login(ADMIN)
    document_id = await upload_text(app, headers, b"Plain text.", spelling_variant__c="Klingon")
    done = await run(
        app, agent_name="quick_check__v", action_name="spelling_grammar__v",
        document_id=document_id,
    )  # fmt: skip
    assert done["actionStatus"] == "FAILURE", done
    message = json.dumps(done)
    assert "spelling_variant__c" in message, done
    assert "british, american or either" in message, done
