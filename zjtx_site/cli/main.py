"""The ``zjtx`` command. Plugins load inside the commands that need them,
so a broken plugin never breaks ``zjtx --help`` or ``zjtx check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zjtx_site.cli.codes import FAILED, INCOMPLETE, INTERRUPTED, LOCKED, OK, USAGE
from zjtx_site.errors import LockError, UsageError, ZjtxError, os_error_text
from zjtx_site.version import __version__


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
    import dataclasses

    from zjtx_site.intake.loader import load_project
    from zjtx_site.intake.problems import Severity

    root = _project(args)
    # like git -C / make -C: relative paths name files of the project
    targets = [root / p for p in args.paths] or None
    data = load_project(root, targets)
    problems = data.problems
    if args.strict:   # for CI: a figure that looks wrong stops the merge
        problems = tuple(dataclasses.replace(p, severity=Severity.ERROR) for p in problems)
    _print_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    files = len(data.results)
    if errors:
        strict = "（--strict：警告按错误处理）" if args.strict else ""
        print(f"检查未通过：{files} 个文件，{errors} 个错误，{warnings} 个警告（涉及 "
              f"{len({p.file for p in problems if p.is_error})} 个文件）{strict}。", file=sys.stderr)
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


SHOWN_WARNINGS = 20


def _print_warnings(warnings) -> None:
    """The build's data warnings: the first ones, and how many in all."""
    if not warnings:
        return
    _print_problems(warnings[:SHOWN_WARNINGS])
    rest = len(warnings) - SHOWN_WARNINGS
    more = f"（以上列出前 {SHOWN_WARNINGS} 个，另有 {rest} 个）" if rest > 0 else ""
    print(f"数据警告：{len(warnings)} 个{more}，报告照常生成；运行 zjtx check 查看全部，"
          "zjtx check --strict 可在 CI 中把警告当作错误。", file=sys.stderr)


def cmd_build(args: argparse.Namespace) -> int:
    from zjtx_site.build import build
    from zjtx_site.cli.progress import Progress
    from zjtx_site.errors import BuildError, FontMissing, PluginError

    root = _project(args)
    progress = Progress()
    try:
        result = build(root, keep_going=args.keep_going, forced=args.rules, pdf=args.pdf, progress=progress,
                       site_engine=args.engine, notice=lambda s: print(s, file=sys.stderr))
    except BuildError as exc:
        _print_problems([p for p in exc.problems])
        print(f"构建失败：{exc}", file=sys.stderr)
        return FAILED
    except PluginError as exc:
        print(f"构建失败：插件加载失败：{exc}。content/ 和 site/ 保持不变。", file=sys.stderr)
        return FAILED
    except FontMissing as exc:
        print(f"构建失败：{exc}\ncontent/ 和 site/ 保持不变。", file=sys.stderr)
        return FAILED
    finally:
        progress.close()
    _print_warnings(result.warnings)
    for text in result.notices:
        print(text, file=sys.stderr)
    if result.skipped_files:
        print("以下文件有错误，已跳过（--keep-going）：", file=sys.stderr)
        for f in result.skipped_files:
            print(f"  {f}", file=sys.stderr)
    if result.failures:
        print("以下插件出错，相关报告和总览中的行已标记为“评分不完整”（--keep-going）：", file=sys.stderr)
        for f in result.failures:
            print(f"  {f}", file=sys.stderr)
    print(f"构建完成：{result.pages} 个页面（重新生成 {result.rendered} 个文件，沿用 {result.reused} 个）"
          + ("，网站在 site/" if result.site_built else ""))
    if result.pdf is not None:
        p = result.pdf
        print(f"PDF：新生成 {p.made} 份，沿用 {p.reused} 份，在 site/pdf/"
              + (f"；{p.missing} 份报告还没有 PDF（报告页的 PDF 链接暂不可用），运行 zjtx build --pdf 生成"
                 if p.missing else ""))
    if result.skipped_files or result.failures:
        print(f"构建不完整：跳过 {len(result.skipped_files)} 个文件，插件出错 {len(result.failures)} 处"
              f"（退出码 {INCOMPLETE}）。", file=sys.stderr)
        return INCOMPLETE
    return OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zjtx",
        description="高新技术企业专精特新诊断规划工具（T/GZHTEA003-2024）：校验企业数据、评分、生成报告与网站。")
    p.add_argument("-C", "--project", default=".", metavar="DIR", help="项目目录（默认：当前目录）")
    p.add_argument("--version", action="version", version=f"zjtx-site {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令")

    s = sub.add_parser("check", help="校验企业数据文件，一次列出全部问题")
    s.add_argument("paths", nargs="*", metavar="PATH", help="文件或文件夹（默认：companies/ 下全部）")
    s.add_argument("--strict", action="store_true",
                   help="警告也按错误处理并返回非 0（用于 CI：像是单位或小数写错的数字不能合并）")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("new", help="新建一家企业一轮的数据文件（带中文注释的模板）")
    s.add_argument("company_id", metavar="COMPANY-ID", help="企业编号，例如 gz-ruixin-bio")
    s.add_argument("--round", default=str(_this_year()), help="评估轮次（默认：今年）")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("init", help="新建一个项目文件夹")
    s.add_argument("dir", metavar="DIR")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("build", help="校验、评分、生成 content/ 报告并构建 site/ 网站（原子操作）")
    s.add_argument("--keep-going", action="store_true",
                   help="跳过有错误的文件、插件出错时继续构建：报告标记为“评分不完整”，最后列出全部问题，退出码 3")
    s.add_argument("--rules", metavar="ID", help="强制使用规则集（假设分析）")
    s.add_argument("--pdf", action="store_true",
                   help="同时生成每份报告的 A4 PDF（site/pdf/）；不加时沿用上次构建中仍然有效的 PDF")
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
    from zjtx_site.cli.term import Visible

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Visible(out), Visible(err)
    try:
        return _main(argv, err)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str] | None, real_stderr) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return USAGE
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return USAGE
    except LockError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return LOCKED
    except ZjtxError as exc:     # a message written for the reader, never a traceback
        print(f"错误：{exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        # output piped into head or less that closed early: not an error
        real_stderr.close()
        return OK
    except OSError as exc:
        # a full disk, a read-only folder, an unreadable file: say which, in words
        print(f"错误：{os_error_text(exc)}", file=sys.stderr)
        return FAILED


if __name__ == "__main__":
    sys.exit(main())
