"""The layout shows the journey: intake → scoring → render → website → build → cli.

No module imports from a later stage (not even inside a function), and no
modules import each other in a circle. The API facade (``zjtx_site/__init__``)
re-exports from scoring and stands apart."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "zjtx_site"
# leaves first; excel is the side door beside the website stage
RANK = {"vocabulary": 0, "version": 0, "errors": 0, "memo": 0, "intake": 1, "scoring": 2, "render": 3,
        "website": 4, "excel": 4, "build": 5, "cli": 6, "__main__": 7}
MAX_LINES = 500


def _module(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zjtx_site"):
            out.append(node.module)
            out += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("zjtx_site")]
    return out


MODULES = {_module(p): p for p in sorted(PKG.rglob("*.py"))}


def test_no_import_runs_back_up_a_stage():
    bad = []
    for mod, path in MODULES.items():
        wing = _wing(mod)
        if wing is None:             # the facade
            continue
        for target in _imports(path):
            other = _wing(target)
            if other is None or other not in RANK:
                continue
            if RANK[other] > RANK[wing]:
                bad.append(f"{mod} -> {target}")
    assert not bad, "imports from a later stage:\n" + "\n".join(bad)


def test_no_circle_of_module_imports():
    graph = {m: {t for t in _imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        seen[m] = 1
        stack.append(m)
        for t in sorted(graph[m]):
            if seen.get(t) == 1:
                raise AssertionError("circle: " + " -> ".join(stack[stack.index(t):] + [t]))
            if t not in seen:
                visit(t)
        stack.pop()
        seen[m] = 2

    for m in sorted(graph):
        if m != "zjtx_site" and m not in seen:
            visit(m)


def test_build_only_wires_and_modules_stay_small():
    assert len((PKG / "build.py").read_text("utf-8").splitlines()) < 120
    big = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py")
           if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"
