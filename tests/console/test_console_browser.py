"""The console in a real browser (Debian's chromium, driven by Playwright) on a real server.

Each test leaves a screenshot of the pages it saw in build/screenshots/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from live_server import server_process
from support import TEST_AGENTS

CHROMIUM = Path("/usr/bin/chromium")
#: axe-core, the accessibility engine, from tests/console/package-lock.json (`npm ci`).
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
ADMIN = ("admin@actionvault.demo", "actionvault-demo")
WRITER = ("writer@actionvault.demo", "actionvault-writer")
_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_WAIT_MS = 30_000

pytestmark = pytest.mark.e2e

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: CI must install chromium (see .ci/run)")
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium", allow_module_level=True)

if not AXE.exists():
    hint = "run `npm ci --prefix tests/console`"
    if os.environ.get("CI"):
        pytest.fail(f"{AXE} is missing: {hint} (see .ci/run)")
    pytest.skip(f"{AXE} is missing: {hint}", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

expect.set_options(timeout=_WAIT_MS)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("console-browser")
    with server_process(
        data / "data",
        "demo",
        agents_dir=TEST_AGENTS,
        ACTIONVAULT_WORKERS="4",
        ACTIONVAULT_POLL_INTERVAL="0.05",
        ACTIONVAULT_AUTH_BURST_LIMIT="100000",
    ) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(_WAIT_MS)
    yield opened
    context.close()


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: str, who: tuple[str, str], *, shot: bool = False) -> None:
    page.goto(f"{server}/console/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("User name").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    if shot:
        shoot(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()


def test_upload_a_document_and_see_quick_check_mark_a_misspelling(
    page: Page, server: str, tmp_path: Path
) -> None:
    sign_in(page, server, ADMIN, shot=True)
    shoot(page, "documents")
    leaflet = tmp_path / "leaflet.txt"
    leaflet.write_text("Our new leaflet has a mispelled word and nothing else wrong.\n")
    page.get_by_label("File (PDF, Word, text, Markdown or HTML)").set_input_files(str(leaflet))
    page.locator("#name").fill("Browser leaflet")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", name="Browser leaflet")).to_be_visible()
    expect(page.locator("pre.document-text")).to_contain_text("a mispelled word")
    shoot(page, "document")
    page.locator("#agent").select_option("quick_check__v:spelling_grammar__v")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#execution-state")).to_have_text("SUCCESS")
    mark = page.locator('mark[data-category="spelling"]', has_text="mispelled").first
    expect(mark).to_be_visible()
    finding = page.locator("li.finding-item", has_text="mispelled")
    expect(finding.locator(".suggestion")).to_have_text("misspelled")
    expect(finding.locator(".category")).to_have_text("spelling")
    shoot(page, "execution-quick-check")
    page.get_by_text("Raw JSON").click()
    expect(page.locator("details.raw pre")).to_contain_text('"suggestion": "misspelled"')
    page.get_by_role("link", name="Executions").click()
    expect(page.locator("#execution-rows")).to_contain_text("spelling_grammar__v")
    shoot(page, "executions")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "executions-narrow")


def test_a_slow_execution_is_cancelled_from_its_page(page: Page, server: str) -> None:
    sign_in(page, server, ADMIN)
    page.goto(f"{server}/console/documents/1")
    page.locator("#agent").select_option("test_agent__c:slow__c")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#execution-state")).to_have_text("IN_PROGRESS")
    page.get_by_role("button", name="Cancel execution").click()
    expect(page.locator("#execution-state")).to_have_text("CANCELLED")
    expect(page.get_by_role("button", name="Cancel execution")).to_have_count(0)
    shoot(page, "execution-cancelled")


def test_chat_answers_and_continues_a_conversation(page: Page, server: str) -> None:
    sign_in(page, server, ADMIN)
    page.get_by_role("link", name="Chat").click()
    page.locator("#target").select_option("document:1")
    page.locator("#message").fill("Check the spelling and grammar of this document")
    page.get_by_role("button", name="Send").click()
    turns = page.locator("#turns li.turn")
    expect(turns).to_have_count(1)
    expect(turns.first.locator(".agent-action")).to_have_text(re.compile(r"\w+__\w+\.\w+__\w+"))
    expect(turns.first.locator(".state")).not_to_have_text("IN_PROGRESS")
    chat_url = page.url
    page.get_by_label("Your next message").fill("Summarize this document")
    page.get_by_role("button", name="Send").click()
    expect(turns).to_have_count(2)
    assert page.url == chat_url  # the same conversation, continued
    expect(turns.nth(1).locator(".state")).not_to_have_text("IN_PROGRESS")
    shoot(page, "chat")
    page.get_by_role("button", name="Delete this conversation").click()
    expect(page.get_by_role("heading", name="Chat", exact=True)).to_be_visible()


def test_chat_about_a_record(page: Page, server: str) -> None:
    sign_in(page, server, ADMIN)
    page.get_by_role("link", name="Chat").click()
    page.locator("#target").select_option("record:product__v/PRD000000000001")
    page.locator("#message").fill("Summarize this record")
    page.get_by_role("button", name="Send").click()
    turn = page.locator("#turns li.turn").first
    expect(turn.locator(".state")).to_have_text("SUCCESS")
    expect(turn.locator(".agent-action")).to_contain_text("summarize_record")
    expect(page.locator("main")).to_contain_text("PRD000000000001")
    shoot(page, "chat-record")


def test_agents_and_administration_pages_for_an_administrator(page: Page, server: str) -> None:
    sign_in(page, server, ADMIN)
    page.get_by_role("link", name="Agents").click()
    expect(page.locator("#agent-quick_check__v")).to_contain_text("spelling_grammar__v")
    shoot(page, "agents")
    page.get_by_role("link", name="Add an agent").click()
    page.get_by_label("YAML definition").fill("name: broken__c\nlabel: [unclosed\n")
    page.get_by_role("button", name="Save agent").click()
    expect(page.locator("#error-line")).to_be_visible()
    shoot(page, "agent-error")
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("cell", name=WRITER[0], exact=True)).to_be_visible()
    shoot(page, "administration")
    page.get_by_role("link", name="Records").click()
    shoot(page, "records")


def test_a_writer_sees_neither_administration_nor_others_executions(
    page: Page, server: str
) -> None:
    api = f"{server}/api/v26.1"
    session = httpx.post(f"{api}/auth", data={"username": ADMIN[0], "password": ADMIN[1]}).json()
    started = httpx.post(
        f"{api}/services/ai/agent_actions/actions/execute",
        headers={"Authorization": session["sessionId"]},
        json={"agent_name": "test_agent__c", "action_name": "echo__c", "document_id": "1"},
    ).json()
    theirs = started["actionResponse"]["executionId"]
    sign_in(page, server, WRITER)
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    page.goto(f"{server}/console/admin")
    expect(page.get_by_role("alert")).to_contain_text("Only administrators")
    shoot(page, "writer-refused")
    page.goto(f"{server}/console/executions")
    expect(page.locator("#execution-rows")).not_to_contain_text(theirs)
    page.goto(f"{server}/console/executions/{theirs}")
    expect(page.get_by_role("alert")).to_contain_text("that you may see")


def test_a_form_post_without_its_csrf_token_is_refused(server: str) -> None:
    with httpx.Client(base_url=server, follow_redirects=False) as client:
        form = client.get("/console/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        signed_in = client.post(
            "/console/sign-in",
            data={"username": ADMIN[0], "password": ADMIN[1], "csrf_token": token.group(1)},
        )
        assert signed_in.status_code == 303
        refused = client.post(
            "/console/run",
            data={"agent": "quick_check__v:spelling_grammar__v", "document_id": "1"},
        )
        assert refused.status_code == 403
        assert "security token" in refused.text


def _api_execute(server: str, who: tuple[str, str], action: str) -> str:
    auth = httpx.post(
        f"{server}/api/v26.1/auth", data={"username": who[0], "password": who[1]}, timeout=10
    ).json()
    body = httpx.post(
        f"{server}/api/v26.1/services/ai/agent_actions/actions/execute",
        json={"agent_name": "test_agent__c", "action_name": action, "document_id": "1"},
        headers={"Authorization": auth["sessionId"]},
        timeout=10,
    ).json()
    execution_id: str = body["actionResponse"]["executionId"]
    return execution_id


def test_the_executions_list_and_page_update_live_from_the_event_stream(
    page: Page, server: str
) -> None:
    # The pages' own polling comes every 10 s; within 5 s only the event stream updates them.
    sign_in(page, server, ADMIN)
    page.goto(f"{server}/console/executions")
    expect(page.locator("#execution-rows")).to_be_visible()
    page.wait_for_timeout(500)  # the page's stream is open
    execution_id = _api_execute(server, ADMIN, "echo__c")
    expect(page.locator("#execution-rows")).to_contain_text(execution_id, timeout=5_000)
    running = _api_execute(server, ADMIN, "medium__c")
    page.goto(f"{server}/console/executions/{running}")
    expect(page.locator("#execution-state")).to_have_text("IN_PROGRESS")
    expect(page.locator("#execution-state")).to_have_text("SUCCESS", timeout=5_000)
    shoot(page, "execution-live")


def accessibility_problems(page: Page) -> list[str]:
    """What axe-core finds against WCAG 2 A and AA on the page as it stands (serious and
    critical only): missing labels, too little contrast, broken landmarks, and the like."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        })).violations.filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => v.id + ": " + v.help + " ("
                    + v.nodes.map(n => n.target.join(" ")).join(", ") + ")")"""
    )
    return list(violations)


def test_every_page_passes_an_accessibility_audit_on_a_wide_and_a_narrow_screen(
    browser: Browser, server: str
) -> None:
    # The console's CSP refuses scripts it did not serve, as it should; the audit's own
    # script is let in by the browser, not by the page.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/console/sign-in")
    assert accessibility_problems(page) == []
    sign_in(page, server, ADMIN)
    execution_id = _api_execute(server, ADMIN, "echo__c")
    paths = [
        "/console/documents",
        "/console/documents/1",
        "/console/records",
        "/console/executions",
        f"/console/executions/{execution_id}",
        "/console/chat",
        "/console/agents",
        "/console/agents/new",
        "/console/admin",
        "/console/admin/webhooks",
    ]
    found = {}
    for width in (1200, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(f"{server}{path}")
            problems = accessibility_problems(page)
            if width == 1200 and path.endswith("/webhooks"):
                shoot(page, "webhooks")
            if problems:
                found[f"{path} at {width}px"] = problems
    context.close()
    assert found == {}, "\n".join(f"{where}: {p}" for where, ps in found.items() for p in ps)


def test_the_console_is_used_with_the_keyboard_alone(page: Page, server: str) -> None:
    page.goto(f"{server}/console/sign-in")
    for _ in range(5):  # past the skip link, to the first field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "username":
            break
    page.keyboard.type(ADMIN[0])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(ADMIN[1])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    # Every link of the navigation is reached by Tab, in the order it is shown.
    names = []
    for _ in range(12):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.textContent.trim()"))
    for link in ("Documents", "Executions", "Chat", "Agents"):
        assert link in names, names
    assert names.index("Documents") < names.index("Executions") < names.index("Chat")
