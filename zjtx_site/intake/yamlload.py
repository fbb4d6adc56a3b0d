"""Reading company YAML safely, fast, and exactly.

Two parsers, for two jobs. Every file is parsed once with ruamel.yaml's C
parser through the lean builder of :mod:`zjtx_site.intake.fastyaml`; line numbers
are only needed for a file that has a problem, and only then is it parsed a
second time with the (4-5x slower) round-trip loader to place each problem.

Numbers with a fraction are built as ``Decimal`` from the YAML text itself,
so no float ever holds a figure. Dates stay text until the validator checks
them, so ``2026-02-30`` is a message, not a traceback. Custom tags, aliases,
oversized and deeply nested files are refused with a message.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.reader import ReaderError

from zjtx_site.errors import os_error_reason
from zjtx_site.intake import fastyaml
from zjtx_site.intake.fastyaml import BadNumber, DateText  # noqa: F401  (re-exported for validate, scaffold)
from zjtx_site.intake.fields import walk
from zjtx_site.intake.problems import DocPath, Problem
from zjtx_site.intake.schema import COMPANY, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from zjtx_site.intake.typed import colon_lines

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class LoadFailure(Exception):
    """The file cannot be turned into data at all; carries its problems
    (one, or one per line where the cause is on several lines)."""

    def __init__(self, problem: Problem, *more: Problem):
        super().__init__(problem.message)
        self.problem = problem
        self.problems = (problem, *more)


def _construct_date_text(constructor: Any, node: Any) -> str:
    return DateText(node.value)


# add_constructor is a classmethod: registered on ruamel's own class it would
# change every YAML(typ="rt") in the process. A subclass keeps it here.
class _RTConstructor(RoundTripConstructor):
    pass


_RTConstructor.add_constructor(TIMESTAMP_TAG, _construct_date_text)


def _rt_loader() -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _RTConstructor
    return y


# Only used to count nesting events in suspicious files (see _check_nesting).
_EVENTS = YAML(typ="safe", pure=False)

# ruamel's messages are English; staff read Chinese. Known causes first.
_HINTS = (
    ("found duplicate key", "同一个键出现了两次（重复的键），请删除或合并其中一个"),
    ("could not determine a constructor for the tag",
     "不支持的 YAML 标签（如 !!python/object），公司数据只能包含普通的值"),
    # libyaml says "... in this context", the pure-Python parser "... here"
    ("mapping values are not allowed",
     "此处不允许出现“键: 值”，可能是缩进不对，或文本中含有冒号却没有加引号"),
    ("found character '\\t' that cannot start any token", "不能用 Tab 键缩进，请改用空格"),
    ("found character that cannot start any token",
     "此处有不能开始一个值的字符（如 Tab、@、`）；缩进请用空格，以这些字符开头的文本请加引号"),
    ("found undefined alias", "使用了未定义的别名（*）"),
    ("could not find expected ':'", "缺少冒号“:”，或引号没有配对"),
    ("did not find expected key", "缩进不一致，或缺少“-”“:”"),
    ("did not find expected ','", "方括号或花括号没有配对，或各项之间缺少逗号"),
    ("did not find expected node content", "缺少值，或括号没有配对"),
    ("found unexpected end of stream", "文件意外结束，可能是引号或括号没有配对"),
    ("expected <document start>", "文件结构不是一个映射（键: 值），请检查缩进"),
)


def _chinese(problem: str) -> str:
    for needle, text in _HINTS:
        if needle in problem:
            return f"YAML 格式错误：{text}（{problem.strip()}）"
    return f"YAML 格式错误：{problem.strip()}"


# Opening a FIFO waits for a writer, and a symlink may lead to /dev/zero or out
# of the project: a company file is a regular file, opened without following
# a link and without blocking, and read up to the size limit plus one byte.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_BINARY", 0))


def not_regular(path: Path) -> str | None:
    """Why ``path`` is no file to read data from (a link, a FIFO, a device), or None."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None      # the open that follows names the reason
    if stat.S_ISLNK(mode):
        return "是符号链接；企业数据只读取 companies/ 中的普通文件，请把文件本身放在这里"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "不是普通文件（可能是管道、设备或套接字），不会读取"
    return None


