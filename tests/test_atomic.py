"""Atomic writes: an interruption mid-write leaves the old file whole and no temporary file;
the reports, charts, recordings and ``schema --out`` all write this way."""

import os
from pathlib import Path

import pytest

from opssim.atomic import replace_atomically, write_text_atomically


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_interrupted_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("old, whole\n")

    def half(tmp: Path) -> None:
        tmp.write_text("new, but only ha")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_atomically(path, half)
    assert path.read_text() == "old, whole\n"
    assert files_in(tmp_path) == ["report.md"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
    existing = tmp_path / "shared.txt"
    existing.write_text("a")
    existing.chmod(0o664)
    write_text_atomically(existing, "b")
    assert existing.stat().st_mode & 0o777 == 0o664 and existing.read_text() == "b"


def test_schema_out_interrupted_keeps_the_old_file(cli, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "scenario.schema.json"
    out.write_text("{}\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    r = cli("schema", "--out", out)
    assert r.code == 130 and r.err.strip() == "opssim: interrupted"
    assert out.read_text() == "{}\n" and files_in(tmp_path) == ["scenario.schema.json"]
    monkeypatch.undo()
    assert cli("schema", "--out", out).code == 0
    assert out.read_text().startswith("{") and len(out.read_text()) > 1000


def test_a_chart_interrupted_keeps_the_old_png(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    from opssim.batch import plots

    path = tmp_path / "winrate.png"
    path.write_bytes(b"\x89PNG old")
    real = Figure.savefig

    def half(self: Figure, fname: object, **kwargs: object) -> None:
        Path(str(fname)).write_bytes(b"\x89PNG ha")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", half)
    with pytest.raises(KeyboardInterrupt):
        plots._save(Figure(), path)
    assert path.read_bytes() == b"\x89PNG old" and files_in(tmp_path) == ["winrate.png"]
    monkeypatch.setattr(Figure, "savefig", real)
    plots._save(Figure(), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
