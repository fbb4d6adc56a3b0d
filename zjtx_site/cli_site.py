"""``zjtx serve`` (live preview) and ``zjtx publish`` (tag a round in git)."""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

WATCHED = ("companies", "templates", "plugins", "mkdocs.yml", "jieba-dict.txt")


def snapshot(root: Path) -> tuple:
    """What a rebuild depends on that staff edit: names, sizes and times."""
    items = []
    for name in WATCHED:
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) \
            if path.is_dir() else []
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            items.append((str(f.relative_to(root)), st.st_size, st.st_mtime_ns))
    return tuple(items)


def watch(root: Path, rebuild: Callable[[], None], stop: threading.Event, interval: float = 1.0) -> None:
    """Call ``rebuild`` whenever the watched files change, until ``stop`` is set."""
    last = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != last:
            last = now
            rebuild()


def _build_once(root: Path) -> None:
    from .build import BuildError, build
    from .plugins import PluginError

    try:
        result = build(root, progress=lambda s: print(s, file=sys.stderr))
    except BuildError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        print(f"构建失败：{exc}（网站保持上一次成功构建的内容）", file=sys.stderr)
        return
    except PluginError as exc:
        print(f"构建失败：插件加载失败：{exc}（网站保持上一次成功构建的内容）", file=sys.stderr)
        return
    print(f"已更新：{result.pages} 个页面（重新生成 {result.rendered} 个文件）", file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    from .cli import UsageError

    root = Path(args.project).resolve()
    _build_once(root)
    site = root / "site"
    if not site.is_dir():
        raise UsageError("还没有成功构建过网站：请先修正上面列出的问题")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"预览地址：http://{args.host}:{server.server_address[1]}/ （修改 companies/ 等文件后自动重建，Ctrl-C 退出）",
          file=sys.stderr)
    stop = threading.Event()
    try:
        watch(root, lambda: _build_once(root), stop)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
    return 0


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def cmd_publish(args: argparse.Namespace) -> int:
    """Build, check that the committed content is what the data gives, tag."""
    from . import layout
    from .build import BuildError, build
    from .cli import UsageError

    root = Path(args.project).resolve()
    rnd = args.round
    if not layout.ROUND_RE.match(rnd):
        raise UsageError(f"评估轮次“{rnd}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2")
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise UsageError("发布需要项目在 git 仓库中（发布即打 git 标签）")
    tag = f"round-{rnd}"
    if _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}").returncode == 0:
        raise UsageError(f"标签 {tag} 已存在：该轮次已发布，不会覆盖")
    if not list((root / "companies").glob(f"*/{rnd}.yaml")):
        raise UsageError(f"companies/ 中没有评估轮次 {rnd} 的数据")
    try:
        result = build(root, progress=lambda s: print(s, file=sys.stderr))
    except BuildError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        raise UsageError(f"构建失败，未发布：{exc}") from None
    dirty = _git(root, "status", "--porcelain", "--", "companies", "content", "templates", "mkdocs.yml").stdout
    if dirty.strip():
        raise UsageError("以下文件有未提交的改动，请先审阅并提交（git add / git commit），再发布：\n" + dirty.rstrip())
    count = len(list((root / "companies").glob(f"*/{rnd}.yaml")))
    message = f"发布评估轮次 {rnd}：{count} 家企业，{result.pages} 个页面"
    tagged = _git(root, "tag", "-a", tag, "-m", message)
    if tagged.returncode != 0:
        raise UsageError(f"打标签失败：{tagged.stderr.strip()}")
    print(f"已发布：git 标签 {tag}（{message}）。推送：git push origin {tag}")
    return 0


def add_site_commands(sub) -> None:
    s = sub.add_parser("serve", help="本地预览网站，修改数据后自动重建")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("publish", help="发布一个评估轮次：构建、确认已提交，然后打 git 标签 round-<轮次>")
    s.add_argument("round", metavar="ROUND")
    s.set_defaults(func=cmd_publish)
