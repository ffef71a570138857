"""Vault's object record calls: bulk create, retrieve, list, with object permissions."""

from __future__ import annotations

from support import ADMIN, ALICE, BOB, App

STUDIES = "/api/v26.1/vobjects/study__c"


async def test_bulk_create_reports_each_record_on_its_own(app: App) -> None:
    headers = await app.login(ADMIN)
    rows = [
        {"name__v": "CARDIO-2", "object_type__v": "interventional__c", "phase__c": "II"},
        {"object_type__v": "interventional__c"},
        {"name__v": "X", "colour__c": "blue"},
        {"name__v": "Y", "object_type__v": "nope__c"},
    ]
    body = (await app.client.post(STUDIES, json=rows, headers=headers)).json()
    assert body["responseStatus"] == "WARNING"
    statuses = [item["responseStatus"] for item in body["data"]]
    assert statuses == ["SUCCESS", "FAILURE", "FAILURE", "FAILURE"]
    created = body["data"][0]["data"]
    assert created["id"].startswith("STU")
    assert len(created["id"]) == 15
    assert created["url"] == f"/api/v26.1/vobjects/study__c/{created['id']}"
    assert [item["errors"][0]["type"] for item in body["data"][1:]] == [
        "PARAMETER_REQUIRED",
        "ATTRIBUTE_NOT_SUPPORTED",
        "INVALID_DATA",
    ]
    record = (await app.client.get(f"{STUDIES}/{created['id']}", headers=headers)).json()
    assert record["data"]["name__v"] == "CARDIO-2"
    assert record["data"]["phase__c"] == "II"
    assert record["responseDetails"]["object"]["prefix"] == "STU"
    assert record["manually_assigned_sharing_roles"]["owner__v"]["users"] == [app.seed.admin_id]


async def test_records_of_a_standard_object_validate_their_field_types(app: App) -> None:
    headers = await app.login(ADMIN)
    rows = [
        {"name__v": "S1", "phase__v": "III", "enrollment__v": "120", "blinded__v": True,
         "start_date__v": "2026-01-31"},
        {"name__v": "S2", "phase__v": "V"},
        {"name__v": "S3", "enrollment__v": "many"},
        {"name__v": "S4", "start_date__v": "31/01/2026"},
    ]  # fmt: skip
    body = (
        await app.client.post("/api/v26.1/vobjects/study__v", json=rows, headers=headers)
    ).json()
    assert [item["responseStatus"] for item in body["data"]] == [
        "SUCCESS",
        "FAILURE",
        "FAILURE",
        "FAILURE",
    ]
    record_id = body["data"][0]["data"]["id"]
    record = await app.client.get(f"/api/v26.1/vobjects/study__v/{record_id}", headers=headers)
    assert record.json()["data"]["enrollment__v"] == 120


async def test_creating_records_needs_the_create_permission(app: App) -> None:
    headers = await app.login(ALICE)  # may read study__c, not create
    body = (await app.client.post(STUDIES, json=[{"name__v": "x"}], headers=headers)).json()
    assert body["errors"][0]["type"] == "INSUFFICIENT_ACCESS"


async def test_list_shows_only_the_records_the_caller_may_see(app: App) -> None:
    alice = await app.login(ALICE)
    body = (await app.client.get(STUDIES, headers=alice)).json()
    assert [r["id"] for r in body["data"]] == [app.seed.study_interventional]
    admin = await app.login(ADMIN)
    body = (await app.client.get(STUDIES, headers=admin)).json()
    assert len(body["data"]) == 2
    assert body["responseDetails"]["size"] == 2


async def test_without_object_read_records_are_out_of_reach(app: App) -> None:
    bob = await app.login(BOB)
    listing = (await app.client.get(STUDIES, headers=bob)).json()
    assert listing["errors"][0]["type"] == "INSUFFICIENT_ACCESS"
    one = (await app.client.get(f"{STUDIES}/{app.seed.study_interventional}", headers=bob)).json()
    assert one["errors"][0]["type"] == "INVALID_DATA"


async def test_invisible_and_absent_records_answer_alike(app: App) -> None:
    alice = await app.login(ALICE)
    hidden = await app.client.get(f"{STUDIES}/{app.seed.study_observational}", headers=alice)
    absent = await app.client.get(f"{STUDIES}/STU999999999999", headers=alice)
    assert hidden.json()["errors"][0]["type"] == absent.json()["errors"][0]["type"]
    assert hidden.json()["errors"][0]["message"].replace(
        app.seed.study_observational, "X"
    ) == absent.json()["errors"][0]["message"].replace("STU999999999999", "X")


async def test_unknown_objects_and_bad_bodies_are_invalid_data(app: App) -> None:
    headers = await app.login(ADMIN)
    for path, content in (
        ("/api/v26.1/vobjects/nothing__c", b"[]"),
        (STUDIES, b"not json"),
        (STUDIES, b"[]"),
        (STUDIES, b"[1, 2]"),
    ):
        response = await app.client.post(
            path, content=content, headers={**headers, "Content-Type": "application/json"}
        )
        body = response.json()
        assert body["responseStatus"] == "FAILURE", (path, content, body)
        assert body["errors"][0]["type"] == "INVALID_DATA"
