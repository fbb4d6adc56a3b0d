"""Start-up of single-file commands: the tool's data files are parsed once, with
the C loader, and matplotlib is imported only when a chart is drawn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from zjtx_site.scoring import yamldata
from zjtx_site.scoring.engine import make_engine

REPO = Path(__file__).resolve().parent.parent


def test_each_data_file_is_parsed_once(monkeypatch):
    parsed: list[str] = []
    real = yamldata.YAML

    class Counting(real):  # type: ignore[misc, valid-type]
        def load(self, stream):
            parsed.append(stream)
            return super().load(stream)

    monkeypatch.setattr(yamldata, "YAML", Counting)
    yamldata.load_data.cache_clear()
    try:
        make_engine(None)
        make_engine(None)
    finally:
        yamldata.load_data.cache_clear()
    assert parsed, "no data file went through load_data"
    assert len(parsed) == len(set(parsed)), "a data file was parsed twice"


def test_data_files_use_the_c_loader():
    y = yamldata.YAML(typ="safe")
    y.load("a: 1")
    assert not y.pure and type(y.parser).__name__ == "CParser"


def test_score_does_not_import_matplotlib():
    code = ("import sys; from zjtx_site.cli.main import main; "
            "rc = main(['score', '--json', 'companies/gz-jirui-drive/2026.yaml']); "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(REPO), "ZJTX_PLUGINS": "", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr


def test_a_build_that_draws_no_chart_does_not_import_matplotlib(tmp_path):
    from report_helpers import build, make_project

    project = make_project(tmp_path / "p", ["gz-jirui-drive", "gz-lanqi-bio"])
    build(project)                                    # draws every chart
    code = ("import sys; from pathlib import Path; from zjtx_site.build import build; "
            f"r = build(Path({str(project)!r}), run_site=False); "
            "assert r.reused and 'matplotlib' not in sys.modules, sorted(m for m in sys.modules if 'matplotlib' in m)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(REPO), "ZJTX_PLUGINS": "", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
