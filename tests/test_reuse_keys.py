"""Reuse keys cover everything a page depends on: a plugin added, changed or
removed, an installed plugin's new version, or an edited packaged data file
changes exactly the affected pages, and the incremental content/ equals a
clean build's byte for byte. A content/ that is not the one the manifest
describes is made again, never trusted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from report_helpers import build, make_project

from zjtx_site.scoring import host
from zjtx_site.website.staging import MANIFEST

REPO = Path(__file__).resolve().parent.parent
COMPANIES = ["gz-jirui-drive", "gz-shuobai-materials"]
TARGET = "gz-jirui-drive"            # two rounds (2025, 2026), L5
OVERVIEW = {"portfolio.md", "rounds/2025.md", "rounds/2026.md"}

TWEAK = """
    import dataclasses
    from fractions import Fraction

    from zjtx_site import BandDimension, dimension_data, hookimpl

    SCORE = {score}

    class Tweak:
        key = "distinctiveness"

        def __init__(self):
            spec = dimension_data()[self.key]
            self.label = spec["label"]
            self.inner = BandDimension(self.key, spec)

        def describe(self):
            return self.inner.describe()

        def evaluate(self, company, metrics):
            d = self.inner.evaluate(company, metrics)
            if company.company_id != "{target}":
                return d
            return dataclasses.replace(d, score=Fraction(SCORE), plugin="local:tweak")

    @hookimpl
    def zjtx_register_dimensions(register):
        register(Tweak(), replace=True)
