"""Reused content/ files are hard-linked into the staging area, not copied, and nothing a
build does reaches the live files through those links: not a page written again, not
the times the mkdocs incremental build sets, not a failed build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_engines import change_one_company, project_with

from zjtx_site.build import build
from zjtx_site.errors import BuildError
from zjtx_site.render.pages import Page
from zjtx_site.website import engines, writer
from zjtx_site.website.writer import Writer, sha


def _previous(tmp_path: Path) -> tuple[Path, dict[str, tuple[str, str]]]:
    prev = tmp_path / "prev"
    (prev / "a").mkdir(parents=True)
    (prev / "a" / "x.md").write_bytes(b"# x\n")
    return prev, {"a/x.md": ("k", sha(b"# x\n"))}


def _page(path: str, key: str, data: bytes) -> Page:
    return Page(path=path, key=key, make=lambda: data)


def test_a_reused_file_is_the_live_file_linked(tmp_path):
    prev, manifest = _previous(tmp_path)
    w = Writer(tmp_path / "stage", prev, manifest)
    w.write(_page("a/x.md", "k", b"never made"))
    assert os.path.samefile(tmp_path / "stage" / "a" / "x.md", prev / "a" / "x.md")
    assert (w.reused, w.rendered) == (1, 0) and w.manifest() == manifest


def test_without_links_a_reused_file_is_copied(tmp_path, monkeypatch):
    def no_links(*args):
        raise OSError("links not supported")

    monkeypatch.setattr(writer.os, "link", no_links)
    prev, manifest = _previous(tmp_path)
    w = Writer(tmp_path / "stage", prev, manifest)
    w.write(_page("a/x.md", "k", b"never made"))
    staged = tmp_path / "stage" / "a" / "x.md"
    assert staged.read_bytes() == b"# x\n" and not os.path.samefile(staged, prev / "a" / "x.md")
    assert w.reused == 1 and w.manifest() == manifest


def test_a_page_written_again_never_writes_into_the_live_file(tmp_path):
    prev, manifest = _previous(tmp_path)
    w = Writer(tmp_path / "stage", prev, manifest)
    w.write(_page("a/x.md", "k", b"never made"))
    w.write(_page("a/x.md", "other", b"# y\n"))         # the same path again, another key
    assert (tmp_path / "stage" / "a" / "x.md").read_bytes() == b"# y\n"
    assert (prev / "a" / "x.md").read_bytes() == b"# x\n"


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.site
def test_an_incremental_mkdocs_build_leaves_the_unchanged_files_as_they_were(tmp_path, monkeypatch):
    root = project_with(tmp_path / "p")
    build(root)
    before = _stamps(root / "content")
    change_one_company(root)
    build(root)
    after = _stamps(root / "content")
    kept = {rel for rel in before if after.get(rel) == before[rel]}
    assert len(kept) > len(before) // 2, "the unchanged files were copied or their times changed"
    assert {rel.split("/")[1] for rel in set(before) - kept if rel.startswith("companies/")} == {"gz-jirui-drive"}

    # a build that fails after the times are set changes nothing live
    content = {rel: (root / "content" / rel).read_bytes() for rel in after}
    company = root / "companies" / "gz-jirui-drive" / "2026.yaml"
    company.write_text(company.read_text("utf-8").replace("niche_years: 15", "niche_years: 16"), "utf-8")
    real = engines.run_mkdocs

    def fails(*args, **kwargs):
        if kwargs.get("dirty"):
            raise BuildError("模拟失败")
        return real(*args, **kwargs)

    monkeypatch.setattr(engines, "run_mkdocs", fails)
    site = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    with pytest.raises(BuildError):
        build(root)
    assert _stamps(root / "content") == after
    assert {rel: (root / "content" / rel).read_bytes() for rel in after} == content
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == site
    assert not any(p.name.startswith("staging") for p in (root / ".zjtx").iterdir())
