"""Driving mkdocs: the project's configuration pointed at the staged tree."""

from __future__ import annotations

import datetime
import importlib.util
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from zjtx_site.errors import BuildError
from zjtx_site.render.shared import SHARED_DIR
from zjtx_site.website.search import SHIM

PACKAGED = Path(__file__).resolve().parent / "data"


def mkdocs_config(project: Path, docs: Path, site: Path) -> Path:
    """The project's mkdocs.yml (or the built-in one) pointed at the staged tree."""
    from ruamel.yaml import YAML

    own = project / "mkdocs.yml"
    y = YAML(typ="rt")
    if own.is_file():
        cfg = y.load(own.read_text("utf-8"))
    else:
        cfg = y.load(resources.files("zjtx_site.website").joinpath("data", "mkdocs.yml").read_text("utf-8"))
    cfg["docs_dir"] = str(docs)
    cfg["site_dir"] = str(site)
    # the version date goes into the site's footer only: content/ stays the same from day to day
    built = f"版本日期 {build_date(project).isoformat()}"
    cfg["copyright"] = f"{cfg['copyright']} · {built}" if cfg.get("copyright") else built
    resolve_search_dictionaries(cfg, project)
    add_index_shim(cfg)
    add_shared_blocks(cfg, docs)
    # beside the project's own mkdocs.yml, so relative paths in it (overrides) still resolve;
    # named for this process, like its staging folder
    path = project / f".zjtx-mkdocs-{os.getpid()}.yml"
    with path.open("w", encoding="utf-8") as fh:
        y.dump(cfg, fh)
    return path


def build_date(project: Path | None = None) -> datetime.date:
    """The date the site and PDFs state, as reproducible builds define it:
    ``SOURCE_DATE_EPOCH`` when set, otherwise the date of the project's last
    git commit, so the same committed inputs give the same bytes on any day;
    today only for a project outside git."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit() and project is not None:
        try:
            proc = subprocess.run(["git", "-C", str(project), "log", "-1", "--format=%ct"], capture_output=True,
                                  text=True, timeout=60, check=False)
            epoch = proc.stdout.strip() if proc.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.date.today()


def resolve_search_dictionaries(cfg: Any, project: Path) -> None:
    """The search plugin's jieba dictionaries (``jieba_dict``, ``jieba_dict_user``):
    a relative path names a file in the project or, when the project has none, the
    file of that name shipped in zjtx_site/website/data/ (the domain dictionary
    jieba-dict.txt), so the repository and ``zjtx init`` projects share it and a
    project can still put its own beside its mkdocs.yml."""
    for entry in cfg.get("plugins") or []:
        if not isinstance(entry, dict):
            continue
        opts = entry.get("search") or entry.get("material/search")
        if not isinstance(opts, dict):
            continue
        for key in ("jieba_dict", "jieba_dict_user"):
            value = opts.get(key)
            if not isinstance(value, str) or not value or Path(value).is_absolute():
                continue
            own, builtin = project / value, PACKAGED / value
            opts[key] = str(own if own.is_file() or not builtin.is_file() else builtin)


def add_index_shim(cfg: Any) -> None:
    """The shim that serves the one search index over http (website/search.py), also
    for a project whose own mkdocs.yml predates it: loaded before the theme."""
    extra = cfg.setdefault("extra", {})
    polyfills = extra.setdefault("polyfills", [])
    if SHIM not in polyfills:
        polyfills.append(SHIM)


def add_shared_blocks(cfg: Any, docs: Path) -> None:
    """Reports include the blocks they share from content/_shared/ (pymdownx.snippets,
    a missing one fails the build); the blocks are not pages of their own."""
    exts = cfg.get("markdown_extensions")
    if exts is None:
        exts = cfg["markdown_extensions"] = []
    name = "pymdownx.snippets"
    settings: Any = None
    for k, item in enumerate(exts):
        if item == name:
            settings = exts[k] = {name: {}}
            settings = settings[name]
        elif isinstance(item, dict) and name in item:
            settings = item[name] = item[name] or {}
    if settings is None:
        exts.append({name: {}})
        settings = exts[-1][name]
    base = settings.get("base_path") or []
    settings["base_path"] = [str(docs), *([base] if isinstance(base, str) else base)]
    settings["check_paths"] = True
    excluded = str(cfg.get("exclude_docs") or "")
    cfg["exclude_docs"] = excluded + ("" if excluded.endswith("\n") or not excluded else "\n") + f"/{SHARED_DIR}/\n"


def run_mkdocs(project: Path, docs: Path, site: Path, *, dirty: bool = False) -> None:
    """``mkdocs build --strict`` of ``docs`` into ``site``; with ``dirty``, only the pages
    whose source is newer than their page in ``site`` (see :mod:`.engines`)."""
    if importlib.util.find_spec("jieba") is None:   # mkdocs-material segments Chinese only when it imports
        raise BuildError("缺少 jieba（pip install jieba）：网站搜索无法对中文分词，未生成网站。")
    cfg = mkdocs_config(project, docs, site)
    try:
        # all log levels: warnings must reach the counter that --strict checks
        proc = subprocess.run([sys.executable, "-m", "zjtx_site.website.mkdocs_run", str(cfg),
                               *(["--dirty"] if dirty else [])], cwd=project, capture_output=True,
                              text=True, env=os.environ.copy())
    finally:
        cfg.unlink(missing_ok=True)
    if proc.returncode != 0:
        out = (proc.stderr or proc.stdout).strip()
        problems = [ln for ln in out.splitlines() if ln.startswith(("WARNING", "ERROR", "Aborted"))]
        raise BuildError("网站构建（mkdocs --strict）失败，content/ 和 site/ 保持不变：\n"
                         + "\n".join(problems or [out]))
