"""``zjtx init``: a new, working project folder for an association's own data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STAFF_README = """\
# 专精特新诊断数据仓库

本文件夹保存各企业每轮评估的数据，由 zjtx 工具校验、评分并生成诊断规划报告和内部网站。

## 日常操作

1. 新建企业数据：`zjtx new <企业编号> --round 2026`（企业编号只用小写字母、数字和连字符，例如 gz-ruixin-bio）。
2. 按文件中的中文注释填写 `companies/<企业编号>/<评估轮次>.yaml`。
3. 检查：`zjtx check`。所有问题一次列出，格式为“文件:行:列: 问题说明”。
4. 生成报告与网站：`zjtx build`。数据有错误时不会写入任何内容，上一次的报告和网站保持不变。

## 文件夹

- `companies/`：企业数据，每家企业一个文件夹，每轮评估一个 YAML 文件。只能放这些文件。
- `plugins/`：本协会自己的评分插件（.py 文件），见工具文档“插件”一章。
- `templates/`：可选，放同名模板可覆盖报告模板。
- `content/`：生成的报告（Markdown），请提交到 git，便于审阅每次变化。
- `mkdocs.yml`：网站配置。

联系人、手机、邮箱属于个人信息，只用于内部联系，永远不会出现在报告和网站中。
"""

GITIGNORE = "/site/\n/.zjtx/\n/.zjtx-mkdocs-*.yml\n__pycache__/\n"


def init_project(target: Path) -> list[Path]:
    """Create the project; refuses a folder that already has files in it."""
    from zjtx_site.errors import UsageError

    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} 已存在且不是空文件夹；请换一个新的文件夹名")
    files = {
        target / "companies" / ".gitkeep": "",
        target / "plugins" / "README.md": "# 本地插件\n\n把插件 .py 文件放在这里，zjtx 会按文件路径加载。\n",
        target / "README.md": STAFF_README,
        target / ".gitignore": GITIGNORE,
        target / "mkdocs.yml": resources.files("zjtx_site.website").joinpath("data", "mkdocs.yml").read_text("utf-8"),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)
