"""`python -m actionvault` as a script sees it: real exit codes, one error line, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from live_server import LiveServer, free_port


def actionvault(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONVAULT_")}
    return subprocess.run(
        [sys.executable, "-m", "actionvault", *args],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_exit_codes_seen_by_a_script(live_server: LiveServer, admin_session: str) -> None:
    server = {"ACTIONVAULT_URL": live_server.url, "ACTIONVAULT_SESSION_ID": admin_session}
    failed = actionvault(
        "run", "test_agent__c", "failing__c", "--document", "1", "--json", **server
    )
    assert failed.returncode == 1, failed.stderr
    assert json.loads(failed.stdout)["status"] == "FAILURE"
    assert failed.stderr.startswith("error: execution VAB")
    assert failed.stderr.count("\n") == 1
    unreachable = actionvault(
        "cancel", "VAB000000000001", "--url", f"http://127.0.0.1:{free_port()}",
        "--session-id", "whatever",
    )  # fmt: skip
    assert unreachable.returncode == 5
    assert unreachable.stderr.startswith("error: POST ")
    assert "Traceback" not in unreachable.stderr
