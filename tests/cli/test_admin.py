"""Server-side administration commands, through the command's entry point."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from actionvault.cli import main


def invoke(data_dir: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, [*args, "--data-dir", str(data_dir)], input=input, catch_exceptions=False
    )
    return result.exit_code, result.output


def test_users_permission_sets_and_groups_are_administered_from_the_command_line(
    tmp_path: Path,
) -> None:
    code, out = invoke(
        tmp_path, "permission-set", "runners__c", "--action", "quick_check__v.*",
        "--object", "product__v:read,create",
    )  # fmt: skip
    assert code == 0, out
    code, out = invoke(
        tmp_path, "users", "add", "jane@example.com", "--password", "jane-password",
        "--permission-set", "runners__c",
    )  # fmt: skip
    assert code == 0, out
    code, out = invoke(tmp_path, "users", "add", "root@example.com", "--admin",
                       "--password", "root-password")  # fmt: skip
    assert code == 0, out
    code, out = invoke(tmp_path, "users", "add-to-group", "jane@example.com", "reviewers__c")
    assert code == 0, out
    code, out = invoke(tmp_path, "users", "list")
    assert "jane@example.com\tstandard_user__v\tactive\trunners__c" in out
    assert "root@example.com\tsystem_admin__v" in out
    code, out = invoke(tmp_path, "users", "deactivate", "jane@example.com")
    assert code == 0
    code, out = invoke(tmp_path, "users", "list")
    assert "jane@example.com\tstandard_user__v\tinactive" in out
    code, out = invoke(tmp_path, "users", "grant", "nobody@example.com", "runners__c")
    assert code == 1
    assert "no user named nobody@example.com" in out
    code, out = invoke(tmp_path, "users", "add", "x@example.com", "--password", "short")
    assert code == 1
    assert "INVALID_DATA" in out


def test_the_audit_trail_prints_and_exports_csv(tmp_path: Path) -> None:
    invoke(tmp_path, "users", "add", "jane@example.com", "--password", "jane-password")
    code, out = invoke(tmp_path, "audit", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["kind"] == "user_change"
    code, out = invoke(tmp_path, "audit", "--kind", "user_change")
    assert "user_change\tsuccess" in out


def test_import_loads_files_and_csv_records_and_skips_them_the_second_time(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    (content / "letters").mkdir(parents=True)
    (content / "letters" / "welcome_letter.txt").write_text("Welcome to the the programme.")
    (content / "page.html").write_text("<h1>Dosing</h1><p>Take one.</p>")
    (content / ".hidden").write_text("secret")
    (content / "product__v.csv").write_text(
        "name__v,generic_name__v,status__v\nCardiovex,cardiovexumab,active__v\n"
        "Broken,x,not_a_status\n"
    )
    data = tmp_path / "data"
    invoke(data, "users", "add", "admin@example.com", "--admin", "--password", "admin-password")
    code, out = invoke(data, "import", str(content), "--owner", "admin@example.com")
    assert code == 1  # one record failed
    assert "2 documents and 1 records imported, 0 already there, 1 failed" in out
    assert "product__v.csv:3: INVALID_DATA" in out
    made = [line.split("\t")[0] for line in out.splitlines() if line.startswith("document ")]
    assert len(made) == 2
    assert all(word.isdigit() for word in (m.split()[1] for m in made))
    assert any(line.startswith("record PRD") and "Cardiovex" in line for line in out.splitlines())
    code, out = invoke(data, "import", str(content), "--owner", "admin@example.com")
    assert "0 documents and 0 records imported, 3 already there, 1 failed" in out


def test_import_where_there_is_no_database_says_where_it_looked(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "note.txt").write_text("Hello.")
    data = tmp_path / "nowhere"
    code, out = invoke(data, "import", str(content), "--owner", "admin@example.com")
    assert code == 1
    assert f"no database at {(data / 'actionvault.db').resolve()}" in out.replace("\n", " ")
    assert "--data-dir" in out
    assert "--database-url" in out
    assert not (data / "actionvault.db").exists()


def test_commands_on_the_database_show_only_the_options_that_apply() -> None:
    for args in (["import", "--help"], ["users", "add", "--help"], ["users", "list", "--help"]):
        out = CliRunner().invoke(main, args).output
        assert "--data-dir" in out, args
        assert "--database-url" in out, args
        for serving in ("--host", "--port", "--workers"):
            assert serving not in out, (args, serving)
