"""``zjtx form``, ``zjtx import`` and ``zjtx classify``: the Excel side (issue 6).

``add_form_commands(sub)`` registers the three sub-commands on the main
parser's sub-parsers (see cli.build_parser). ``main(argv)`` runs them on
their own, with the same ``-C`` option, for tests and scripts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _usage(message: str) -> Exception:
    from zjtx_site.errors import UsageError

    return UsageError(message)


def _project(args: argparse.Namespace) -> Path:
    root = Path(getattr(args, "project", "."))
    if not root.is_dir():
        raise _usage(f"项目目录不存在：{root}")
    return root


def _check_ids(company_id: str, round_id: str | None) -> None:
    from zjtx_site.intake import layout

    if not layout.COMPANY_ID_RE.match(company_id):
        raise _usage(f"企业编号“{company_id}”不合规：只能用小写字母、数字和连字符，2～63 个字符，例如 gz-ruixin-bio")
    if round_id is not None and not layout.ROUND_RE.match(round_id):
        raise _usage(f"评估轮次“{round_id}”不合规：应为四位年份，可加后缀，例如 2026 或 2026-h2")


def _company_rounds(root: Path, company_id: str) -> list[Path]:
    from zjtx_site.intake import layout

    folder = root / layout.COMPANIES_DIR / company_id
    files = [p for p in folder.glob("*.yaml") if layout.ROUND_RE.match(p.stem)] if folder.is_dir() else []
    return sorted(files, key=lambda p: layout.round_sort_key(p.stem))


def cmd_form(args: argparse.Namespace) -> int:
    from zjtx_site.excel import FormError
    from zjtx_site.excel.form import blank_data, form_bytes
    from zjtx_site.intake import layout
    from zjtx_site.intake.loader import load_file
    from zjtx_site.intake.yamlload import LoadFailure, parse, read_text

    root = _project(args)
    cid, rnd = args.company_id, args.round
    source = None
    if cid:
        _check_ids(cid, rnd)
        rounds = _company_rounds(root, cid)
        if not rounds:
            raise _usage(f"找不到企业 {cid} 的数据：{layout.shown_path(root / layout.COMPANIES_DIR / cid)} "
                         "下没有 <评估轮次>.yaml 文件")
        if rnd:
            match = [p for p in rounds if p.stem == rnd]
            if not match:
                raise _usage(f"企业 {cid} 没有 {rnd} 轮的数据；已有轮次：{'、'.join(p.stem for p in rounds)}")
            source = match[0]
        else:
            source = rounds[-1]
        rnd = source.stem
        shown = layout.shown_path(source)
        try:
            data = parse(read_text(source, shown), shown)
        except LoadFailure as exc:
            raise _usage(f"无法读取 {shown}：{exc.problem.format()}") from None
        entry, _ = layout.entry_for(source)
        if entry is not None:
            errors = [p for p in load_file(entry).problems if p.is_error]
            if errors:
                print(f"注意：{shown} 有 {len(errors)} 个错误（见 zjtx check）；表单中保留原值，导入时会再次报告。",
                      file=sys.stderr)
    else:
        if rnd:
            _check_ids("blank-form", rnd)
        data = blank_data(rnd)
    out = Path(args.output) if args.output else Path(f"{cid}-{rnd}.xlsx" if cid else
                                                      (f"表单-{rnd}.xlsx" if rnd else "表单.xlsx"))
    if out.suffix.lower() != ".xlsx":
        raise _usage(f"输出文件应以 .xlsx 结尾：{out}")
    if out.exists() and not args.force:
        raise _usage(f"{out} 已存在，不会覆盖（可能是已填写的表单）；换一个文件名，或加 --force 覆盖")
    try:
        body = form_bytes(data, company_id=cid or "", round_id=rnd or "")
    except FormError as exc:
        raise _usage(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    origin = f"，已预填 {layout.shown_path(source)} 的数据" if source else "（空白表单）"
    print(f"已生成 {out}{origin}。")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from zjtx_site.excel import FormError
    from zjtx_site.excel.importer import import_form, write_company
    from zjtx_site.intake import layout
    from zjtx_site.website.lock import project_lock

    root = _project(args)
    if args.company_id:
        _check_ids(args.company_id, args.round)
    elif args.round:
        _check_ids("form-round", args.round)
    path = Path(args.file)
    try:
        result = import_form(path, args.company_id, args.round, force=args.force)
    except FormError as exc:
        raise _usage(str(exc)) from None
    cid, rnd = result.company_id, result.round_id
    for p in result.problems:
        print(p.format(), file=sys.stderr)
    errors = sum(p.is_error for p in result.problems)
    warnings = len(result.problems) - errors
    if errors:
        print(f"导入失败：{errors} 个错误，{len(result.problems) - errors} 个警告；没有写入任何文件。"
              "请在表单中改正后重新导入。", file=sys.stderr)
        return 1
    target = root / layout.COMPANIES_DIR / cid / f"{rnd}.yaml"
    # under the project lock: a build never reads a company file half written
    with project_lock(root, "import", notify=lambda s: print(s, file=sys.stderr)):
        if target.exists() and not args.force:
            raise _usage(f"{layout.shown_path(target)} 已存在，不会覆盖；确认要替换时加 --force"
                         "（旧文件会备份到 .zjtx/backups/）")
        written, backup = write_company(root, cid, rnd, result.text, force=args.force)
    extra = f"；旧文件已备份到 {layout.shown_path(backup)}" if backup else ""
    noted = f"（{warnings} 个警告，见上）" if warnings else ""
    print(f"已写入 {layout.shown_path(written)}{extra}{noted}。")
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from zjtx_site.errors import PluginError
    from zjtx_site.excel.classify import RegistryError, classify, default_output
    from zjtx_site.scoring.host import load

    src = Path(args.registry)
    try:     # the project's registered grader, built-in or a plugin's
        grader = load(Path(args.project)).grader["grading"].obj
    except PluginError as exc:
        raise _usage(f"插件加载失败：{exc}") from None
    out = Path(args.output) if args.output else default_output(src)
    if out.resolve() == src.resolve():
        raise _usage("输出文件不能与输入文件相同")
    try:
        s = classify(src, out, sheet=args.sheet, chart=not args.no_chart, grader=grader,
                     progress=lambda m: print(m, file=sys.stderr))
    except RegistryError as exc:
        raise _usage(str(exc)) from None
    for e in s.errors[: args.show_errors]:
        col = f"「{e['column']}」列：" if e["column"] else ""
        print(f"{src.name}：第 {e['row']} 行，{col}错误：{e['message']}", file=sys.stderr)
    if s.bad_rows > args.show_errors:
        print(f"……共 {s.bad_rows} 行有问题，全部见 {out.name} 的“问题”列。", file=sys.stderr)
    for note in s.notes:
        print(note, file=sys.stderr)
    counts = "，".join(f"{lv} {s.levels.get(lv, 0)}" for lv in sorted(set(s.levels) | {"L1", "L2", "L3", "L4", "L5"}))
    rate = s.rows / s.seconds if s.seconds else 0
    print(f"已分级 {s.graded} 家（{counts}）；有问题未分级 {s.bad_rows} 行；"
          f"用时 {s.seconds:.1f} 秒（{rate:,.0f} 行/秒）。")
    print(f"结果：{out}；汇总：" + "、".join(v for k, v in s.outputs.items() if k != "csv"))
    return 1 if s.bad_rows else 0


def add_form_commands(sub) -> None:
    s = sub.add_parser("form", help="生成附录 A 数据采集表 Excel 工作簿（可预填企业最近一轮数据）",
                       description="生成 T/GZHTEA003-2024 附录 A 企业专精特新数据采集表（Excel）。"
                                   "给出企业编号时预填该企业最近一轮（或 --round 指定轮次）的数据。")
    s.add_argument("company_id", nargs="?", metavar="COMPANY-ID", help="企业编号（省略时生成空白表单）")
    s.add_argument("-o", "--output", metavar="FILE.xlsx", help="输出文件（默认：<企业编号>-<轮次>.xlsx 或 表单.xlsx）")
    s.add_argument("--round", help="预填的评估轮次（默认：最近一轮）；空白表单时用于预填年度")
    s.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")
    s.set_defaults(func=cmd_form)

    s = sub.add_parser("import", help="导入填好的 Excel 表单，校验后写入企业数据 YAML",
                       description="读取 zjtx form 生成并填好的表单，按 zjtx check 的规则校验，"
                                   "所有问题标明单元格（例如 表单!C14）；没有错误时写入 "
                                   "companies/<企业编号>/<评估轮次>.yaml。")
    s.add_argument("file", metavar="FORM.xlsx", help="填好的表单")
    s.add_argument("--company-id", metavar="ID",
                   help="企业编号，例如 gz-ruixin-bio（默认：生成表单时的企业编号）")
    s.add_argument("--round", metavar="R", help="评估轮次，例如 2026（默认：生成表单时的评估轮次）")
    s.add_argument("--force", action="store_true",
                   help="覆盖已有文件（旧文件备份到 .zjtx/backups/<企业编号>/）；"
                        "也允许把为另一家企业或另一轮生成的表单导入为指定的企业和轮次")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("classify", help="对企业名录（CSV/Excel）批量分级 L1–L5，输出结果和汇总",
                       description="按标准 §7.1 对名录中每家企业分级（营业收入 + 主导产品所属领域），"
                                   "逐行输出 CSV，并生成汇总（JSON、Markdown 和柱状图）。"
                                   "表头可用中文或英文；有问题的行会标明行号和列，其余照常分级。")
    s.add_argument("registry", metavar="REGISTRY", help="名录文件（.csv 或 .xlsx）")
    s.add_argument("-o", "--output", metavar="OUT.csv", help="结果 CSV（默认：<名录名>-分级.csv）")
    s.add_argument("--sheet", help="Excel 名录的工作表（默认：第一个）")
    s.add_argument("--no-chart", action="store_true", help="不生成柱状图")
    s.add_argument("--show-errors", type=int, default=20, metavar="N", help="在终端列出前 N 个问题（默认 20）")
    s.set_defaults(func=cmd_classify)
