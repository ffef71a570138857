"""`actionvault webhooks` against the live server: tables people read, JSON scripts parse, the
secret shown only where it exists, and Vault's refusals as exit code 6."""

from __future__ import annotations

import json
import time

from actionvault.client import Vault, verify_webhook
from live_server import Cli, LiveServer
from webhook_receiver import receiver, wait_until


def test_create_show_update_rotate_and_delete(admin_cli: Cli) -> None:
    created = admin_cli(
        "webhooks", "create", "http://127.0.0.1:9/hooks", "--type", "failed", "--type",
        "cancelled", "--agent", "test_agent__c", "--description", "cli test", "--disabled",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    facts = dict(line.split(":", 1) for line in created.stdout.splitlines())
    webhook_id = facts["id"].strip()
    assert facts["secret"].strip().startswith("whsec_")
    assert facts["events"].strip() == "cancelled, failed"
    assert facts["enabled"].strip() == "no"
    assert "Store the secret now" in created.stderr
    try:
        shown = admin_cli("webhooks", "show", webhook_id)
        assert shown.exit_code == 0, shown.output
        assert "url:          http://127.0.0.1:9/hooks" in shown.stdout
        assert "secret" not in shown.output

        listed = admin_cli("webhooks", "list")
        assert listed.stdout.splitlines()[0].split() == [
            "ID", "ENABLED", "EVENTS", "AGENT", "URL", "DESCRIPTION",
        ]  # fmt: skip
        assert [webhook_id, "no", "cancelled,failed", "test_agent__c"] in [
            line.split()[:4] for line in listed.stdout.splitlines()
        ]
        assert "whsec_" not in listed.output

        updated = admin_cli(
            "webhooks",
            "update",
            webhook_id,
            "--enable",
            "--agent",
            "",
            "--webhook-url",
            "http://127.0.0.1:10/hooks",
            "--json",
        )
        assert updated.exit_code == 0, updated.output
        body = json.loads(updated.stdout)
        assert (body["enabled"], body["agent"], body["secret"]) == (True, None, None)
        assert body["description"] == "cli test"
        assert body["url"] == "http://127.0.0.1:10/hooks"

        rotated = admin_cli("webhooks", "rotate-secret", webhook_id, "--json")
        assert json.loads(rotated.stdout)["secret"] != facts["secret"].strip()
        assert json.loads(rotated.stdout)["secret"].startswith("whsec_")
    finally:
        deleted = admin_cli("webhooks", "delete", webhook_id)
    assert deleted.exit_code == 0, deleted.output
    assert deleted.stdout == f"Deleted webhook {webhook_id}.\n"
    gone = admin_cli("webhooks", "show", webhook_id)
    assert gone.exit_code == 6
    assert gone.stderr.startswith("error: INVALID_DATA: ")


def test_deliveries_and_redeliver(admin_cli: Cli, live_server: LiveServer) -> None:
    with receiver(status=204) as hooks:
        made = admin_cli("webhooks", "create", hooks.url, "--agent", "test_agent__c", "--json")
        hook = json.loads(made.stdout)
        try:
            ran = admin_cli("run", "test_agent__c", "echo__c", "--document", "1", "--json")
            execution_id = json.loads(ran.stdout)["id"]
            wait_until(
                lambda: any(
                    m.payload["data"]["executionId"] == execution_id for m in hooks.received
                ),
                what="the message",
            )
            (message,) = hooks.received
            assert message.payload["data"]["executionId"] == execution_id
            verify_webhook(message.body, message.headers, hook["secret"])
            deadline = time.monotonic() + 20
            while True:
                listed = admin_cli("webhooks", "deliveries", str(hook["id"]), "--json")
                (delivery,) = json.loads(listed.stdout)
                if delivery["state"] == "succeeded" or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert (delivery["attempts"], delivery["last_status_code"]) == (1, 204)
            table = admin_cli("webhooks", "deliveries", str(hook["id"]), "--state", "succeeded")
            lines = table.stdout.splitlines()
            assert lines[0].split()[:5] == ["ID", "EVENT", "STATE", "ATTEMPTS", "STATUS"]
            assert lines[1].split()[:5] == [
                str(delivery["id"]), str(delivery["event_id"]), "succeeded", "1", "204",
            ]  # fmt: skip
            none = admin_cli("webhooks", "deliveries", str(hook["id"]), "--state", "failed")
            assert none.stdout.splitlines()[1:] == []

            again = admin_cli("webhooks", "redeliver", str(hook["id"]), str(delivery["id"]))
            assert again.exit_code == 0, again.output
            assert again.stdout.startswith(f"Delivery {delivery['id']} of webhook {hook['id']} is ")
            wait_until(lambda: len(hooks.received) == 2, what="the redelivery")
            assert hooks.received[1].message_id == message.message_id
            verify_webhook(hooks.received[1].body, hooks.received[1].headers, hook["secret"])
        finally:
            admin_cli("webhooks", "delete", str(hook["id"]))


def test_a_writer_is_refused(cli: Cli, live_server: LiveServer) -> None:
    username, password = live_server.writer
    with Vault(live_server.url, username=username, password=password) as vault:
        session = vault.login().session_id
    refused = cli(
        "webhooks", "list", ACTIONVAULT_URL=live_server.url, ACTIONVAULT_SESSION_ID=session
    )
    assert refused.exit_code == 6
    assert refused.stderr.startswith("error: INSUFFICIENT_ACCESS: ")
    assert refused.stderr.count("\n") == 1


def test_bad_arguments_are_usage_errors(admin_cli: Cli) -> None:
    assert admin_cli("webhooks", "create", "http://127.0.0.1:9/h", "--type", "x").exit_code == 2
    assert admin_cli("webhooks", "show", "abc").exit_code == 2
    refused = admin_cli("webhooks", "create", "ftp://127.0.0.1/h")
    assert refused.exit_code == 6
    assert refused.stderr.startswith("error: INVALID_DATA: ")