def read_bytes(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most ``limit`` bytes of a regular file; refuses links and special files."""
    why = not_regular(path)
    if why:
        raise LoadFailure(Problem(file=shown, message=why))
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise LoadFailure(Problem(file=shown, message=f"无法读取文件：{os_error_reason(exc)}")) from None
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):   # swapped after the check above
            raise LoadFailure(Problem(file=shown, message="不是普通文件，不会读取"))
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise LoadFailure(Problem(
            file=shown,
            message=f"文件过大（超过上限 {limit} 字节）；一家企业一轮的数据不会这么大"))
    return raw


def read_text(path: Path, shown: str) -> str:
    """The file's text; refuses what no company file can be."""
    return decode(read_bytes(path, shown), shown)


def decode(raw: bytes, shown: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadFailure(Problem(file=shown, line=line,
                                  message="文件不是 UTF-8 编码，请用 UTF-8 保存")) from None
    return text


def parse(text: str, shown: str) -> Any:
    """Parse with the fast loader; any failure becomes a LoadFailure."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise LoadFailure(Problem(file=shown, message="文件是空的：应包含一家企业一轮的数据（键: 值 的映射）"))
    try:
        _check_nesting(text, shown)
        data = fastyaml.load(text, max_nodes=MAX_NODES, max_depth=MAX_DEPTH)
    except fastyaml.Refused as exc:
        mark = exc.mark
        raise LoadFailure(Problem(file=shown, line=mark.line + 1, column=mark.column + 1,
                                  message=exc.message)) from None
    except MarkedYAMLError as exc:
        _full_width_colons(text, shown)
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or str(exc)
        if mark and "cannot start any token" in problem and _char_at(text, mark) == "\t":
            problem = "found character '\\t' that cannot start any token"
        raise LoadFailure(Problem(file=shown, line=line, column=col,
                                  message=_chinese(problem))) from None
    except ReaderError as exc:
        # a raw control character: name it and its place, not the parser's offset
        before = text[: exc.position]
        raise LoadFailure(Problem(
            file=shown, line=before.count("\n") + 1, column=exc.position - before.rfind("\n"),
            message=f"文件中有不可见的控制字符 U+{exc.character:04X}，请删除")) from None
    except YAMLError as exc:
        raise LoadFailure(Problem(file=shown, message=_chinese(str(exc)))) from None
    except RecursionError:
        raise LoadFailure(Problem(file=shown, message=f"嵌套层级过深（上限 {MAX_DEPTH} 层）")) from None
    _full_width_colons(text, shown, _KEYS)
    _check_shape(data, shown)
    return data


# every key of the field table: after a clean parse, only these count as keys
_KEYS = frozenset(f.key for _, f in walk(COMPANY))


def _full_width_colons(text: str, shown: str, keys: frozenset[str] | None = None) -> None:
    """A key followed by "：" makes YAML read the line as text: the parser
    notices lines later, or not at all (``niche_years：13`` is then a value).
    Name each such line, with the line as it should read."""
    found = colon_lines(text, keys)
    if found:
        raise LoadFailure(*(Problem(
            file=shown, line=n, column=col,
            message=f"YAML 格式错误：键后面用了全角冒号“：”，YAML 只认半角冒号“:”（后面加一个空格）；改为 {fixed}")
            for n, col, fixed in found)) from None


def load_value(text: str, shown: str) -> Any:
    """One value written in YAML or JSON outside a file (a form's extension
    cell), with the same limits as a file: nesting, size, no tags or aliases."""
    try:
        _check_nesting(text, shown)
        return fastyaml.load(text, max_nodes=MAX_NODES, max_depth=MAX_DEPTH)
    except fastyaml.Refused as exc:
        raise LoadFailure(Problem(file=shown, message=exc.message)) from None
    except YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise LoadFailure(Problem(file=shown, message=_chinese(problem))) from None
    except RecursionError:
        raise LoadFailure(Problem(file=shown, message=f"嵌套层级过深（上限 {MAX_DEPTH} 层）")) from None


def _char_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


# The C composer recurses once per nesting level and takes the interpreter down
# (a segmentation fault, not a RecursionError) somewhere near 100,000 levels,
# which fit in far less than MAX_FILE_BYTES ("[[[[..." or "- - - -...").
_SAFE_NESTING = 1000


def _check_nesting(text: str, shown: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before the composer sees it.

    Each level needs a bracket, or a column of indentation per two levels, so
    a cheap bound clears every ordinary file; only above it are the (iterative)
    parser's events counted."""
    longest = max(map(len, text.splitlines()), default=0)
    if text.count("[") + text.count("{") + 2 * longest + 2 <= _SAFE_NESTING:
        return
    depth = 0
    for event in _EVENTS.parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise LoadFailure(Problem(file=shown, line=mark.line + 1, column=mark.column + 1,
                                          message=f"嵌套层级过深（上限 {MAX_DEPTH} 层）"))
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _check_shape(data: Any, shown: str) -> None:
    """The top level must be a mapping (aliases, size and depth are refused
    while building, in fastyaml)."""
    if not isinstance(data, dict):
        kind = "列表" if isinstance(data, list) else "单个值"
        raise LoadFailure(Problem(file=shown,
                                  message=f"文件顶层应为映射（键: 值），实际是{kind}"))


def locate(text: str, problems: list[Problem]) -> list[Problem]:
    """Give each problem the line and column of the node its path names."""
    pending = [p for p in problems if p.doc_path]
    if not pending:
        return problems
    try:
        root = _rt_loader().load(text)
    except Exception:  # noqa: BLE001 - the fast parse succeeded; keep 1:1 rather than fail
        return problems
    out = []
    for p in problems:
        if p.doc_path:
            line, col = _position(root, p.doc_path, p.at_key)
            p = Problem(file=p.file, message=p.message, severity=p.severity, line=line,
                        column=col, doc_path=p.doc_path, at_key=p.at_key)
        out.append(p)
    return out


def _position(root: Any, path: DocPath, at_key: bool) -> tuple[int, int]:
    node = root
    pos = (0, 0)
    last = len(path) - 1
    for i, part in enumerate(path):
        lc = getattr(node, "lc", None)
        if lc is None:
            break
        if isinstance(node, dict) and part in node:
            child = node[part]
            scalar = child is not None and not isinstance(child, (dict, list))
            use_value = i == last and not at_key and scalar
            pos = lc.value(part) if use_value else lc.key(part)
            node = child
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            pos = lc.item(part)
            node = node[part]
        else:
            break
    return pos[0] + 1, pos[1] + 1