"""

# what a different 特色化 score of TARGET changes: its reports, radars and rounds chart, and
# the portfolios that list its scores; not its index page, the home page or the other company
AFFECTED = {f"companies/{TARGET}/{x}" for x in ("2025.md", "2026.md", "2025-radar.svg", "2026-radar.svg",
                                                 "2026-rounds.svg")} | OVERVIEW
# adding or removing an evaluator also changes the methodology page, which names the plugin
# that replaced a built-in one; a changed score from the same plugin does not
SWAPPED = AFFECTED | {"methodology.md"}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def changed(a: dict[str, bytes], b: dict[str, bytes]) -> set[str]:
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def clean(tmp_path: Path, name: str, setup=lambda root: None) -> dict[str, bytes]:
    """content/ of a first build of the same companies (with ``setup`` applied)."""
    root = make_project(tmp_path / name, COMPANIES)
    setup(root)
    build(root)
    return tree(root / "content")


def put_tweak(root: Path, score: int) -> None:
    (root / "plugins").mkdir(exist_ok=True)
    (root / "plugins" / "tweak.py").write_text(
        textwrap.dedent(TWEAK.format(score=score, target=TARGET)), "utf-8")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv(host.ALLOW_ENV, "")
    root = make_project(tmp_path / "proj", COMPANIES)
    build(root)
    return root


def test_local_plugin_added_changed_and_removed(project, tmp_path, monkeypatch):
    plain = tree(project / "content")

    monkeypatch.setenv(host.ALLOW_ENV, "local:tweak")
    put_tweak(project, 7)
    build(project)
    added = tree(project / "content")
    assert added == clean(tmp_path, "clean-7", lambda r: put_tweak(r, 7))
    assert changed(plain, added) == SWAPPED

    put_tweak(project, 8)                 # same name, same version: only the file's content differs
    build(project)
    edited = tree(project / "content")
    assert edited == clean(tmp_path, "clean-8", lambda r: put_tweak(r, 8))
    assert changed(added, edited) == AFFECTED

    (project / "plugins" / "tweak.py").unlink()
    monkeypatch.setenv(host.ALLOW_ENV, "")
    build(project)
    assert tree(project / "content") == plain


def test_a_plugin_allowed_or_not_by_the_allow_list_changes_its_pages(project, monkeypatch):
    """The same files on disk; only ZJTX_PLUGINS differs."""
    plain = tree(project / "content")
    put_tweak(project, 7)
    build(project)                        # present but not allowed: nothing changes
    assert tree(project / "content") == plain
    monkeypatch.setenv(host.ALLOW_ENV, "local:tweak")
    build(project)
    assert changed(plain, tree(project / "content")) == SWAPPED


def test_installed_plugin_counts_by_version_and_source(project, tmp_path, monkeypatch):
    """An entry-point plugin whose version or source changes re-renders what it affects,
    even when it is an editable install whose version stays the same."""
    plain = tree(project / "content")
    site = tmp_path / "site-packages"

    def install(version: str, score: int) -> None:
        shutil.rmtree(site, ignore_errors=True)
        info = site / f"zjtx_fake_tweak-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: zjtx-fake-tweak\nVersion: {version}\n")
        (info / "entry_points.txt").write_text("[zjtx_site]\nfake-tweak = zjtx_fake_tweak\n")
        (site / "zjtx_fake_tweak.py").write_text(textwrap.dedent(TWEAK.format(score=score, target=TARGET)))
        sys.modules.pop("zjtx_fake_tweak", None)      # a new process would import it afresh

    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv(host.ALLOW_ENV, "fake-tweak")
    install("1.0", 7)
    build(project)
    first = tree(project / "content")
    assert changed(plain, first) == SWAPPED
    install("1.0", 9)                     # edited in place, version unchanged
    build(project)
    second = tree(project / "content")
    assert changed(first, second) == AFFECTED
    install("1.1", 9)                     # a new version with the same code: same pages
    build(project)
    assert tree(project / "content") == second
    sys.modules.pop("zjtx_fake_tweak", None)


def test_the_example_plugin_installed_changes_only_the_company_that_uses_it(project, tmp_path, monkeypatch):
    """The reported symptom: with the example package installed, builds reused every page."""
    pytest.importorskip("zjtx_plugin_guangdong_example")
    path = project / "companies" / TARGET / "2026.yaml"
    text = path.read_text("utf-8")
    assert text.rstrip().endswith("industry_name: 其他通用零部件制造")     # extra: is the last mapping
    path.write_text(text.rstrip() + "\n  guangdong:\n    specialty_product: true\n", "utf-8")
    build(project)
    plain = tree(project / "content")
    monkeypatch.setenv(host.ALLOW_ENV, "guangdong-example")
    build(project)
    with_example = tree(project / "content")
    diff = changed(plain, with_example)
    assert f"companies/{TARGET}/2026.md" in diff and f"companies/{TARGET}/2026-radar.svg" in diff
    # its report's bands now include the plugin's indicator: a block of its own
    new_blocks = {rel for rel in diff if rel.startswith("_shared/")}
    assert len(new_blocks) == 1 and new_blocks.pop().startswith("_shared/bands-")
    assert diff - {rel for rel in diff if rel.startswith("_shared/")} <= SWAPPED
    assert not any(TARGET not in rel and rel.startswith("companies/") for rel in diff)


def test_content_that_is_not_what_the_manifest_describes_is_made_again(project):
    """A content/ changed behind the manifest's back (a git checkout, an interrupted build of
    an older version) is never reused as if it were the page of its key."""
    before = tree(project / "content")
    report = project / "content" / "companies" / TARGET / "2026.md"
    report.write_text("# 被改动过的页面\n", "utf-8")
    result = build(project)
    assert tree(project / "content") == before
    assert result.rendered == 1


def test_an_older_manifest_format_reuses_nothing_but_builds_the_same(project):
    before = tree(project / "content")
    manifest = project / ".zjtx" / MANIFEST
    old = {rel: key for rel, (key, _) in json.loads(manifest.read_text("utf-8"))["files"].items()}
    manifest.write_text(json.dumps(old), "utf-8")           # the format before digests were kept
    result = build(project)
    assert result.reused == 0 and tree(project / "content") == before


@pytest.mark.slow
def test_an_edited_packaged_data_file_changes_the_affected_pages(tmp_path):
    """grading.yaml edited in the installed package (not a .py file): the L5 companies become
    L4 on the next build, exactly as on a clean build. Run on a copy of the package, in
    subprocesses, as a reinstall would be."""
    pkg = tmp_path / "pkg"
    shutil.copytree(REPO / "zjtx_site", pkg / "zjtx_site", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(pkg), host.ALLOW_ENV: ""}

    def run_build(root: Path) -> dict[str, bytes]:
        code = "import sys; from pathlib import Path; from zjtx_site.build import build; " \
               "build(Path(sys.argv[1]), run_site=False)"
        # cwd: not the checkout, whose zjtx_site would come first on sys.path
        subprocess.run([sys.executable, "-c", code, str(root)], env=env, check=True, timeout=300,
                       capture_output=True, cwd=tmp_path)
        return tree(root / "content")

    root = make_project(tmp_path / "proj", COMPANIES)
    before = run_build(root)
    grading = pkg / "zjtx_site" / "scoring" / "data" / "grading.yaml"
    text = grading.read_text("utf-8")
    assert "{level: L5, min: 20000," in text
    grading.write_text(text.replace("{level: L5, min: 20000,", "{level: L5, min: 2000000,"), "utf-8")
    after = run_build(root)
    fresh = run_build(make_project(tmp_path / "clean", COMPANIES))
    assert after == fresh
    diff = changed(before, after)
    assert {f"companies/{TARGET}/2026.md", f"companies/{TARGET}/index.md", "portfolio.md"} <= diff
    assert "|L5|" not in after["portfolio.md"].decode("utf-8").split("## 全部企业")[1]
