"""Shared fixtures: a valid company file, throwaway projects, and running the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from zjtx_site import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "companies" / "gz-jirui-drive" / "2026.yaml"


@pytest.fixture
def valid_text() -> str:
    """A complete, valid company file (every section filled in)."""
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def make_project(tmp_path):
    """``make_project({"gz-a/2026.yaml": text, ...})`` -> a project folder.

    Values may be text or bytes; keys are paths under companies/."""

    def make(files: dict[str, str | bytes], name: str = "proj") -> Path:
        root = tmp_path / name
        (root / "companies").mkdir(parents=True)
        for rel, content in files.items():
            path = root / "companies" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def run_cli(capsys):
    """``run_cli("-C", proj, "check")`` -> (exit code, stdout, stderr)."""

    def run(*argv: str | Path) -> tuple[int, str, str]:
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


@pytest.fixture
def no_cjk_font(monkeypatch):
    """A machine whose fonts (matplotlib's cache and the disk) hold no Chinese family."""
    from matplotlib import font_manager

    from zjtx_site.render import charts, fonts

    latin = [f for f in font_manager.fontManager.ttflist if f.name.startswith("DejaVu")]
    monkeypatch.setattr(fonts, "installed", lambda: latin)
    monkeypatch.setattr(fonts, "rescanned", lambda: latin)
    monkeypatch.setattr(charts, "_font", None)
    monkeypatch.delenv(fonts.SETTING, raising=False)
