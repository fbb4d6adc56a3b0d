"""Finding, loading and checking plugins; the registry of what they provide.

pluggy discovers, the host runs: we call each plugin's ``register_*`` hook
ourselves, so every registration is attributed to its plugin and checked
(type, key, duplicates) before any company is scored.

Discovery order: built-ins, installed packages (entry-point group
``zjtx_site``), then the project's ``plugins/*.py`` loaded by file path.
``ZJTX_PLUGINS`` (comma-separated names) is an allow-list for installed
packages (by entry-point name) and local plugins (``local:<file stem>``);
set it to an empty string to load none, as tests do. A name in it that
matches no plugin is an error, not a silent skip.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from zjtx_site.errors import PluginError
from zjtx_site.scoring import hookspecs
from zjtx_site.scoring.describe import check as check_descriptions
from zjtx_site.scoring.guard import FAULTS
from zjtx_site.scoring.metrics import Metric
from zjtx_site.scoring.plan.catalogue import Measure, measure_from_dict
from zjtx_site.scoring.sources import digest_of, local_digest, object_digest
from zjtx_site.version import __version__
from zjtx_site.vocabulary import DIMENSIONS

ENTRY_POINT_GROUP = "zjtx_site"
ALLOW_ENV = "ZJTX_PLUGINS"
# Built-ins are plugins too, registered through the same hooks as outside ones.
# Each dimension evaluator is a plugin of its own.
BUILTIN_MODULES = (
    "zjtx_site.scoring.builtin.metrics",
    "zjtx_site.scoring.builtin.grading",
    "zjtx_site.scoring.builtin.rulesets",
    "zjtx_site.scoring.builtin.plan",
)
KINDS = ("dimensions", "metrics", "rulesets", "grader", "plan_makers", "measures")




@dataclass(frozen=True)
class PluginInfo:
    name: str
    origin: str          # "内置" | "已安装包" | "本地插件"
    version: str
    location: str
    hooks: tuple[str, ...]
    digest: str = ""     # of the plugin's source files, by content (see sources.py)


@dataclass(frozen=True)
class Registration:
    kind: str
    key: str
    obj: Any
    plugin: str


@dataclass
class Registry:
    """What the loaded plugins provide, each entry attributed to its plugin."""

    plugins: list[PluginInfo] = field(default_factory=list)
    dimensions: dict[str, Registration] = field(default_factory=dict)
    metrics: dict[str, Registration] = field(default_factory=dict)
    rulesets: dict[str, Registration] = field(default_factory=dict)
    grader: dict[str, Registration] = field(default_factory=dict)
    plan_makers: dict[str, Registration] = field(default_factory=dict)
    allow: str = "*"     # the allow-list in force, normalised ("*": none set)
    measures: dict[str, Registration] = field(default_factory=dict)

    def metric_table(self) -> dict[str, Metric]:
        return {k: r.obj for k, r in self.metrics.items()}

    def all_registrations(self) -> list[Registration]:
        out = []
        for kind in KINDS:
            out += sorted(getattr(self, kind).values(), key=lambda r: r.key)
        return out

    def digest(self) -> str:
        """Everything about the plugin set a page may depend on: the allow-list and each
        loaded plugin's name, origin, version and source digest. Part of every reuse key."""
        return digest_of([f"allow={self.allow}",
                          *(f"{p.name}|{p.origin}|{p.version}|{p.digest}" for p in self.plugins)])


def is_builtin(name: str) -> bool:
    """Whether a plugin name is one of the tool's own (they register like outside ones)."""
    return name.startswith("zjtx_site.scoring.builtin.")


