"""``zjtx serve`` (live preview) and ``zjtx publish`` (tag a round in git)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _build_once(root: Path) -> None:
    """One rebuild of ``serve``: any failure is reported and the last good site stays served."""
    from zjtx_site.build import build
    from zjtx_site.cli.progress import Progress
    from zjtx_site.errors import BuildError, LockError, PluginError

    progress = Progress(delay=0)                 # a preview shows every stage, on a terminal
    try:
        result = build(root, progress=progress, notice=lambda s: print(s, file=sys.stderr))
    except BuildError as exc:
        for p in exc.problems:
            print(p.format(), file=sys.stderr)
        print(f"构建失败：{exc}（网站保持上一次成功构建的内容）", file=sys.stderr)
        return
    except PluginError as exc:
        print(f"构建失败：插件加载失败：{exc}（网站保持上一次成功构建的内容）", file=sys.stderr)
        return
    except LockError as exc:
        print(f"未重建：{exc}", file=sys.stderr)
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
    """Build, check that the committed content is what the data gives, tag; all under the lock."""
    from zjtx_site.build import build
    from zjtx_site.errors import BuildError, PluginError, UsageError
    from zjtx_site.intake import layout
    from zjtx_site.website.lock import project_lock
    from zjtx_site.website.publish import (
        check_committed,
        check_publishable,
        check_tracked,
        tag_round,
    )

    root = Path(args.project).resolve()
    rnd = args.round
    if not layout.ROUND_RE.match(rnd):
        raise UsageError(f"评估轮次“{rnd}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2")
    with project_lock(root, "publish", notify=lambda s: print(s, file=sys.stderr)):
        tag = check_publishable(root, rnd)
        check_tracked(root)
        try:
            # from the data alone: what is published owes nothing to this machine's .zjtx/memo
            result = build(root, progress=_say, notice=_say, fresh=True)
        except (BuildError, PluginError) as exc:
            return _failed("构建失败，未发布", exc)
        check_committed(root)
        count = len(list((root / "companies").glob(f"*/{rnd}.yaml")))
        message = f"发布评估轮次 {rnd}：{count} 家企业，{result.pages} 个页面"
        tag_round(root, tag, message)
    print(f"已发布：git 标签 {tag}（{message}）。推送：git push origin {tag}")
    return 0


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _failed(what: str, exc: Exception) -> int:
    """A build or plugin failure in words: the input problems first, then what was not done."""
    from zjtx_site.cli.codes import FAILED
    from zjtx_site.errors import PluginError

    for p in getattr(exc, "problems", ()):
        print(p.format(), file=sys.stderr)
    print(f"{what}：" + ("插件加载失败：" if isinstance(exc, PluginError) else "") + str(exc), file=sys.stderr)
    return FAILED


def cmd_pdf(args: argparse.Namespace) -> int:
    """One report as an A4 PDF in site/pdf/."""
    from zjtx_site.build import build_pdf
    from zjtx_site.errors import BuildError, PluginError, UsageError
    from zjtx_site.website.pdf import pdf_settings

    root = Path(args.project)
    if not root.is_dir():
        raise UsageError(f"项目目录不存在：{root}")
    try:
        if pdf_settings(root).issuer is None:
            print("提示：未设置出具单位（mkdocs.yml 的 extra: zjtx: issuer:），封面显示“未设置”。", file=sys.stderr)
        path = build_pdf(root, args.company_id, args.round)
    except (BuildError, PluginError) as exc:
        return _failed("未生成 PDF", exc)
    print(f"已生成 {path.relative_to(root.resolve()).as_posix()}")
    return 0


def add_site_commands(sub) -> None:
    s = sub.add_parser("pdf", help="生成一家企业一轮报告的 A4 PDF（site/pdf/）")
    s.add_argument("company_id", metavar="COMPANY-ID", help="企业编号，例如 gz-jirui-drive")
    s.add_argument("--round", help="评估轮次（默认：该企业最新一轮）")
    s.set_defaults(func=cmd_pdf)
    s = sub.add_parser("serve", help="本地预览网站，修改数据后自动重建")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("publish", help="发布一个评估轮次：构建、确认已提交，然后打 git 标签 round-<轮次>")
    s.add_argument("round", metavar="ROUND")
    s.set_defaults(func=cmd_publish)
