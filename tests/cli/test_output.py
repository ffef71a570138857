"""Renderers of the remote commands, on data made up to reach each branch."""

from __future__ import annotations

import io
import json
import re
import time

from actionvault.cli import output
from actionvault.client import ErrorDetail, Execution, ExecutionEvent, Output

REPORT = {
    "detected_language": "English",
    "errors": [
        {
            "text": "recieve",
            "suggestion": "receive",
            "category": "spelling",
            "sentence": "Patients " + "really " * 20 + "recieve the care they need.",
        }
    ],
}


def fenced(value: object) -> str:
    return f"```json\n{json.dumps(value)}\n```"


def test_the_spelling_table_shows_the_error_inside_a_long_sentence() -> None:
    execution = Execution(
        id="VAB000000000001",
        status="SUCCESS",
        agent_action="quick_check__v.spelling_grammar__v",
        outputs=(Output("text", fenced(REPORT)),),
    )
    lines = output.render_result(execution, width=200).splitlines()
    assert lines[:2] == ["Language: English", "1 errors:"]
    assert lines[2].split() == ["CATEGORY", "TEXT", "SUGGESTION", "SENTENCE"]
    row = lines[3]
    assert row.split()[:3] == ["spelling", "recieve", "receive"]
    assert "recieve the care" in row
    assert row.rstrip().endswith("need.")
    assert "…" in row, "the start of the long sentence is cut"


def test_a_clean_report_says_so() -> None:
    assert output.spelling_table({"errors": []}) == "No spelling or grammar errors found."


def test_other_json_is_pretty_printed_and_prose_stays_prose() -> None:
    structured = Output("text", fenced({"findings": [], "summary": {"total": 0}}))
    assert json.loads(output.render_output(structured, "phrase_assessment__v")) == {
        "findings": [],
        "summary": {"total": 0},
    }
    assert "\n  " in output.render_output(structured, "phrase_assessment__v")
    prose = Output("text", "Log in with your user name.")
    assert output.render_output(prose, "explain_feature__c") == "Log in with your user name."


def test_a_narrow_table_cuts_its_last_column_first() -> None:
    rows = [("quick_check__v", "spelling_grammar__v", "x" * 80)]
    lines = output.table(("AGENT", "ACTION", "DESCRIPTION"), rows, width=60).splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert lines[1].startswith("quick_check__v  spelling_grammar__v  xxx")
    assert lines[1].endswith("…")


def test_summary_and_errors_lines() -> None:
    execution = Execution(
        id="VAB000000000002",
        status="FAILURE",
        agent_action="test_agent__c.failing__c",
        external_id="nightly-1",
        errors=(ErrorDetail("OPERATION_NOT_ALLOWED", "It failed."),),
    )
    assert output.render_summary(execution) == (
        "VAB000000000002  FAILURE  test_agent__c.failing__c  external id nightly-1"
    )
    assert output.render_errors(execution) == "OPERATION_NOT_ALLOWED: It failed."
    assert json.loads(output.to_json(execution))["errors"][0]["message"] == "It failed."


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_spinner_shows_elapsed_time_on_a_terminal_and_clears_its_line() -> None:
    stream = Terminal()
    with output.Spinner("VAB000000000003 test_agent__c.slow__c", stream, interval=0.01):
        time.sleep(0.15)
    written = stream.getvalue()
    assert written.count("\r") >= 2, "redrawn in place"
    assert re.search(r"\r\x1b\[K. VAB000000000003 test_agent__c\.slow__c  0\.\ds", written)
    assert written.endswith("\r\x1b[K")


def test_the_spinner_shows_what_the_execution_last_reported() -> None:
    stream = Terminal()
    with output.Spinner("VAB000000000003", stream, interval=0.01) as spinner:
        spinner.note = "progress: Reading part 2 of 5"
        time.sleep(0.05)
    assert "VAB000000000003  progress: Reading part 2 of 5  0." in stream.getvalue()


def test_an_event_is_one_line_saying_when_which_and_what() -> None:
    event = ExecutionEvent(
        id=9,
        type="progress",
        execution_id="VAB000000000003",
        status="IN_PROGRESS",
        agent_action="quick_check__v.spelling_grammar__v",
        at="2026-12-04T08:00:00.000+00:00",
        detail={"message": "Reading part 2 of 5"},
    )
    assert output.render_event(event) == (
        "2026-12-04T08:00:00.000+00:00  VAB000000000003  quick_check__v.spelling_grammar__v  "
        "progress: Reading part 2 of 5"
    )
    again = ExecutionEvent(
        id=10, type="started", execution_id="VAB1", status="IN_PROGRESS", attempt=2
    )
    assert output.describe_event(again) == "started (attempt 2)"


def test_the_spinner_prints_nothing_into_a_pipe() -> None:
    stream = io.StringIO()
    with output.Spinner("label", stream, interval=0.01):
        time.sleep(0.05)
    assert stream.getvalue() == ""
