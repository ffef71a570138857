"""The remote commands through the entry point: output people read, JSON scripts parse, and the
exit code of each outcome."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest

from actionvault.cli.remote import COMMANDS
from actionvault.client import InvalidData, Vault
from live_server import Cli, LiveServer, free_port


def one_error_line(stderr: str, start: str) -> None:
    assert stderr.startswith(start), stderr
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr


def test_agents_lists_and_shows_one_with_its_actions(admin_cli: Cli) -> None:
    listed = admin_cli("agents")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0].split() == ["NAME", "LABEL"]
    assert any(
        line.split()[:3] == ["test_agent__c", "Test", "Agent"]
        for line in listed.stdout.splitlines()
    )
    one = admin_cli("agents", "test_agent__c")
    assert one.exit_code == 0, one.output
    assert "document type: base_document__v" in one.stdout
    assert any(line.split() == ["slow__c", "Slow", "Echo"] for line in one.stdout.splitlines())
    scoped = json.loads(admin_cli("agents", "--object", "study__c", "--json").stdout)
    assert "study_agent__c" in [a["name"] for a in scoped]
    assert "test_agent__c" not in [a["name"] for a in scoped]
    missing = admin_cli("agents", "nope__c")
    assert missing.exit_code == 6
    one_error_line(missing.stderr, "error: INVALID_DATA: ")


def test_actions_lists_every_agent_action(admin_cli: Cli) -> None:
    listed = admin_cli("actions")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0].split() == ["AGENT", "ACTION", "LABEL", "DESCRIPTION"]
    assert any(
        line.split()[:2] == ["helpdesk__c", "explain_feature__c"]
        for line in listed.stdout.splitlines()
    )
    only = json.loads(admin_cli("actions", "--agent", "test_agent__c", "--json").stdout)
    assert [entry["agent_name"] for entry in only] == ["test_agent__c"]
    assert "echo__c" in [a["name"] for a in only[0]["actions"]]


def test_run_prints_the_spelling_report_as_a_table(admin_cli: Cli) -> None:
    result = admin_cli("run", "quick_check__v", "spelling_grammar__v", "--document", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("CATEGORY"))
    assert lines[header].split() == ["CATEGORY", "TEXT", "SUGGESTION", "SENTENCE"]
    assert any(line.split()[:3] == ["spelling", "medecine", "medicine"] for line in lines)
    assert any("the the" in line and line.startswith("repeated_word") for line in lines)
    assert "SUCCESS  quick_check__v.spelling_grammar__v" in result.stderr


def test_run_json_prints_the_execution(admin_cli: Cli) -> None:
    external_id = f"cli-{uuid.uuid4().hex[:12]}"
    result = admin_cli(
        "run", "test_agent__c", "echo__c", "--document", "2", "--external-id", external_id, "--json"
    )
    assert result.exit_code == 0, result.output
    execution = json.loads(result.stdout)
    assert execution["status"] == "SUCCESS"
    assert execution["external_id"] == external_id
    assert execution["agent_action"] == "test_agent__c.echo__c"
    assert "ran on document 2" in execution["outputs"][0]["value"]
    by_external = json.loads(admin_cli("status", "--external-id", external_id, "--json").stdout)
    assert by_external["id"] == execution["id"]


def test_run_without_waiting_prints_the_id_for_scripts(admin_cli: Cli) -> None:
    started = admin_cli("run", "test_agent__c", "echo__c", "--document", "3", "--no-wait")
    assert started.exit_code == 0, started.output
    execution_id = started.stdout.strip()
    assert execution_id.startswith("VAB")
    assert "IN_PROGRESS" in started.stderr
    deadline = time.monotonic() + 15
    while "SUCCESS" not in (status := admin_cli("status", execution_id)).stdout:
        assert time.monotonic() < deadline, status.stdout
        time.sleep(0.05)
    assert status.exit_code == 0
    assert "ran on document 3" in status.stdout


def test_run_prints_text_outputs_as_text(admin_cli: Cli) -> None:
    chat = admin_cli("run", "--message", "How does the login feature work?")
    assert chat.exit_code == 0, chat.output
    assert chat.stdout.strip().endswith("message: How does the login feature work?")
    record = admin_cli(
        "run", "base_object_chat_agent__sys", "summarize_record__sys",
        "--object", "product__v", "--record", "PRD000000000001", "--object-type", "base__v",
    )  # fmt: skip
    assert record.exit_code == 0, record.output
    assert "PRD000000000001" in record.stdout


def test_a_failed_action_exits_1_with_its_message(admin_cli: Cli) -> None:
    result = admin_cli("run", "test_agent__c", "failing__c", "--document", "1")
    assert result.exit_code == 1
    one_error_line(result.stderr, "error: execution VAB")
    assert result.stderr.endswith("OPERATION_NOT_ALLOWED: The test action failed as asked.\n")
    with_json = admin_cli("run", "test_agent__c", "failing__c", "--document", "1", "--json")
    assert with_json.exit_code == 1
    assert (
        json.loads(with_json.stdout)["errors"][0]["message"] == "The test action failed as asked."
    )
    execution_id = json.loads(with_json.stdout)["id"]
    status = admin_cli("status", execution_id)
    assert status.exit_code == 1
    assert "FAILURE" in status.stdout
    assert "The test action failed as asked." in status.stdout


def test_the_deadline_exits_4_and_cancel_then_status_show_it_cancelled(admin_cli: Cli) -> None:
    result = admin_cli("run", "test_agent__c", "slow__c", "--document", "1", "--timeout", "0.3")
    assert result.exit_code == 4
    one_error_line(result.stderr, "error: execution VAB")
    execution_id = result.stderr.split()[2]
    assert f"actionvault cancel {execution_id}" in result.stderr
    cancelled = admin_cli("cancel", execution_id)
    assert cancelled.exit_code == 0, cancelled.output
    assert cancelled.stdout == f"Cancel requested for {execution_id} (SUBMITTED).\n"
    deadline = time.monotonic() + 15
    while (status := admin_cli("status", execution_id)).exit_code == 0:
        assert time.monotonic() < deadline, status.stdout
        time.sleep(0.05)
    assert status.exit_code == 3
    assert f"{execution_id}  CANCELLED" in status.stdout
    again = admin_cli("cancel", execution_id)
    assert again.exit_code == 6
    one_error_line(again.stderr, "error: OPERATION_NOT_ALLOWED: ")


def test_a_run_cancelled_while_waited_for_exits_3(
    admin_cli: Cli, live_server: LiveServer, admin_session: str
) -> None:
    external_id = f"cli-cancel-{uuid.uuid4().hex[:12]}"

    def cancel_it_once_started() -> None:
        with Vault(live_server.url, session_id=admin_session) as vault:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                try:
                    vault.executions.cancel(vault.executions.status(external_id=external_id))
                    return
                except InvalidData:
                    time.sleep(0.05)

    canceller = threading.Thread(target=cancel_it_once_started)
    canceller.start()
    try:
        result = admin_cli(
            "run", "test_agent__c", "slow__c", "--document", "1", "--external-id", external_id
        )
    finally:
        canceller.join()
    assert result.exit_code == 3
    one_error_line(result.stderr, "error: execution VAB")
    assert result.stderr.endswith("was cancelled\n")


def test_no_answer_from_the_server_exits_5(cli: Cli) -> None:
    # A GET would be retried first (the client's retry tests cover that); a cancel fails at once.
    result = cli(
        "cancel", "VAB000000000001", "--url", f"http://127.0.0.1:{free_port()}",
        "--session-id", "whatever",
    )  # fmt: skip
    assert result.exit_code == 5
    one_error_line(result.stderr, "error: POST http://127.0.0.1:")
    assert "actions/cancel failed" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("run",),
        ("run", "test_agent__c"),
        ("status",),
        ("status", "VAB000000000001", "--external-id", "x"),
        ("cancel",),
        ("agents", "--bogus"),
    ],
)
def test_usage_errors_exit_2(admin_cli: Cli, args: tuple[str, ...]) -> None:
    result = admin_cli(*args)
    assert result.exit_code == 2
    assert "Usage: actionvault" in result.stderr


def test_username_and_password_from_the_environment_need_no_login(
    cli: Cli, live_server: LiveServer
) -> None:
    username, password = live_server.writer
    result = cli(
        "run", "quick_check__v", "spelling_grammar__v", "--document", "4", "--json",
        ACTIONVAULT_URL=live_server.url,
        ACTIONVAULT_USERNAME=username,
        ACTIONVAULT_PASSWORD=password,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "SUCCESS"
    refused = cli(
        "run", "test_agent__c", "echo__c", "--document", "1",
        "--url", live_server.url, "--username", username, "--password", password,
    )  # fmt: skip
    assert refused.exit_code == 6
    one_error_line(refused.stderr, "error: INSUFFICIENT_ACCESS: ")


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_remote_command_has_help_with_an_example(cli: Cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example:\n" in result.stdout
    assert f"actionvault {command}" in result.stdout


def test_a_server_that_is_not_running_is_named_with_how_to_start_it(cli: Cli) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = cli("agents", "--url", url, "--session-id", "abc")
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    assert url in result.stderr
    assert "start the server" in result.stderr


def test_run_with_progress_prints_each_event_on_stderr(admin_cli: Cli) -> None:
    result = admin_cli("run", "test_agent__c", "medium__c", "--document", "1", "--progress")
    assert result.exit_code == 0, result.output
    events = [line for line in result.stderr.splitlines() if "test_agent__c.medium__c  " in line]
    what = [line.rsplit("  ", 1)[-1] for line in events]
    assert what == [
        "queued",
        "started",
        "progress: Waiting, step 1 of 2",
        "progress: Waiting, step 2 of 2",
        "succeeded",
    ]


def test_events_prints_one_executions_events_and_ends_with_its_last(admin_cli: Cli) -> None:
    started = admin_cli("run", "test_agent__c", "echo__c", "--document", "1", "--no-wait")
    execution_id = started.stdout.strip()
    result = admin_cli("events", execution_id, "--json")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["type"] for e in events] == ["queued", "started", "succeeded"]
    assert {e["execution_id"] for e in events} == {execution_id}
    later = admin_cli("events", execution_id, "--after", str(events[0]["id"]), "--count", "1")
    assert later.exit_code == 0, later.output
    assert later.stdout.rstrip().endswith(f"{execution_id}  test_agent__c.echo__c  started")
