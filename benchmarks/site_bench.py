"""Site build at scale (issue 5): 1,000 generated companies.

Prints, measured in the same run:
  cold      zjtx build from nothing (validate, score, render, charts, mkdocs)
  bare      mkdocs build --strict of the same Markdown alone (the baseline)
  rebuild   zjtx build after one company file changed
  pages     average HTML page size in site/, and the largest
Targets: cold ≤ 3× bare, rebuild ≤ 1.3× bare, average page < 100 KB.
Run: make bench   (or .venv/bin/python benchmarks/site_bench.py [N])
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zjtx_site.build import build  # noqa: E402
from zjtx_site.website.mkdocs import mkdocs_config  # noqa: E402


def generate(root: Path, n: int) -> None:
    examples = sorted((ROOT / "companies").glob("*/*.yaml"))
    for i in range(n):
        src = examples[i % len(examples)]
        text = src.read_text("utf-8")
        # a distinct name per company, so pages and search entries differ
        text = text.replace("有限公司", f"{i:04d}有限公司", 1)
        folder = root / "companies" / f"gen-{i:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / src.name).write_text(text, "utf-8")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bare_mkdocs(root: Path) -> float:
    docs = root / "bare-docs"
    site = root / "bare-site"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(root / "content", docs)
    cfg = mkdocs_config(root, docs, site)
    # the same command zjtx build runs (build.run_mkdocs), on the same Markdown
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    t = timed(lambda: subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(cfg)],
                                     cwd=root, check=True, capture_output=True, env=env))
    cfg.unlink()
    return t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, n)
        cold = timed(lambda: build(root))
        bare = bare_mkdocs(root)
        victim = next((root / "companies").glob("gen-0007/*.yaml"))
        victim.write_text(victim.read_text("utf-8").replace("niche_years: ", "niche_years: 1", 1)
                          if "niche_years: 1" not in victim.read_text("utf-8")
                          else victim.read_text("utf-8").replace("niche_years: 1", "niche_years: ", 1), "utf-8")
        result = {}
        rebuild = timed(lambda: result.setdefault("r", build(root)))
        pages = sorted((root / "site").rglob("*.html"), key=lambda p: p.stat().st_size)
        sizes = [p.stat().st_size for p in pages]
        index = root / "site" / "search" / "search_index.json"
        print(f"companies: {n}, HTML pages: {len(pages)}")
        print(f"cold build      {cold:8.1f} s   ratio to bare {cold / bare:5.2f}  (target ≤ 3.0)")
        print(f"bare mkdocs     {bare:8.1f} s")
        print(f"rebuild (1 co.) {rebuild:8.1f} s   ratio to bare {rebuild / bare:5.2f}  (target ≤ 1.3)"
              f"   re-rendered {result['r'].rendered} files, reused {result['r'].reused}")
        print(f"average page    {sum(sizes) / len(sizes) / 1024:8.1f} KB  (target < 100 KB); "
              f"largest {sizes[-1] / 1024:.1f} KB ({pages[-1].relative_to(root / 'site')})")
        if index.is_file():
            print(f"search index    {index.stat().st_size / 1024:8.1f} KB")


if __name__ == "__main__":
    main()
