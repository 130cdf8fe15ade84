"""Errors everywhere: every command, given a missing file, a directory, an unreadable file or
a bad flag, prints one line on stderr and exits non-zero, never with a traceback."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from opssim.cli import app

#: Every command ``opssim --help`` lists.
COMMANDS = ["run", "replay", "validate", "schema", "new", "lint", "play", "batch", "sweep",
            "optimize", "balance", "calibrate"]

CASES = ["missing", "directory", "unreadable", "io-error", "bad-flag"]

#: /proc/self/mem opens but every read at offset 0 fails (EIO), for root as for anyone.
IO_ERROR_FILE = Path("/proc/self/mem")


def bad_path(case: str, tmp_path: Path) -> Path:
    """A path that cannot be read as a file, in the way ``case`` names."""
    if case == "missing":
        return tmp_path / "missing.yaml"
    if case == "directory":
        folder = tmp_path / "folder.yaml"
        folder.mkdir()
        return folder
    if case == "io-error":
        if not IO_ERROR_FILE.exists():
            pytest.skip("no /proc/self/mem here")
        return IO_ERROR_FILE
    path = tmp_path / "locked.yaml"
    path.write_text("id: x\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: the io-error case covers it
        pytest.skip("running as root: chmod 000 does not stop reading (see io-error)")
    return path


def args_for(command: str, case: str, tmp_path: Path) -> list[str | Path]:
    """The arguments that give ``command`` the bad path (or, for the commands that only
    write, a bad output place)."""
    if case == "bad-flag":
        return [command, "--no-such-flag"]
    if command == "schema":  # it reads nothing: a place that cannot be written
        target = {"missing": tmp_path / "no" / "schema.json",
                  "directory": tmp_path}.get(case)
        if target is None:
            pytest.skip("schema reads no file")
        return [command, "--out", target]
    if command == "new":
        target = {"missing": tmp_path / "no", "directory": _a_file(tmp_path)}.get(case)
        if target is None:
            pytest.skip("new reads no file")
        return [command, "spring-sale", "--out", target]
    return [command, bad_path(case, tmp_path)]


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    return path


def test_the_list_is_every_command() -> None:
    import typer

    listed = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert sorted(listed) == sorted(COMMANDS)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", COMMANDS)
def test_one_line_and_non_zero(cli: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               no_display: None, command: str, case: str) -> None:
    monkeypatch.chdir(tmp_path)  # balance writes ./balance/ by default: keep it here
    args = args_for(command, case, tmp_path)
    r = cli(*args)
    assert r.code not in (0, None), r
    assert "Traceback" not in r.err
    assert len(r.err_lines) == 1, r.err
    line = r.err_lines[0]
    if case == "bad-flag":
        assert "--no-such-flag" in line
    elif command in ("schema", "new"):
        assert line.startswith("opssim: ") and str(args[-1]) in line
    else:
        assert str(args[-1]) in line  # it names the file
        assert any(w in line.lower() for w in ("no such file", "directory", "permission",
                                               "cannot read", "input/output"))


@pytest.mark.parametrize("case", ["missing", "directory", "bad-flag"])
def test_in_a_real_process(run_cli_subprocess: Callable, tmp_path: Path, case: str) -> None:
    """The same through the installed script: exit 2, one line, no traceback."""
    args = args_for("replay" if case != "bad-flag" else "batch", case, tmp_path)
    proc = run_cli_subprocess(*args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
