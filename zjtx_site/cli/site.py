"""``zjtx serve`` (live preview) and ``zjtx publish`` (tag a round in git)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _build_once(root: Path) -> None:
    from zjtx_site.build import build
    from zjtx_site.cli.progress import Progress
    from zjtx_site.errors import BuildError, PluginError

    progress = Progress(delay=0)                 # a preview shows every stage, on a terminal
    try:
        result = build(root, progress=progress)
    except BuildError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        print(f"构建失败：{exc}（网站保持上一次成功构建的内容）", file=sys.stderr)
        return
    except PluginError as exc:
        print(f"构建失败：插件加载失败：{exc}（网站保持上一次成功构建的内容）", file=sys.stderr)
        return
    finally:
        progress.close()
    for text in result.notices:
        print(text, file=sys.stderr)
    print(f"已更新：{result.pages} 个页面（重新生成 {result.rendered} 个文件），浏览器将自动刷新", file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    from zjtx_site.errors import UsageError
    from zjtx_site.website.serve import live_server

    root = Path(args.project).resolve()
    _build_once(root)
    if not (root / "site").is_dir():
        raise UsageError("还没有成功构建过网站：请先修正上面列出的问题")

    def rebuild() -> None:
        print("检测到修改，正在重建……", file=sys.stderr)
        _build_once(root)

    server = live_server(root, args.host, args.port, rebuild)
    print(f"预览地址：http://{args.host}:{args.port}/ （修改 companies/ 等文件后自动重建并刷新浏览器，Ctrl-C 退出）",
          file=sys.stderr)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Build, check that the committed content is what the data gives, tag."""
    from zjtx_site.build import build
    from zjtx_site.errors import BuildError, UsageError
    from zjtx_site.intake import layout
    from zjtx_site.website.publish import check_committed, check_publishable, tag_round

    root = Path(args.project).resolve()
    rnd = args.round
    if not layout.ROUND_RE.match(rnd):
        raise UsageError(f"评估轮次“{rnd}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2")
    tag = check_publishable(root, rnd)
    try:
        result = build(root, progress=lambda s: print(s, file=sys.stderr))
    except BuildError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        raise UsageError(f"构建失败，未发布：{exc}") from None
    check_committed(root)
    count = len(list((root / "companies").glob(f"*/{rnd}.yaml")))
    message = f"发布评估轮次 {rnd}：{count} 家企业，{result.pages} 个页面"
    tag_round(root, tag, message)
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
