"""The site engine seam: staged ``content/`` to a staged ``site/``, by mkdocs or Zensical.

mkdocs (with mkdocs-material) is the default. Zensical, from the same
authors, reads the same ``mkdocs.yml``; it is an optional extra
(``pip install 'zjtx-site[zensical]'``) until it covers what the site uses
(README, "网站引擎"). Everything that differs between the two lives here.

Incremental builds, where the engine allows:

- mkdocs has no reliable incremental build of its own, but its ``--dirty``
  mode renders only pages whose source is newer than their page in the site.
  That is exact when nothing but page contents changed: the same files, the
  same configuration, engine and theme, an explicit navigation with its own
  titles (so no page's navigation depends on another page's title) and
  ``.html`` page names. Then the last site is copied into the staging area,
  its files are marked newer than every unchanged source and each staged
  file whose bytes changed since that site was built newer still, and the
  search index of the rebuilt pages replaces theirs in the last one.
  Anything else builds in full.
- Zensical keeps a cache beside its configuration, and the pages it builds
  must lie below that folder: its configuration goes to ``.zjtx/`` (the
  staging area is below it) and its cache to ``.zjtx/.cache/``. The cache is
  keyed by each source's path, so the staged ``content/`` is laid out at the
  same place, ``.zjtx/zensical/docs/``, for every build (files hard-linked,
  reports with their shared blocks written in: Zensical 0.0.73 never caches a
  page that includes a snippet), kept between builds and brought up to date
  file by file (``docs.json`` there records what each was made from); a page whose source did
  not change is then not rendered again. The
  engine writes every page on every build, into ``.zjtx/zensical/site/``,
  which is then moved (not copied) to the staging area. Its state (the key of
  the configuration and the digest of each source the cache was made from) is
  in ``.zjtx/zensical/state.json``, written after a successful build only; a
  different configuration or a missing state clears the cache. Pages added
  or removed do not: the output folder is new on every build (Zensical also
  removes what it did not write there), and a cached page stands for its
  source's bytes at its path (tests/test_zensical_rebuild.py compares such
  builds with full ones).
  Zensical runs through :mod:`.zensical_run`, which keeps the results of its
  per-page Markdown link scan (``references.json`` there), the part of a
  cached build that Zensical 0.0.73 does again for every page.

Each staged site carries ``.zjtx-build.json``: the engine, a key of its
configuration and the digest of every source file, which the next build
compares with.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjtx_site.errors import BuildError
from zjtx_site.render.shared import INCLUDE, SHARED_DIR, expand, is_page
from zjtx_site.website import search, zensical_run
from zjtx_site.website.mkdocs import mkdocs_config, run_mkdocs

ENGINES = ("mkdocs", "zensical")
DEFAULT_ENGINE = "mkdocs"
STATE = ".zjtx-build.json"
ZENSICAL_DIR = Path(".zjtx") / "zensical"
ZENSICAL_CONFIG = Path(".zjtx") / "zensical.yml"
ZENSICAL_STATE = "state.json"                     # in ZENSICAL_DIR
SOURCES_STATE = "docs.json"                       # in ZENSICAL_DIR: what docs/ was made from
TIMINGS = Path(".zjtx") / "site-timings.json"     # for the estimate of the next build
EOL_NOTICE = ("提示：网站引擎 mkdocs-material 将于 2027-05-05 停止维护（mkdocs 1.x 已无人维护）。"
              "同一作者的继任者 Zensical 读取同一份 mkdocs.yml，可用 zjtx build --engine zensical 试用；"
              "两者的差异和迁移计划见 README“网站引擎”一节。")


@dataclass(frozen=True, kw_only=True)
class SiteBuild:
    engine: str
    incremental: bool
    rebuilt: int                      # source files the engine had to render or copy anew
    notices: tuple[str, ...] = ()


def build_site(engine: str, project: Path, docs: Path, site: Path, *,
               progress: Callable[[str], None] = lambda s: None) -> SiteBuild:
    """Build ``docs`` into the empty staging folder ``site`` (the live site is ``project/site``)."""
    if engine not in ENGINES:
        raise BuildError(f"未知的网站引擎 {engine}：可选 {'、'.join(ENGINES)}")
    files = source_digests(docs)
    pages = sum(is_page(f) for f in files)
    timings = project / TIMINGS
    last = _read_json(timings).get(engine)
    progress(f"正在构建网站（{engine}，{pages} 个页面）{_estimate(last, pages)}")
    began = time.monotonic()
    if engine == "zensical":
        result = _zensical(project, docs, site, files, progress)
    else:
        result = _mkdocs(project, docs, site, files, progress)
    # the same sources give the same file: the site stays byte-identical
    (site / STATE).write_text(json.dumps({"engine": engine, "config": config_key(engine, project),
                                          "files": files}, sort_keys=True, indent=0), "utf-8")
    if not result.incremental:
        timings.parent.mkdir(exist_ok=True)
        timings.write_text(json.dumps({**_read_json(timings), engine: {
            "pages": pages, "seconds": round(time.monotonic() - began, 1)}}), "utf-8")
    return result


def _estimate(last: Any, pages: int) -> str:
    """From the last full build by the same engine, in proportion to the pages."""
    if not isinstance(last, dict) or not last.get("pages"):
        return ""
    return f"，上次完整构建用时 {last['seconds']:.0f} 秒，预计约 {last['seconds'] * pages / last['pages']:.0f} 秒"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def source_digests(docs: Path) -> dict[str, str]:
    return {p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def config_key(engine: str, project: Path) -> str:
    """What every page depends on besides its source: the configuration, its overrides,
    the engine's and the theme's versions, and this tool's own version."""
    h = hashlib.sha256(engine.encode())
    for name in ("mkdocs.yml", "jieba-dict.txt"):
        path = project / name
        h.update(path.read_bytes() if path.is_file() else b"-")
    for d in ("overrides", "theme"):
        for p in sorted((project / d).rglob("*")) if (project / d).is_dir() else ():
            if p.is_file():
                h.update(p.relative_to(project).as_posix().encode() + p.read_bytes())
    for dist in ("mkdocs", "mkdocs-material", "zensical", "jieba", "zjtx-site"):
        h.update(f"{dist}={_version(dist)}".encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def previous_state(live: Path) -> dict[str, Any]:
    return _read_json(live / STATE)


# mkdocs ----------------------------------------------------------------------------

def _mkdocs(project: Path, docs: Path, site: Path, files: dict[str, str],
            progress: Callable[[str], None]) -> SiteBuild:
    live = project / "site"
    prev = previous_state(live)
    changed = [f for f in files if prev.get("files", {}).get(f) != files[f]]
    if (prev.get("engine") == "mkdocs" and prev.get("config") == config_key("mkdocs", project)
            and set(prev.get("files", {})) == set(files) and _dirty_safe(project, docs, site)
            and (old_index := search.read_index(live)) is not None):
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(live, site, copy_function=shutil.copy)    # its times are set below
        _mark_changed(docs, site, files, changed)
        run_mkdocs(project, docs, site, dirty=True)
        rebuilt = {search.page_location(f) for f in changed if f.endswith(".md")}
        merged = search.merge_index(old_index, search.read_index(site), rebuilt)
        _restore_times(docs, changed)
        if merged is not None:
            search.write_index(site, merged)
            progress(f"网站增量构建完成：{len(changed)} 个源文件有变化")
            return SiteBuild(engine="mkdocs", incremental=True, rebuilt=len(changed), notices=(EOL_NOTICE,))
        shutil.rmtree(site)                       # a page became searchable: its place is unknown
        site.mkdir()
    run_mkdocs(project, docs, site)
    search.finish_index(site)
    progress("网站构建完成")
    return SiteBuild(engine="mkdocs", incremental=False, rebuilt=len(files), notices=(EOL_NOTICE,))


def _dirty_safe(project: Path, docs: Path, site: Path) -> bool:
    """Whether a page's HTML depends on its own source only: an explicit navigation whose
    every entry has its own title, and pages named ``<name>.html``."""
    cfg_path = mkdocs_config(project, docs, site)
    try:
        from ruamel.yaml import YAML

        cfg = YAML(typ="safe").load(cfg_path.read_text("utf-8"))
    finally:
        cfg_path.unlink(missing_ok=True)
    plugins = [p if isinstance(p, str) else next(iter(p), "") for p in cfg.get("plugins") or ()]
    flat_urls = cfg.get("use_directory_urls") is False or "offline" in plugins
    return flat_urls and bool(cfg.get("nav")) and _titled(cfg["nav"])


def _titled(nav: Any) -> bool:
    if isinstance(nav, list):
        return all(_titled(item) for item in nav)
    if isinstance(nav, dict):
        return all(isinstance(k, str) and (isinstance(v, str) or _titled(v)) for k, v in nav.items())
    return False                                    # a bare path: titled by its page


def _mark_changed(docs: Path, site: Path, files: dict[str, str], changed: list[str]) -> None:
    """mkdocs rebuilds a page whose source is newer than its page in the site: every file of
    the copied site is made newer than any unchanged source, the changed sources newer still.
    The unchanged sources keep their times: they are the live content/'s own files (hard
    links, see :mod:`.writer`), which a build must not change."""
    new = set(changed)
    newest = max((os.stat(docs / rel).st_mtime for rel in files if rel not in new), default=0.0)
    stamp = max(newest, time.time()) + 1
    for path in site.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))
    for rel in changed:
        _unshare(docs / rel)
        os.utime(docs / rel, (stamp + 1, stamp + 1))


