"""Zensical rebuilds: the engine's cache is kept across builds (its sources always at one
path), its output is moved rather than copied, and the per-page link scan that Zensical
0.0.73 repeats on every build is memoized by the bytes it scanned, without changing a
result (website/zensical_run.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest
from test_engines import REPO, SOME, change_one_company, project_with, tree

from zjtx_site.build import build
from zjtx_site.errors import BuildError
from zjtx_site.render.shared import expand
from zjtx_site.website import engines, zensical_run


@dataclass
class Span:
    start: int
    end: int


@dataclass
class Link(Span):
    kind: str
    href: Span


CLASSES = {"Span": Span, "Link": Link}


def scanner(calls: list[bytes]):
    def references(markdown: bytes, shift: int = 0):
        calls.append(markdown)
        i = markdown.find(b"](")
        if i >= 0:
            yield Link(shift, shift + i + 2, "link", Span(shift + i + 2, shift + len(markdown)))

    return references


def test_the_memo_scans_each_text_once_and_gives_the_same_results(tmp_path):
    calls: list[bytes] = []
    memo = zensical_run.Memo(tmp_path / "m.json", "0.0.73", CLASSES)
    scan = memo.wrap(scanner(calls))
    first = scan(b"[a](b.md)", 3)
    assert first == [Link(3, 7, "link", Span(7, 12))]
    assert scan(b"[a](b.md)", 3) == first and scan(b"[a](b.md)", 3)[0] is not first[0]
    assert len(calls) == 1
    assert scan(b"[a](b.md)", 0) == [Link(0, 4, "link", Span(4, 9))]      # another offset: scanned
    assert scan(b"plain", 0) == []
    assert len(calls) == 3 and (memo.hits, memo.misses) == (2, 3)
    memo.save()
    # the next build: nothing scanned again
    later = zensical_run.Memo(tmp_path / "m.json", "0.0.73", CLASSES)
    scan = later.wrap(scanner(calls))
    assert scan(b"[a](b.md)", 3) == first and scan(b"plain", 0) == []
    assert len(calls) == 3
    # another Zensical version: its results are not trusted
    other = zensical_run.Memo(tmp_path / "m.json", "0.0.74", CLASSES)
    other.wrap(scanner(calls))(b"plain", 0)
    assert len(calls) == 4


def test_the_memo_keeps_only_what_this_build_used_and_what_round_trips(tmp_path):
    calls: list[bytes] = []
    memo = zensical_run.Memo(tmp_path / "m.json", "0.0.73", CLASSES)
    scan = memo.wrap(scanner(calls))
    scan(b"[a](old.md)")
    memo.save()
    memo = zensical_run.Memo(tmp_path / "m.json", "0.0.73", CLASSES)
    memo.wrap(scanner(calls))(b"[a](new.md)")
    memo.save()
    assert len(json.loads((tmp_path / "m.json").read_text("utf-8"))["results"]) == 1

    def odd(markdown: bytes, shift: int = 0):
        yield Span(0, 1.5)                    # not an int: cannot be kept exactly

    memo = zensical_run.Memo(tmp_path / "odd.json", "0.0.73", CLASSES)
    wrapped = memo.wrap(odd)
    assert wrapped(b"x") == [Span(0, 1.5)] and wrapped(b"x") == [Span(0, 1.5)]
    assert memo.misses == 2 and not memo.used


def test_the_memo_is_installed_only_for_a_verified_zensical(tmp_path, monkeypatch):
    pytest.importorskip("zensical")
    import zensical.collectors as collectors

    real = collectors.references
    monkeypatch.setattr(zensical_run, "VERIFIED", ())
    assert zensical_run.install(tmp_path / "m.json") is None
    assert collectors.references is real
    monkeypatch.setattr(zensical_run, "VERIFIED", (__import__("zensical").version(),))
    memo = zensical_run.install(tmp_path / "m.json")
    try:
        assert memo is not None and collectors.references is not real
        text = b"see [this](other.md) and ![pic](a.svg)\n\n[^1]: note\n"
        assert collectors.references(text) == list(real(text)) != []
        assert collectors.references(text) == list(real(text)) and memo.hits == 1
    finally:
        collectors.references = real


def test_a_failed_zensical_build_gives_the_staged_pages_back(tmp_path, monkeypatch):
    pytest.importorskip("zensical")
    project = tmp_path / "p"
    docs, site = project / ".zjtx" / "staging-1" / "content", project / ".zjtx" / "staging-1" / "site"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n", "utf-8")
    seen = []

    def fails(cmd, **kw):
        seen.append(sorted(p.name for p in (project / engines.ZENSICAL_DIR / "docs").iterdir()))
        return subprocess.CompletedProcess(cmd, 1, "", "boom")

    monkeypatch.setattr(engines.subprocess, "run", fails)
    with pytest.raises(BuildError, match="boom"):
        engines.build_site("zensical", project, docs, site)
    assert seen == [["index.md"]], "Zensical did not read the staged pages at its fixed place"
    assert (docs / "index.md").read_text("utf-8") == "# 首页\n"
    assert not (project / engines.ZENSICAL_DIR).exists()     # its cache is forgotten


@pytest.mark.site
def test_a_one_company_change_renders_only_its_pages_and_builds_the_same_site(tmp_path):
    pytest.importorskip("zensical")
    root = project_with(tmp_path / "p")
    build(root, site_engine="zensical")
    run = engines.ZENSICAL_DIR / zensical_run.RUN
    pages = len([p for p in (root / "content").rglob("*.md") if "_shared" not in p.parts])   # blocks are no pages
    assert json.loads((root / run).read_text("utf-8"))["rendered"] == pages
    change_one_company(root)
    # as staff run it: another process, so another staging folder
    proc = subprocess.run([sys.executable, "-m", "zjtx_site", "-C", str(root), "build", "--engine", "zensical"],
                          capture_output=True, text=True, env={**os.environ, "ZJTX_PLUGINS": ""}, check=False)
    assert proc.returncode == 0, proc.stderr
    done = json.loads((root / run).read_text("utf-8"))
    # the changed report, the company's page, the overviews; not the other reports
    assert 0 < done["rendered"] < pages - 2, done
    assert done["scanned"] == done["rendered"] and done["scans_reused"] == pages - done["rendered"], done
    assert not (root / engines.ZENSICAL_DIR / "site").exists(), "the engine's output was copied, not moved"
    fresh = project_with(tmp_path / "fresh")
    change_one_company(fresh)
    build(fresh, site_engine="zensical")
    assert tree(root / "site") == tree(fresh / "site"), "the rebuilt site differs from a full build"


@pytest.mark.site
def test_a_company_added_or_removed_keeps_the_cache_and_builds_the_same_site(tmp_path):
    pytest.importorskip("zensical")
    root = project_with(tmp_path / "p", SOME[:2])
    build(root, site_engine="zensical")
    run = root / engines.ZENSICAL_DIR / zensical_run.RUN
    shutil.copytree(REPO / "companies" / SOME[2], root / "companies" / SOME[2])
    build(root, site_engine="zensical")
    pages = len([p for p in (root / "content").rglob("*.md") if "_shared" not in p.parts])   # blocks are no pages
    assert json.loads(run.read_text("utf-8"))["rendered"] < pages, "the cache was cleared for a new company"
    fresh = project_with(tmp_path / "all", SOME)
    build(fresh, site_engine="zensical")
    assert tree(root / "site") == tree(fresh / "site"), "adding a company with the cache differs from a full build"
    shutil.rmtree(root / "companies" / SOME[0])
    build(root, site_engine="zensical")
    assert json.loads(run.read_text("utf-8"))["rendered"] < pages - 2
    fresh = project_with(tmp_path / "two", SOME[1:])
    build(fresh, site_engine="zensical")
    assert tree(root / "site") == tree(fresh / "site"), "removing a company with the cache differs from a full build"


@pytest.mark.site
def test_files_kept_from_zensical_give_the_site_it_would_have_built(tmp_path):
    """Charts, scripts and styles are linked into Zensical's output by zjtx instead of copied by
    Zensical: the site is byte for byte the one Zensical builds with every file in place."""
    pytest.importorskip("zensical")
    root = project_with(tmp_path / "p", SOME[:2])
    build(root, site_engine="zensical")
    src = root / engines.ZENSICAL_DIR / "docs"
    assert not [p for p in src.rglob("*") if p.is_file() and p.suffix != ".md"], "Zensical was given static files"
    full = tmp_path / "full"
    shutil.copytree(src, full / "docs")
    static = [p for p in (root / "content").rglob("*") if p.is_file() and p.suffix != ".md"]
    assert any(p.suffix == ".svg" for p in static) and any(p.suffix == ".js" for p in static)
    for p in static:
        target = full / "docs" / p.relative_to(root / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, target)
    cfg = engines.zensical_config(root, full / "docs", full / "site", full / "zensical.yml")
    proc = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "-f", str(cfg)],
                          cwd=full, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    ours = {k: v for k, v in tree(root / "site").items() if k != engines.STATE and not k.startswith("pdf/")}
    assert ours == tree(full / "site")


def test_the_kept_sources_follow_every_change_of_the_staged_pages(tmp_path):
    """.zjtx/zensical/docs is brought up to date file by file; after any sequence of changes
    (a block's bytes, a page that stops including one, a page gone, a sync cut short) it
    holds exactly the staged pages with their blocks written in, and no other file."""
    docs, src = tmp_path / "docs", tmp_path / "work" / "docs"

    def stage(files: dict[str, str]) -> None:
        shutil.rmtree(docs, ignore_errors=True)
        for rel, text in files.items():
            (docs / rel).parent.mkdir(parents=True, exist_ok=True)
            (docs / rel).write_text(text, "utf-8")

    def expected() -> dict[str, bytes]:
        blocks = {p.relative_to(docs).as_posix(): p.read_bytes for p in (docs / "_shared").glob("*.md")}
        return {p.relative_to(docs).as_posix(): expand(p.read_text("utf-8"), blocks).encode("utf-8")
                for p in sorted(docs.rglob("*.md")) if "_shared" not in p.parts}

    def sync() -> list[str]:
        static = engines.zensical_sources(docs, src)
        assert tree(src) == expected()
        return static

    pages = {"index.md": "# 首页\n", "companies/a/2026.md": '# 报告\n\n--8<-- "_shared/rules-1.md"\n\n尾\n',
             "_shared/rules-1.md": "规则一\n", "companies/a/2026-radar.svg": "<svg/>", ".hidden.svg": "<svg/>"}
    stage(pages)
    assert sync() == ["companies/a/2026-radar.svg"]
    stage({**pages, "_shared/rules-1.md": "规则一（改）\n"})                   # same name, other bytes
    sync()
    stage({**pages, "companies/a/2026.md": "# 报告\n\n不再引用\n"})            # no include any more
    sync()
    gone = {k: v for k, v in pages.items() if k != "index.md"}
    stage(gone)
    sync()
    (src.parent / engines.SOURCES_STATE).unlink()                            # a sync cut short
    (src / "stray.md").write_text("上次留下的\n", "utf-8")
    stage(pages)
    sync()
