"""Odd input gets a clean answer: lone surrogates in any parameter, numbers that are not in
range, JSON and YAML nested past any need; and XML answers stay well-formed for any data."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from click.testing import CliRunner

from actionvault.actions.registry import BUILTIN_ENGINES
from actionvault.agents.loader import load_catalog
from actionvault.api.xml import render_xml
from actionvault.cli import main
from actionvault.errors import DefinitionError
from actionvault.objects.loader import load_objects
from support import ADMIN, ALICE, App

EXECUTE = "/api/v26.1/services/ai/agent_actions/actions/execute"
CANCEL = "/api/v26.1/services/ai/agent_actions/actions/cancel"
STATUS = "/api/v26.1/services/ai/agent_actions/status"
USERS = "/api/v26.1/objects/users"
STUDIES = "/api/v26.1/vobjects/study__c"
AUDIT = "/api/v26.1/ext/audit"
AGENTS_EXT = "/api/v26.1/ext/agents"
LONE = "\\ud800"  # as JSON writes it: a high surrogate with no low one after it
CESU = "%ED%A0%80"  # the same lone surrogate, as bytes a lenient encoder makes of it


def invalid_data_naming(response: httpx.Response, parameter: str) -> None:
    assert response.status_code == 200
    assert "Traceback" not in response.text
    body = response.json()
    assert body["responseStatus"] == "FAILURE", body
    assert body["errors"][0]["type"] == "INVALID_DATA", body
    assert f"[{parameter}]" in body["errors"][0]["message"], body


def json_body(path: str, text: str, method: str = "POST") -> tuple[str, str, bytes]:
    return method, path, text.encode()


# Lone surrogates


@pytest.mark.parametrize(
    ("method", "path", "content", "parameter"),
    [
        (*json_body(EXECUTE, f'{{"agent_name": "a{LONE}", "action_name": "x"}}'), "agent_name"),
        (
            *json_body(
                EXECUTE,
                '{"agent_name": "test_agent__c", "action_name": "echo__c", "document_id": "1", '
                f'"external_id": "{LONE}"}}',
            ),
            "external_id",
        ),
        (
            *json_body(EXECUTE, f'{{"user_message": "hi {LONE}", "document_id": "1"}}'),
            "user_message",
        ),
        (*json_body(CANCEL, f'{{"execution_id": "{LONE}"}}'), "execution_id"),
        (*json_body(STUDIES, f'[{{"name__v": "ok"}}, {{"name__v": "{LONE}"}}]'), "[1].name__v"),
        (*json_body(USERS, f'{{"user_name__v": "{LONE}@x.example"}}'), "user_name__v"),
        (
            *json_body(f"{USERS}/2", f'{{"user_first_name__v": "{LONE}"}}', "PUT"),
            "user_first_name__v",
        ),
        (*json_body(EXECUTE, f'{{"options": {{"{LONE}": 1}}}}'), "options.\\ud800"),
    ],
)
async def test_a_lone_surrogate_anywhere_in_a_json_body_is_invalid_data_naming_it(
    app: App, method: str, path: str, content: bytes, parameter: str
) -> None:
    headers = {**(await app.login(ADMIN)), "Content-Type": "application/json"}
    response = await app.client.request(method, path, headers=headers, content=content)
    invalid_data_naming(response, parameter)


@pytest.mark.parametrize(
    ("path", "form", "parameter"),
    [
        ("/api/v26.1/auth", f"username={CESU}&password=x", "username"),
        (USERS, f"user_name__v={CESU}@x.example&password__v=long-enough-1", "user_name__v"),
        (f"{USERS}/me/password", f"password__v=x&new_password__v=a{CESU}", "new_password__v"),
        (USERS, "user_name__v=ok@x.example&%FF=1", "\\udcff"),
    ],
)
async def test_a_lone_surrogate_in_a_form_field_is_invalid_data_naming_it(
    app: App, path: str, form: str, parameter: str
) -> None:
    headers = await app.login(ADMIN)
    response = await app.client.post(
        path,
        content=form.encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    invalid_data_naming(response, parameter)


async def test_a_multipart_field_that_is_not_text_is_invalid_data_naming_it(app: App) -> None:
    headers = await app.login(ADMIN)
    not_utf8 = await app.client.post(
        USERS,
        files={"user_name__v": (None, b"\xed\xa0\x80@x.example"), "password__v": (None, b"pw")},
        headers=headers,
    )
    invalid_data_naming(not_utf8, "user_name__v")
    boundary = "b0undary"
    escaped = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="name__v"\r\n\r\nx\\ud800\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        f"abc\r\n--{boundary}--\r\n"
    ).encode()
    declared = await app.client.post(
        "/api/v26.1/objects/documents",
        content=escaped,
        headers={
            **headers,
            "Content-Type": f"multipart/form-data; boundary={boundary}; charset=unicode_escape",
        },
    )
    invalid_data_naming(declared, "name__v")


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        (STATUS, f"external_id={CESU}", "external_id"),
        (STATUS, "execution_id=%FF", "execution_id"),
        ("/api/v26.1/services/ai/agents", f"agent_name=x{CESU}", "agent_name"),
        (AUDIT, f"kind={CESU}", "kind"),
        (STUDIES, f"limit={CESU}", "limit"),
    ],
)
async def test_a_lone_surrogate_in_a_query_parameter_is_invalid_data_naming_it(
    app: App, path: str, query: str, parameter: str
) -> None:
    headers = await app.login(ADMIN)
    response = await app.client.get(f"{path}?{query}", headers=headers)
    invalid_data_naming(response, parameter)


# Numbers


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (AUDIT, "limit"),
        (AUDIT, "after"),
        (AUDIT, "user_id"),
        (AUDIT, "since"),
        (STUDIES, "limit"),
        (STUDIES, "offset"),
        (USERS, "limit"),
        (USERS, "start"),
        (USERS, "offset"),
    ],
)
@pytest.mark.parametrize(
    "value", ["inf", "-inf", "nan", "NaN", "-1", "1e30", "9" * 40, "0x10", "1.5e400", "１２"]
)
async def test_numbers_in_the_query_that_are_not_in_range_are_invalid_data(
    app: App, path: str, parameter: str, value: str
) -> None:
    headers = await app.login(ADMIN)
    response = await app.client.get(path, params={parameter: value}, headers=headers)
    invalid_data_naming(response, parameter)
    assert "expected a" in response.json()["errors"][0]["message"]


async def test_numbers_in_range_are_taken(app: App) -> None:
    headers = await app.login(ADMIN)
    for path, query in [
        (AUDIT, {"limit": "5", "after": "0", "since": "0.5", "user_id": "1"}),
        (STUDIES, {"limit": "1000", "offset": "0"}),
        (USERS, {"limit": "1", "start": "2"}),
    ]:
        body = (await app.client.get(path, params=query, headers=headers)).json()
        assert body["responseStatus"] == "SUCCESS", (path, body)


@pytest.mark.parametrize(
    "path",
    [
        f"{USERS}/١٢",
        f"{USERS}/{'9' * 40}",
        "/api/v26.1/objects/documents/²",
        "/api/v26.1/objects/documents/1/versions/0/１",
    ],
)
async def test_ids_in_the_path_that_are_not_plain_numbers_name_nothing(app: App, path: str) -> None:
    headers = await app.login(ADMIN)
    body = (await app.client.get(path, headers=headers)).json()
    assert body["errors"][0]["type"] == "INVALID_DATA", body
    assert "does not exist" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"agent_name": NaN}', "[NaN]"),
        ('{"agent_name": -Infinity}', "[-Infinity]"),
        ('{"agent_name": 1e999}', "[1e999]"),
        ("[" * 100_000, "nested more than 64 levels"),
        ('{"a": ' * 70 + "1" + "}" * 70, "nested more than 64 levels"),
    ],
)
async def test_json_that_is_not_plain_json_is_invalid_data_never_a_crash(
    app: App, text: str, says: str
) -> None:
    headers = await app.login(ADMIN)
    response = await app.client.post(
        EXECUTE, content=text.encode(), headers={**headers, "Content-Type": "application/json"}
    )
    body = response.json()
    assert body["errors"][0]["type"] == "INVALID_DATA", body
    assert says in body["errors"][0]["message"]


# XML answers


def test_xml_is_well_formed_whatever_the_data_holds() -> None:
    every_kind = "".join(chr(c) for c in [*range(0x20), 0x7F, 0xD800, 0xDFFF, 0xFFFE, 0xFFFF])
    xml = render_xml(
        {"text": f"a{every_kind}b", "fête²": ["x\r\ny"], "1st key": {"ключ": "<&>"}},
        "RestResult",
    )
    root = ElementTree.fromstring(xml.encode("utf-8"))
    kept = "".join(c if c in "\t\n\r\x7f" else "\ufffd" for c in every_kind)
    assert root.findtext("text") == f"a{kept}b"  # a carriage return survives parsing too
    assert [child.tag for child in root] == ["text", "f_te_", "_1st_key"]
    assert root.findtext("f_te_/item") == "x\r\ny"
    assert root.findtext("_1st_key/____") == "<&>"


async def test_xml_answers_hold_stored_control_characters_and_still_parse(app: App) -> None:
    admin = await app.login(ADMIN)
    created = await app.client.post(
        STUDIES, json=[{"name__v": "bell\x07 vt\x0b end"}], headers=admin
    )
    record_id = created.json()["data"][0]["data"]["id"]
    await app.client.post("/api/v26.1/auth", data={"username": "odd\x01\x1bname", "password": "x"})
    xml_headers = {**admin, "Accept": "application/xml"}
    record = await app.client.get(f"{STUDIES}/{record_id}", headers=xml_headers)
    root = ElementTree.fromstring(record.content)
    assert root.findtext("data/name__v") == "bell\ufffd vt\ufffd end"
    trail = await app.client.get(AUDIT, params={"kind": "login"}, headers=xml_headers)
    names = [e.findtext("username") for e in ElementTree.fromstring(trail.content).iter("event")]
    assert "odd\ufffd\ufffdname" in names


async def test_the_test_client_parses_every_xml_answer(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from actionvault.api import rendering

    monkeypatch.setitem(
        rendering.RENDERERS, "xml", ("application/xml", lambda envelope: b"<broken><a></broken>")
    )
    with pytest.raises(ElementTree.ParseError):
        await app.client.get("/api/", headers={"Accept": "application/xml"})


# Deeply nested YAML

DEEP_AGENT = (
    "name: deep__c\nlabel: Deep\nclass: x.Y\ndescription: Deep.\n"
    "actions:\n  - name: a__c\n    label: A\n    description: A.\n    engine: builtin.echo\n"
    "    options: {x: " + "[" * 5000 + "]" * 5000 + "}\n"
)
DEEP_OBJECT = (
    "name: deep__c\nlabel: Deep\nlabel_plural: Deeps\nprefix: DEE\n"
    "fields:\n" + "".join("  " * depth + "- \n" for depth in range(1, 200)) + "  " * 200 + "x\n"
)


async def test_a_deeply_nested_agent_posted_over_http_is_invalid_data_naming_the_line(
    app: App,
) -> None:
    headers = await app.login(ADMIN)
    response = await app.client.post(
        AGENTS_EXT, content=DEEP_AGENT.encode(), headers={**headers, "Content-Type": "text/yaml"}
    )
    body = response.json()
    assert body["errors"][0]["type"] == "INVALID_DATA", body
    message = body["errors"][0]["message"]
    assert "the posted definition, line 10" in message
    assert "nested more than 50 levels" in message


def test_a_deeply_nested_agent_file_stops_startup_naming_the_file_and_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "deep__c.yaml").write_text(DEEP_AGENT)
    with pytest.raises(DefinitionError, match=r"deep__c\.yaml, line 10, column \d+: .*nested"):
        load_catalog(tmp_path, BUILTIN_ENGINES)
    result = CliRunner().invoke(
        main,
        ["serve", "--agents-dir", str(tmp_path), "--data-dir", str(tmp_path / "data")],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "invalid agent definition" in result.output
    assert "deep__c.yaml, line 10" in result.output
    assert "Traceback" not in result.output


def test_a_deeply_nested_object_file_stops_startup_naming_the_file_and_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "deep__c.yaml").write_text(DEEP_OBJECT)
    with pytest.raises(DefinitionError, match=r"deep__c\.yaml, line \d+, column \d+: .*nested"):
        load_objects(tmp_path)
    result = CliRunner().invoke(
        main,
        ["serve", "--data-dir", str(tmp_path / "data")],
        env={"ACTIONVAULT_OBJECTS_DIR": str(tmp_path)},
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "deep__c.yaml, line" in result.output


async def test_a_lone_surrogate_in_a_posted_agent_is_invalid_data_naming_the_line(
    app: App,
) -> None:
    headers = await app.login(ADMIN)
    text = DEEP_AGENT.replace("    options: {x: " + "[" * 5000 + "]" * 5000 + "}\n", "")
    text = text.replace("label: Deep", 'label: "Deep \\ud800"')
    response = await app.client.post(
        AGENTS_EXT, content=text.encode(), headers={**headers, "Content-Type": "text/yaml"}
    )
    body = response.json()
    assert body["errors"][0]["type"] == "INVALID_DATA", body
    assert "line 2" in body["errors"][0]["message"]
    assert "lone surrogate" in body["errors"][0]["message"]


async def test_a_standard_user_gets_the_same_clean_answers(app: App) -> None:
    headers = await app.login(ALICE)
    response = await app.client.post(
        EXECUTE,
        content=f'{{"agent_name": "{LONE}"}}'.encode(),
        headers={**headers, "Content-Type": "application/json"},
    )
    invalid_data_naming(response, "agent_name")
