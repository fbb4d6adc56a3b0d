"""The ``zjtx`` command. Plugins load inside the commands that need them,
so a broken plugin never breaks ``zjtx --help`` or ``zjtx check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zjtx_site import __version__
from zjtx_site.errors import UsageError


def _project(args: argparse.Namespace) -> Path:
    root = Path(args.project)
    if not root.is_dir():
        raise UsageError(f"项目目录不存在：{root}")
    return root


def _print_problems(problems, stream=None) -> None:
    # sys.stderr looked up at call time, not bound once at import, so that a
    # redirected stderr (contextlib.redirect_stderr, pytest's capsys) gets the lines
    for p in problems:
        print(p.format(), file=stream or sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from zjtx_site.intake.loader import load_project

    root = _project(args)
    # like git -C / make -C: relative paths name files of the project
    targets = [root / p for p in args.paths] or None
    data = load_project(root, targets)
    _print_problems(data.problems)
    errors = sum(p.is_error for p in data.problems)
    warnings = len(data.problems) - errors
    files = len(data.results)
    if errors:
        print(f"检查未通过：{files} 个文件，{errors} 个错误，{warnings} 个警告（涉及 "
              f"{len(data.invalid_files)} 个文件）。", file=sys.stderr)
        return 1
    print(f"检查通过：{files} 个企业数据文件，{warnings} 个警告。")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from zjtx_site.intake import layout
    from zjtx_site.intake.scaffold import scaffold
    from zjtx_site.intake.yamlload import LoadFailure, parse, read_text

    root = _project(args)
    cid = args.company_id
    rnd = args.round
    if not layout.COMPANY_ID_RE.match(cid):
        raise UsageError(f"企业编号“{cid}”不合规：只能用小写字母、数字和连字符，2～63 个字符，例如 gz-ruixin-bio")
    if not layout.ROUND_RE.match(rnd):
        raise UsageError(f"评估轮次“{rnd}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2")
    folder = root / layout.COMPANIES_DIR / cid
    target = folder / f"{rnd}.yaml"
    if target.exists():
        raise UsageError(f"{layout.shown_path(target)} 已存在，不会覆盖")
    previous = None
    earlier = sorted((p for p in folder.glob("*.yaml") if layout.ROUND_RE.match(p.stem)
                      and layout.round_sort_key(p.stem) < layout.round_sort_key(rnd)),
                     key=lambda p: layout.round_sort_key(p.stem))
    if earlier:
        src = earlier[-1]
        try:
            previous = parse(read_text(src, layout.shown_path(src)), layout.shown_path(src))
        except LoadFailure as exc:
            raise UsageError(f"无法读取上一轮数据：{exc.problem.format()}") from None
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold(cid, rnd, previous), encoding="utf-8")
    origin = f"，已从上一轮 {layout.shown_path(earlier[-1])} 带入数据" if earlier else ""
    print(f"已创建 {layout.shown_path(target)}{origin}。填写后运行 zjtx check 检查。")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from zjtx_site.intake.project_init import init_project

    created = init_project(Path(args.dir))
    for p in created:
        print(f"已创建 {p}")
    print(f"新项目已就绪：cd {args.dir} && zjtx new <企业编号> 开始录入第一家企业。")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from zjtx_site.build import build
    from zjtx_site.cli.progress import Progress
    from zjtx_site.errors import BuildError, PluginError

    root = _project(args)
    progress = Progress()
    try:
        result = build(root, keep_going=args.keep_going, forced=args.rules, progress=progress,
                       site_engine=args.engine)
    except BuildError as exc:
        _print_problems([p for p in exc.problems])
        print(f"构建失败：{exc}", file=sys.stderr)
        return 1
    except PluginError as exc:
        print(f"构建失败：插件加载失败：{exc}。content/ 和 site/ 保持不变。", file=sys.stderr)
        return 1
    finally:
        progress.close()
    for text in result.notices:
        print(text, file=sys.stderr)
    if result.skipped_files:
        print("以下文件有错误，已跳过（--keep-going）：", file=sys.stderr)
        for f in result.skipped_files:
            print(f"  {f}", file=sys.stderr)
    print(f"构建完成：{result.pages} 个页面（重新生成 {result.rendered} 个文件，沿用 {result.reused} 个）"
          + ("，网站在 site/" if result.site_built else ""))
    return 1 if result.skipped_files else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zjtx",
        description="高新技术企业专精特新诊断规划工具（T/GZHTEA003-2024）：校验企业数据、评分、生成报告与网站。")
    p.add_argument("-C", "--project", default=".", metavar="DIR", help="项目目录（默认：当前目录）")
    p.add_argument("--version", action="version", version=f"zjtx-site {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令")

    s = sub.add_parser("check", help="校验企业数据文件，一次列出全部问题")
    s.add_argument("paths", nargs="*", metavar="PATH", help="文件或文件夹（默认：companies/ 下全部）")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("new", help="新建一家企业一轮的数据文件（带中文注释的模板）")
    s.add_argument("company_id", metavar="COMPANY-ID", help="企业编号，例如 gz-ruixin-bio")
    s.add_argument("--round", default=str(_this_year()), help="评估轮次（默认：今年）")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("init", help="新建一个项目文件夹")
    s.add_argument("dir", metavar="DIR")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("build", help="校验、评分、生成 content/ 报告并构建 site/ 网站（原子操作）")
    s.add_argument("--keep-going", action="store_true", help="跳过有错误的文件继续构建，并列出跳过的文件")
    s.add_argument("--rules", metavar="ID", help="强制使用规则集（假设分析）")
    from zjtx_site.website.engines import DEFAULT_ENGINE, ENGINES

    s.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                   help=f"网站引擎（默认 {DEFAULT_ENGINE}；zensical 为可选安装，见 README“网站引擎”）")
    s.set_defaults(func=cmd_build)

    from zjtx_site.cli.excel import add_form_commands
    from zjtx_site.cli.scoring import add_scoring_commands
    from zjtx_site.cli.site import add_site_commands

    add_scoring_commands(sub)
    add_site_commands(sub)
    add_form_commands(sub)
    return p


def _this_year() -> int:
    import datetime

    return datetime.date.today().year


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # output piped into head or less that closed early: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