def _unshare(path: Path) -> None:
    """The staged file as a file of its own (a reused one is linked to the live one)."""
    if path.stat().st_nlink > 1:
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)


def _restore_times(docs: Path, changed: list[str]) -> None:
    """Back to now: the staged files become the live content/."""
    for rel in changed:
        os.utime(docs / rel)


# Zensical ---------------------------------------------------------------------------

def _zensical(project: Path, docs: Path, site: Path, files: dict[str, str],
              progress: Callable[[str], None]) -> SiteBuild:
    if importlib.util.find_spec("zensical") is None:
        raise BuildError("未安装 Zensical：pip install 'zjtx-site[zensical]'（或改用默认引擎 --engine mkdocs）")
    work = project / ZENSICAL_DIR
    src, out, state_file = work / "docs", work / "site", work / ZENSICAL_STATE
    key = config_key("zensical", project)
    state = _read_json(state_file)
    if state.get("config") != key:
        _forget_zensical(project)               # its cache is for other settings, or unknown
    work.mkdir(parents=True, exist_ok=True)
    state_file.unlink(missing_ok=True)          # until this build has succeeded
    (work / zensical_run.RUN).unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)      # what an interrupted build left
    cfg = zensical_config(project, src, out)
    static = zensical_sources(docs, src, files)
    proc = subprocess.run([sys.executable, "-m", "zjtx_site.website.zensical_run", str(work),
                           "build", "--strict", "-f", str(cfg)],
                          cwd=project, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        _forget_zensical(project)
        text = (proc.stderr + proc.stdout).strip()
        raise BuildError("网站构建（Zensical --strict）失败，content/ 和 site/ 保持不变：\n" + text)
    changed = sum(state.get("files", {}).get(f) != d for f, d in files.items())
    link_static(docs, out, static)
    state_file.write_text(json.dumps({"config": key, "files": files}), "utf-8")
    shutil.rmtree(site, ignore_errors=True)
    os.replace(out, site)
    rendered = _read_json(work / zensical_run.RUN).get("rendered")
    progress(f"网站构建完成（Zensical，{changed} 个源文件有变化"
             + (f"，渲染了 {rendered} 个页面）" if isinstance(rendered, int) else "）"))
    return SiteBuild(engine="zensical", incremental=bool(state) and changed < len(files), rebuilt=changed)


def zensical_sources(docs: Path, src: Path, files: dict[str, str] | None = None) -> list[str]:
    """The staged pages as Zensical reads them, at the one path its cache knows: a report's
    shared blocks (content/_shared/) written into it, every other page linked. Zensical
    0.0.73 renders a page that includes a snippet on every build, whatever its cache holds;
    the same report with its blocks in place is rendered once and then taken from the cache.

    Files that are not pages (charts, scripts, styles) are left out and returned: Zensical
    would only copy them, byte for byte, on every build (two opens each, most of a cached
    build's system time), and it checks links to pages, not to images, so
    :func:`link_static` puts them into its output instead.

    ``src`` is kept between builds and brought up to date, file by file: ``files`` (each
    staged file's digest, from :func:`source_digests`) against what its state file says
    each file there was made from. The state is removed first and written last, so a
    sync that was cut short is followed by one from nothing."""
    files = files if files is not None else source_digests(docs)
    state_file = src.parent / SOURCES_STATE
    made = _read_json(state_file) if src.is_dir() else {}
    state_file.unlink(missing_ok=True)
    if not made:
        shutil.rmtree(src, ignore_errors=True)
    blocks = {rel: (docs / rel).read_bytes for rel in files if rel.startswith(SHARED_DIR + "/")}
    # a block is named by its text, but its bytes are what a report gets
    every_block = hashlib.sha256("".join(files[b] for b in sorted(blocks)).encode()).hexdigest()
    pages = {rel for rel in files if rel.endswith(".md") and not rel.startswith(SHARED_DIR + "/")}
    for rel in made.keys() - pages:                 # gone since the last build: first, so that a
        (src / rel).unlink(missing_ok=True)         # name differing only in case survives on macOS
    wanted: dict[str, str] = {}
    folders: set[Path] = set()
    static: list[str] = []
    for rel, sha in files.items():
        if rel not in pages:
            if not rel.startswith(SHARED_DIR + "/") and _copied_by_engine(rel):
                static.append(rel)
            continue
        path, target = docs / rel, src / rel
        text = path.read_text("utf-8")
        expanded = INCLUDE.search(text) is not None
        wanted[rel] = f"{sha}+{every_block}" if expanded else sha
        if made.get(rel) == wanted[rel] and target.is_file():
            continue
        if target.parent not in folders and not target.parent.is_dir():
            target.parent.mkdir(parents=True)
        folders.add(target.parent)
        target.unlink(missing_ok=True)              # never write into a file linked to content/
        if expanded:
            target.write_bytes(expand(text, blocks).encode("utf-8"))     # LF on Windows too
            continue
        _link(path, target)
    state_file.write_text(json.dumps(wanted, sort_keys=True), "utf-8")
    return static


def _copied_by_engine(rel: str) -> bool:
    """Whether Zensical (like mkdocs) copies a file that is not a page into the site: not
    hidden ones, nor those in a ``templates/`` folder."""
    parts = rel.split("/")
    return not any(p.startswith(".") for p in parts) and "templates" not in parts[:-1]


def link_static(docs: Path, out: Path, static: list[str]) -> None:
    """The files :func:`zensical_sources` left out, into Zensical's output where it would have
    copied them."""
    folders: set[Path] = set()
    for rel in static:
        target = out / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        _link(docs / rel, target)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:                                 # another file system, or one without links
        shutil.copy2(source, target)


def _forget_zensical(project: Path) -> None:
    shutil.rmtree(project / ZENSICAL_DIR, ignore_errors=True)
    shutil.rmtree(project / ZENSICAL_CONFIG.parent / ".cache", ignore_errors=True)


def zensical_config(project: Path, docs: Path, out: Path, path: Path | None = None) -> Path:
    """The project's mkdocs.yml for Zensical, in ``.zjtx/`` (Zensical's project root: the
    staged pages must lie below it, and its cache goes beside it) or at ``path``, with
    relative paths made absolute, since the file is no longer beside the project's."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    tmp = mkdocs_config(project, docs, out)
    try:
        cfg = y.load(tmp.read_text("utf-8"))
    finally:
        tmp.unlink(missing_ok=True)
    # relative to the configuration's folder: Zensical 0.0.73 stops on absolute ones
    path = path or project / ZENSICAL_CONFIG
    root = path.parent
    cfg["docs_dir"] = os.path.relpath(docs, root)
    cfg["site_dir"] = os.path.relpath(out, root)
    theme = cfg.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        theme["custom_dir"] = str((project / theme["custom_dir"]).resolve())
    with path.open("w", encoding="utf-8") as fh:
        y.dump(cfg, fh)
    return path
