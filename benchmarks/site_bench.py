"""Site build at scale (issue 14): generated portfolios of 300 and 1,000 companies.

Every time is the CPU (user + system, the build's child processes included)
of a command run as staff run it, and every ratio is to a bare mkdocs build
of the same pages (``mkdocs build --strict`` of the same content/, nothing
else). Cold builds and bare builds run in alternating pairs (cold, bare,
bare, cold, cold, bare) and each figure is the median of three; rebuilds are
compared with the median bare build of the same size. Printed:

  cold            zjtx build from nothing (validate, score, render, charts, site)
  rebuild mkdocs  zjtx build after one company file changed (incremental: the other files'
                  validation and scores come from .zjtx/memo, their pages are reused)
  rebuild zens.   the same with --engine zensical (its cache warm)
  zensical        Zensical alone building the same pages (in a folder of its own: its cache
                  is not zjtx's), then again with its cache after one report changed; and
                  zjtx build --engine zensical after the mkdocs builds (content reused)
  chart           CPU per chart drawn in this process, mean SVG size (and per kind)
  content/        bytes per 100 companies (one round each), charts included
  search index    the index file(s) in site/search/
  portfolio       portfolio.html as first loaded (its rows script is loaded on demand)

Targets: cold ≤ 2.5×, rebuild ≤ 1.0× (mkdocs) and ≤ 0.2× (Zensical), chart ≤ 20 ms
and ≤ 3.5 KB, content/ ≤ 3 MB per 100 companies, index ≤ 6 MB, portfolio ≤ 150 KB.
Run: make bench   (or .venv/bin/python benchmarks/site_bench.py [N ...] [--reps 3])
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENV = {**os.environ, "ZJTX_PLUGINS": "", "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}


def generate(root: Path, n: int) -> None:
    """n companies, one round each, from the examples, each with a name of its own."""
    examples = sorted((ROOT / "companies").glob("*/*.yaml"))
    for i in range(n):
        src = examples[i % len(examples)]
        text = re.sub(r"^(  name: .*?)有限公司", rf"\g<1>{i:04d}有限公司", src.read_text("utf-8"),
                      count=1, flags=re.MULTILINE)
        folder = root / "companies" / f"gen-{i:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / src.name).write_text(text, "utf-8")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")


def timed(cmd: list[str], cwd: Path) -> float:
    """CPU seconds of ``cmd`` and every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def zjtx(root: Path, *args: str) -> float:
    return timed([sys.executable, "-m", "zjtx_site", "-C", str(root), "build", *args], root)


def cold(root: Path) -> float:
    for name in ("content", "site", ".zjtx"):
        shutil.rmtree(root / name, ignore_errors=True)
    return zjtx(root)


def bare_mkdocs(root: Path) -> float:
    from zjtx_site.website.mkdocs import mkdocs_config

    docs, site = root / "bare-docs", root / "bare-site"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(root / "content", docs)
    cfg = mkdocs_config(root, docs, site)
    try:
        return timed([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(cfg)], root)
    finally:
        cfg.unlink()


def bare_zensical(root: Path) -> tuple[float, float]:
    """Zensical alone on the same pages, in a folder of its own, so that its cache is not
    the one zjtx keeps (.zjtx/.cache): a build from nothing, then, its cache warm, the same
    build after one report changed."""
    from zjtx_site.website.engines import zensical_config

    work = root / "bare-zensical"
    shutil.rmtree(work, ignore_errors=True)
    docs, out = work / "docs", work / "site"
    shutil.copytree(root / "content", docs)
    cmd = [sys.executable, "-m", "zensical", "build", "--strict", "-f",
           str(zensical_config(root, docs, out, work / "zensical.yml"))]
    cold = timed(cmd, root)
    report = next(docs.glob("companies/gen-0007/*.md"))
    report.write_text(report.read_text("utf-8") + "\n补充一句。\n", "utf-8")
    return cold, timed(cmd, root)


def touch_one_company(root: Path, k: int) -> None:
    """A one-company change: one more year in the niche each time, so that no version of the
    file (nor of its pages) comes back that a cache may still hold."""
    f = next((root / "companies").glob("gen-0007/*.yaml"))
    text = f.read_text("utf-8")
    m = re.search(r"niche_years: (\d+)", text)
    years = int(m.group(1)) + 1
    f.write_text(text[: m.start(1)] + str(years) + text[m.end(1):], "utf-8")


