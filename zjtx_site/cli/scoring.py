"""``zjtx score`` and ``zjtx plugins``: commands that load the plugins."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zjtx_site.cli.codes import INCOMPLETE, OK
from zjtx_site.scoring.fmt import fmt_exact, score1


def _engine(args: argparse.Namespace):
    from zjtx_site.errors import PluginError, UsageError
    from zjtx_site.scoring.engine import make_engine

    try:
        return make_engine(Path(args.project))
    except PluginError as exc:
        raise UsageError(f"插件加载失败：{exc}") from None


def cmd_score(args: argparse.Namespace) -> int:
    from zjtx_site.errors import EvaluationError, UsageError
    from zjtx_site.intake.layout import entry_for
    from zjtx_site.intake.loader import load_file
    from zjtx_site.scoring import guard
    from zjtx_site.scoring.engine import assess
    from zjtx_site.scoring.score_json import to_json

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"文件不存在：{args.file}")
    entry, problems = entry_for(path)
    if entry is None:
        for p in problems:
            print(p.format(), file=sys.stderr)
        return 1
    result = load_file(entry)
    for p in result.problems:
        print(p.format(), file=sys.stderr)
    if result.company is None:
        print("数据未通过校验，未评分。", file=sys.stderr)
        return 1
    engine = _engine(args)
    if args.rules and args.rules not in engine.rulesets:
        raise UsageError(f"没有规则集 {args.rules}；可选：{', '.join(sorted(engine.rulesets))}")
    try:
        a = guard.within(guard.time_limit(), result.company.source, assess, engine, result.company,
                         forced=args.rules, keep_going=args.keep_going)
    except EvaluationError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        print("评分未完成，没有输出结果。可用 --keep-going 输出标记为失败的结果。", file=sys.stderr)
        return 1
    if args.json:
        json.dump(to_json(a), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(summary(a))
    return OK if a.complete else INCOMPLETE


def summary(a) -> str:
    c = a.company
    lines = [f"{c.basic.name}（{c.company_id} / {c.round}，评估日期 {c.assessed_on.isoformat()}）"]
    if a.grade:
        lines.append(f"分级：{a.grade.level}（{a.grade.band}；{a.grade.field_note}）")
        lines.append(f"服务路径：{a.grade.path}")
    lines.append("六维诊断（专精特新链品）：" + "，".join(
        f"{d.label} {score1(d.score)}" for d in a.dimensions))
    lines.append("梯度评价：")
    for t in a.tiers:
        extra = ""
        if t.score is not None:
            extra = f"，得分 {fmt_exact(t.score.total)}"
        if t.route:
            extra += f"，{'评分' if t.route == 'score' else '直通'}路线"
        lines.append(f"  {t.label}：{t.status.label}（规则集 {t.ruleset}{extra}）")
        for c in t.criteria:
            for leaf in c.leaves():
                if leaf.status.value in ("unmet", "needs_data", "manual_review"):
                    lines.append(f"    - {leaf.status.label}：{leaf.label}（现状 {leaf.value}，要求 {leaf.threshold}）")
    from zjtx_site.vocabulary import TIER_LABELS, next_tier_label

    if a.held:
        lines.append("已持有：" + "、".join(TIER_LABELS[t] for t in a.held))
    if a.ready_to_apply:
        lines.append("可申报：" + "、".join(TIER_LABELS[t] for t in a.ready_to_apply))
    lines.append(f"下一梯度：{next_tier_label(a.next_tier)}")
    t = a.plan_target
    while t is not None:
        when = f"最早 {t.apply_in} 年申报" if t.apply_in else "三年内按现有措施无法达到"
        lines.append(f"规划目标：{TIER_LABELS[t.tier]}（规则集 {t.ruleset}，{when}；"
                     f"最小达标组合 {'、'.join(t.minimal_set) or '无'}）")
        t = t.following
    if a.plan:
        lines.append("培育提升建议：")
        for p in a.plan:
            mark = "★" if p.minimal else " "
            lines.append(f" {mark}{p.id} [{p.area_label} · {p.item}] {p.action}（{p.owner}，{p.due} 前）")
    for f in a.failures:
        lines.append(f"失败：{f}")
    return "\n".join(lines)


def cmd_plugins(args: argparse.Namespace) -> int:
    engine = _engine(args)
    reg = engine.registry
    print("已加载的插件：")
    for p in reg.plugins:
        hooks = "、".join(h.replace("zjtx_register_", "") for h in p.hooks) or "（未实现钩子）"
        print(f"  {p.name}  [{p.origin}] 版本 {p.version}  位置 {p.location}  钩子：{hooks}")
    print("注册内容：")
    for r in reg.all_registrations():
        if r.kind == "metrics":
            continue
        print(f"  {r.kind:<12} {r.key:<18} ← {r.plugin}")
    print(f"  metrics      共 {len(reg.metrics)} 个派生指标")
    return 0


def add_scoring_commands(sub) -> None:
    s = sub.add_parser("score", help="对一个企业数据文件评分（中文摘要或 --json）")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--json", action="store_true", help="输出 JSON（见 score-output 约定）")
    s.add_argument("--rules", metavar="ID", help="强制使用规则集（除创新型中小企业外），用于假设分析")
    s.add_argument("--keep-going", action="store_true", help="插件出错时仍输出结果，并标记为失败")
    s.set_defaults(func=cmd_score)
    s = sub.add_parser("plugins", help="列出已加载的插件、来源、版本和实现的钩子")
    s.set_defaults(func=cmd_plugins)