def _key_of(kind: str, obj: Any) -> str:
    if kind == "metrics":
        if not isinstance(obj, Metric):
            raise TypeError("应注册 zjtx_site.scoring.metrics.Metric 实例")
        return obj.name
    if kind == "measures":
        if not isinstance(obj, Measure):
            raise TypeError("应注册 Measure（或 measures.yaml 格式的映射）")
        return obj.id
    if kind == "rulesets":
        if not isinstance(obj, (str, Path)) and not hasattr(obj, "read_text"):
            raise TypeError("应注册规则集 YAML 文件路径")
        from zjtx_site.scoring.rules import load_ruleset_file

        data = load_ruleset_file(Path(obj) if isinstance(obj, str) else obj)
        if not isinstance(data, dict) or "id" not in data:
            raise TypeError(f"规则集文件 {obj} 缺少 id")
        return str(data["id"])
    key = getattr(obj, "key", None)
    if not isinstance(key, str):
        raise TypeError("注册对象缺少字符串属性 key")
    if kind == "dimensions":
        if key not in DIMENSIONS:
            raise TypeError(f"未知的维度 {key}；可选：{', '.join(DIMENSIONS)}")
        if not callable(getattr(obj, "evaluate", None)):
            raise TypeError("维度评价器缺少 evaluate(company, metrics) 方法")
    # every page describes what is registered: describe() is part of the contract
    required = {"dimensions": ("describe",), "grader": ("grade", "level_for", "describe"),
                "plan_makers": ("make", "describe")}.get(kind, ())
    missing = [m for m in required if not callable(getattr(obj, m, None))]
    if missing:
        what = {"dimensions": "维度评价器", "grader": "分级器", "plan_makers": "规划生成器"}[kind]
        raise TypeError(f"{what}缺少方法 {'、'.join(m + '()' for m in missing)}（见 docs/plugins.md）")
    return key


def _register_into(reg: Registry, kind: str, plugin: str) -> Callable[..., None]:
    table: dict[str, Registration] = getattr(reg, kind)

    def register(obj: Any, *, replace: bool = False) -> None:
        try:
            if kind == "measures":
                if isinstance(obj, Mapping):
                    obj = measure_from_dict(obj, f"插件 {plugin} 注册的培育措施 {obj.get('id', '')}")
                if isinstance(obj, Measure):
                    obj = dataclasses.replace(obj, plugin=plugin)
            key = _key_of(kind, obj)
        except (TypeError, OSError, ValueError) as exc:
            raise PluginError(f"插件 {plugin} 注册的{kind}无效：{exc}") from None
        old = table.get(key)
        if old is not None:
            if not is_builtin(old.plugin) and old.plugin != plugin:
                raise PluginError(f"插件 {plugin} 与插件 {old.plugin} 都要提供{kind} “{key}”，只能保留一个")
            if not replace:
                raise PluginError(f"插件 {plugin} 重复注册了{kind} “{key}”（已由插件 {old.plugin} 注册）；"
                                  "如需替换内置实现，请使用 register(..., replace=True)")
        table[key] = Registration(kind, key, obj, plugin)
    return register