def chart_kinds(root: Path, companies: int = 150) -> dict[str, tuple[int, float, float]]:
    """Per kind of chart (radar, trend …): (charts, ms of CPU per chart, bytes per chart)
    for the charts of the first companies, drawn in this process as a build's worker
    draws them."""
    from zjtx_site.intake.loader import load_project
    from zjtx_site.render.pages import Chart
    from zjtx_site.render.site import render_site
    from zjtx_site.scoring.engine import assess, make_engine

    engine = make_engine(root)
    data = load_project(root)
    picked = sorted(data.companies, key=lambda c: c.company_id)[:companies]
    jobs = [o for o in render_site(root, engine, [assess(engine, c) for c in picked]) if isinstance(o, Chart)]
    for kind in {job.kind: job for job in jobs}.values():
        kind.draw()                                   # importing matplotlib, a first figure: not a chart's cost
    cpu: dict[str, float] = {}
    sizes: dict[str, list[int]] = {}
    for job in jobs:
        t0 = time.process_time()
        sizes.setdefault(job.kind, []).append(len(job.draw()))
        cpu[job.kind] = cpu.get(job.kind, 0.0) + time.process_time() - t0
    return {kind: (len(ns), cpu[kind] / len(ns) * 1000, sum(ns) / len(ns)) for kind, ns in sorted(sizes.items())}


def chart_figures(root: Path, companies: int = 150) -> tuple[float, float]:
    """(ms of CPU per chart, bytes per chart) over every kind (:func:`chart_kinds`)."""
    kinds = chart_kinds(root, companies).values()
    count = sum(n for n, _, _ in kinds)
    return sum(n * ms for n, ms, _ in kinds) / count, sum(n * size for n, _, size in kinds) / count


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def median_pairs(root: Path, reps: int) -> tuple[float, float]:
    colds, bares = [], []
    for k in range(reps):
        order = (("cold", "bare") if k % 2 == 0 else ("bare", "cold"))
        for what in order:
            if what == "cold":
                colds.append(cold(root))
            else:
                if not (root / "content").is_dir():
                    cold(root)
                bares.append(bare_mkdocs(root))
    return statistics.median(colds), statistics.median(bares)


def measure(n: int, reps: int, zensical: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, n)
        print(f"\n== {n} companies (one round each), medians of {reps}; CPU seconds ==", flush=True)
        c, bare = median_pairs(root, reps)
        rows = [("cold build", c, c / bare, "≤ 2.5"), ("bare mkdocs (baseline)", bare, 1.0, "")]
        rebuilds = []
        for k in range(reps):
            touch_one_company(root, k)
            rebuilds.append(zjtx(root))
        r = statistics.median(rebuilds)
        rows.append(("rebuild, 1 company (mkdocs)", r, r / bare, "≤ 1.0"))
        content = tree_bytes(root / "content")
        index = sum(p.stat().st_size for p in (root / "site" / "search").iterdir())
        portfolio = (root / "site" / "portfolio.html").stat().st_size
        rows_script = root / "content" / "assets" / "portfolio-rows-portfolio.js"
        if zensical:
            zc = zjtx(root, "--engine", "zensical")
            zs_bare, zs_warm = bare_zensical(root)
            zr = []
            for k in range(reps):
                touch_one_company(root, k + 1)
                zr.append(zjtx(root, "--engine", "zensical"))
            z = statistics.median(zr)
            rows += [("zensical alone, same pages", zs_bare, zs_bare / bare, ""),
                     ("zensical alone, 1 page changed (cache warm)", zs_warm, zs_warm / bare, ""),
                     ("zjtx build --engine zensical (content reused)", zc, zc / bare, ""),
                     ("rebuild, 1 company (zensical)", z, z / bare, "≤ 0.2")]
        kinds = chart_kinds(root)
        count = sum(k[0] for k in kinds.values())
        ms = sum(n * m for n, m, _ in kinds.values()) / count
        size = sum(n * b for n, _, b in kinds.values()) / count
        for name, secs, ratio, target in rows:
            print(f"{name:48s} {secs:8.1f} s   {ratio:5.2f}× bare   {target}")
        print(f"{'chart (CPU, mean of the first 150 companies)':48s} {ms:8.1f} ms  {size / 1024:5.1f} KB   "
              "≤ 20 ms, ≤ 3.5 KB")
        for kind, (charts, m, b) in kinds.items():
            print(f"{'  ' + kind + f' ({charts})':48s} {m:8.1f} ms  {b / 1024:5.1f} KB")
        print(f"{'content/ per 100 companies':48s} {content / n * 100 / 1e6:8.2f} MB   (all: {content / 1e6:.1f} MB)"
              "   ≤ 3 MB")
        print(f"{'search index (site/search/)':48s} {index / 1e6:8.2f} MB   ≤ 6 MB at 1,000")
        print(f"{'portfolio.html, first screen':48s} {portfolio / 1024:8.1f} KB"
              + (f"   (rows script {rows_script.stat().st_size / 1024:.0f} KB, on demand)"
                 if rows_script.is_file() else "") + "   ≤ 150 KB")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("sizes", nargs="*", type=int, default=[300, 1000])
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--no-zensical", action="store_true")
    args = p.parse_args()
    import importlib.util

    zensical = not args.no_zensical and importlib.util.find_spec("zensical") is not None
    if not zensical:
        print("Zensical not installed (pip install 'zjtx-site[zensical]'): its figures are left out")
    for n in args.sizes:
        measure(n, args.reps, zensical)


if __name__ == "__main__":
    main()