def _load_local(path: Path) -> Any:
    # Loaded by file path under a private package name, so a project's
    # plugins/ folder never shadows an installed package called "plugins".
    name = f"zjtx_local_plugins.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"无法加载本地插件 {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _allow_list() -> set[str] | None:
    allow = os.environ.get(ALLOW_ENV)
    if allow is None:
        return None
    return {x.strip() for x in allow.split(",") if x.strip()}


def _allowed(name: str) -> bool:
    allow = _allow_list()
    return allow is None or name in allow


def _check_allow_list(installed: set[str]) -> None:
    unknown = sorted((_allow_list() or set()) - installed)
    if unknown:
        raise PluginError(f"环境变量 {ALLOW_ENV} 中的 {', '.join(unknown)} 没有对应的已安装插件；"
                          f"已安装：{', '.join(sorted(installed)) or '无'}")


def load(project: Path | None = None, extra: list[tuple[str, Any]] | None = None) -> Registry:
    """Load every plugin and return the checked registry.

    ``extra`` adds (name, plugin object) pairs, for tests and embedding."""
    pm = pluggy.PluginManager("zjtx_site")
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []

    def add(obj: Any, name: str, origin: str, version: str, location: str, source: str) -> None:
        try:
            pm.register(obj, name=name)
        except ValueError as exc:
            raise PluginError(f"插件 {name} 无法注册：{exc}") from None
        # pluggy ignores functions without @hookimpl: a forgotten marker, or a
        # misspelled hook without one, would otherwise do nothing silently.
        unmarked = [n for n in dir(obj) if n.startswith("zjtx_") and callable(getattr(obj, n, None))
                    and pm.parse_hookimpl_opts(obj, n) is None]
        if unmarked:
            raise PluginError(f"插件 {name} 的 {', '.join(unmarked)} 没有用 @hookimpl 标记"
                              f"（前缀 zjtx_ 留给钩子；可用钩子：{', '.join(_hook_names())}）")
        infos.append(PluginInfo(name, origin, version, location, (), source))

    for modname in BUILTIN_MODULES:
        module = importlib.import_module(modname)
        add(module, modname, "内置", __version__, modname, object_digest(module))
    from zjtx_site.scoring.builtin.dimensions import builtin_dimension_plugins

    for plugin in builtin_dimension_plugins():
        name = f"zjtx_site.scoring.builtin.dimension.{plugin.key}"
        add(plugin, name, "内置", __version__, "zjtx_site/scoring/data/dimensions.yaml", object_digest(plugin))
    found = sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    local = sorted((project / "plugins").glob("*.py")) if project is not None and (project / "plugins").is_dir() else []
    _check_allow_list({ep.name for ep in found} | {f"local:{p.stem}" for p in local})
    for ep in found:
        if not _allowed(ep.name):
            continue
        try:
            obj = ep.load()
        except FAULTS as exc:  # any import failure is the plugin's, sys.exit() at import too
            raise PluginError(f"无法加载插件 {ep.name}（{ep.value}）：{_fault(exc)}") from None
        dist = ep.dist
        add(obj, ep.name, "已安装包", dist.version if dist else "?", ep.value, object_digest(obj, dist))
    for path in local:
        if not _allowed(f"local:{path.stem}"):
            continue
        try:
            obj = _load_local(path)
        except PluginError:
            raise
        except FAULTS as exc:
            raise PluginError(f"无法加载本地插件 {path}：{_fault(exc)}") from None
        # local files by content: editing the file is a new version of the plugin
        add(obj, f"local:{path.stem}", "本地插件", "-", str(path), local_digest(path))
    for name, obj in extra or ():
        add(obj, name, "附加", "-", repr(obj), object_digest(obj))

    try:
        pm.check_pending()
    except pluggy.PluginValidationError:
        # pluggy's message names the plugin object, not the name users know it by
        bad = "；".join(f"插件 {p} 的 {h}" for p, h in _unknown_hooks(pm))
        raise PluginError(f"实现了未定义的钩子：{bad}（钩子名是否拼错？可用钩子：{', '.join(_hook_names())}）") from None

    reg = Registry()
    hooked: dict[str, list[str]] = {}
    for kind in KINDS:
        caller = getattr(pm.hook, f"zjtx_register_{kind}")
        # Built-ins first so outside plugins can replace them.
        impls = sorted(caller.get_hookimpls(), key=lambda i: (not is_builtin(i.plugin_name), i.plugin_name))
        for impl in impls:
            hooked.setdefault(impl.plugin_name, []).append(f"zjtx_register_{kind}")
            try:
                impl.function(register=_register_into(reg, kind, impl.plugin_name))
            except PluginError:
                raise
            except FAULTS as exc:
                raise PluginError(f"插件 {impl.plugin_name} 的 zjtx_register_{kind} 出错：{_fault(exc)}") from None
    reg.plugins = [PluginInfo(i.name, i.origin, i.version, i.location, tuple(hooked.get(i.name, ())), i.digest)
                   for i in infos]
    allow = _allow_list()
    reg.allow = "*" if allow is None else ",".join(sorted(allow))
    _check_coverage(reg)
    return reg


def _fault(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"加载时调用了 sys.exit({exc.code!r})"
    return f"{type(exc).__name__}: {exc}"


def _unknown_hooks(pm: pluggy.PluginManager) -> list[tuple[str, str]]:
    return sorted((impl.plugin_name, name) for name, caller in vars(pm.hook).items()
                  if not name.startswith("_") and not caller.has_spec()
                  for impl in caller.get_hookimpls() if not impl.optionalhook)


def _hook_names() -> list[str]:
    return sorted(n for n in dir(hookspecs) if n.startswith("zjtx_register_"))


def _check_coverage(reg: Registry) -> None:
    missing = [d for d in DIMENSIONS if d not in reg.dimensions]
    if missing:
        have = ", ".join(f"{k}（{r.plugin}）" for k, r in sorted(reg.dimensions.items())) or "无"
        raise PluginError(f"缺少维度评价器：{', '.join(missing)}；已安装：{have}；应有：{', '.join(DIMENSIONS)}")
    if "grading" not in reg.grader:
        raise PluginError("缺少分级器（grading）")
    if "plan" not in reg.plan_makers:
        raise PluginError("缺少规划生成器（plan）")
    check_descriptions(reg)
    for need in ("miit-2022", "miit-2026"):
        if need not in reg.rulesets:
            raise PluginError(f"缺少规则集 {need}")
