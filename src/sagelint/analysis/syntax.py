"""Which Python's syntax a file is judged by (SM001).

Code is a syntax error only if no Python that sagelint supports accepts it. CPython's compiler
(the one running sagelint) goes first: it is fast, gives the right position, and refuses the
pathologically deep code on which LibCST's native parser overflows its stack. When it refuses
code that a newer Python accepts (LibCST's parser knows the newer grammar: PEP 701 f-strings
such as `f"{d["k"]}"`, `type X = ...`), that code is not a syntax error, unless the setting
`target-version` says the code is for a Python no newer than this one. When it accepts code,
`target-version` may still be older than the running Python: the constructs newer than the
target are then reported.
"""

from __future__ import annotations

import ast
import sys
import warnings
from typing import TYPE_CHECKING, Iterator, List, Optional, Tuple, Union

from sagelint.records import frozen_record

if TYPE_CHECKING:
    import libcst as cst

Version = Tuple[int, int]
OLDEST: Version = (3, 9)
NEWEST: Version = (3, 14)
TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(OLDEST[1], NEWEST[1] + 1))
# CPython's own refusals of deep or huge code: never handed to LibCST (see engine.py). An
# integer literal of more than 4,300 digits is refused by every supported Python (the
# conversion limit of CVE-2020-10735): a syntax error, not newer syntax.
_TOO_DEEP = ("too many nested", "too complex", "too deeply nested", "null byte", "Exceeds the limit")
# A line this long may be a chain of thousands of operators: LibCST is not asked about it.
_LONGEST_LINE = 5000

Rejection = Tuple[int, int, str]  # 1-based row and column, reason

# Memory (bench/memory.py; the engine enforces it): CPython's syntax tree costs about 160
# bytes per byte of code and LibCST's about 650 per character it parses. So a module (a file, a notebook's code) longer
# than programs.MAX_CODE_BYTES is not parsed at all, and one whose statements that may reach a
# SageMaker call (what pruning keeps) hold more than MAX_PARSED_CHARS characters other than
# white space is not handed to LibCST: together under 1 GB of peak memory. Both are far above
# any hand-written SageMaker script; what exceeds them is generated code.
MAX_PARSED_CHARS = 512 * 1024



def parse_target(value: str) -> Optional[Version]:
    """`"py312"` -> (3, 12); None for what is not one of TARGET_VERSIONS."""
    if value not in TARGET_VERSIONS:
        return None
    return (3, int(value[3:]))


def rejection(text: str, error: BaseException) -> Tuple[int, int, str]:
    """(row, column, reason), 1-based, of CPython's compiler refusing the source."""
    offset = text.find("\0")
    if offset >= 0:  # CPython names no position for it (a ValueError before 3.12)
        row = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return row, column, "source contains a null byte"
    if isinstance(error, SyntaxError):
        return max(error.lineno or 1, 1), max(error.offset or 1, 1), error.msg
    if isinstance(error, (RecursionError, MemoryError)):
        return 1, 1, "too deeply nested for the Python compiler"
    return 1, 1, str(error)


@frozen_record  # made for every file checked (sagelint.records)
class Verdict:
    """What CPython's compiler said of a text."""

    tree: Optional[ast.Module]  # CPython's tree; None when only a newer Python accepts it
    rejection: Optional[Rejection] = None  # set: SM001
    # Only a newer Python accepts it: LibCST's module of the text, parsed to know that (the
    # engine uses it rather than parse the text a second time).
    module: Optional["cst.Module"] = None


def judge(
    text: str,
    flags: int = 0,
    target: Optional[Version] = None,
    running: Version = sys.version_info[:2],
    newer_grammar: bool = True,
) -> Verdict:
    """Whether some Python allowed by `target` (any supported one by default) accepts the
    code. `running` is the Python whose compiler this is (a parameter so tests can say what
    another Python would decide). With `newer_grammar` false, only that compiler is asked: a
    rejection may then be code a newer Python accepts (what LibCST would tell, at the cost
    of parsing the whole text)."""
    try:
        tree = _kept_tree(text, flags) if running == sys.version_info[:2] else None
        if tree is None:
            with warnings.catch_warnings():  # the user's "\d" is not our message to print
                warnings.simplefilter("ignore")
                tree = compile(
                    text, "<sagelint>", "exec", ast.PyCF_ONLY_AST | flags, dont_inherit=True
                )
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        refused = rejection(text, error)
        if newer_grammar and (target is None or target > running):
            module = _newer_python_accepts(text, error)
            if module is not None:
                return Verdict(None, module=module)
        return Verdict(None, refused)
    if target is not None and target < running:
        newer = first_newer_construct(tree, text, target)
        if newer is not None:
            return Verdict(tree, newer)
    return Verdict(tree)


def _kept_tree(text: str, flags: int) -> Optional[ast.Module]:
    """The tree joined from kept chunks, when the language server keeps them
    (sagelint.analysis.front); None: compile the text. The compiler's error when the
    memo compiled the whole text."""
    from sagelint.analysis import front

    kept = front.current()
    if kept is None:
        return None
    from sagelint.analysis.prune import rows_of

    return kept.tree(text, rows_of(text), flags)


def _newer_python_accepts(text: str, error: BaseException) -> Optional["cst.Module"]:
    """LibCST's module of code CPython refused, when LibCST (which reads newer grammar)
    accepts it; None otherwise."""
    if not isinstance(error, SyntaxError) or any(word in str(error.msg) for word in _TOO_DEEP):
        return None
    if any(len(line) > _LONGEST_LINE for line in text.splitlines()):
        return None
    if len(text) > MAX_PARSED_CHARS:  # LibCST's tree of it would take gigabytes
        return None
    import libcst as cst

    try:
        return cst.parse_module(text)
    except Exception:  # noqa: BLE001 - any refusal (a parser or a node validation error) is "no"
        return None


def first_newer_construct(tree: ast.Module, text: str, target: Version) -> Optional[Rejection]:
    """The first construct (in source order) that Python `target` does not accept."""
    found = [
        (node.lineno, node.col_offset + 1, f"{what} needs Python {major}.{minor}")
        for node, what, (major, minor) in _constructs(tree, text)
        if (major, minor) > target
    ]
    if not found:
        return None
    row, column, reason = min(found)
    return row, column, f"{reason} (target-version is py{target[0]}{target[1]})"


def _constructs(tree: ast.Module, text: str) -> Iterator[Tuple[Union[ast.stmt, ast.expr], str, Version]]:
    """The constructs newer than Python 3.9 in a tree, with the version that brought them."""
    lines = text.splitlines()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.expr)):
            continue
        # Kinds this Python may not have are known by their names.
        if type(node).__name__ == "Match":
            yield node, "a `match` statement", (3, 10)
        elif type(node).__name__ == "TryStar":
            yield node, "`except*`", (3, 11)
        elif isinstance(node, ast.Subscript) and _starred_subscript(node):
            yield node, "a starred subscript", (3, 11)
        elif type(node).__name__ == "TypeAlias":
            yield node, "a `type` statement", (3, 12)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            params = getattr(node, "type_params", None) or []
            if params:
                yield node, "type parameters", (3, 12)
            if any(getattr(param, "default_value", None) is not None for param in params):
                yield node, "a type parameter default", (3, 13)
        elif isinstance(node, ast.JoinedStr) and _reuses_its_quote(node, lines):
            yield node, "an f-string that reuses its quote inside `{}`", (3, 12)
        elif type(node).__name__ == "TemplateStr":
            yield node, "a t-string", (3, 14)


def _starred_subscript(node: ast.Subscript) -> bool:
    index = node.slice
    elements = index.elts if isinstance(index, ast.Tuple) else [index]
    return any(isinstance(element, ast.Starred) for element in elements)


def _reuses_its_quote(node: ast.JoinedStr, lines: List[str]) -> bool:
    """A PEP 701 f-string (`f"{d["k"]}"`): only Python 3.12 and newer read one. Before 3.12
    the tokenizer ends the string at its own quote, so an f-string that holds its quote
    inside a replacement field is newer syntax."""
    if node.end_lineno is None or node.lineno != node.end_lineno:
        return False  # spans lines: not judged
    segment = lines[node.lineno - 1][node.col_offset:node.end_col_offset]
    body = segment.lstrip("rRfFbBuU")
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    if quote not in ('"', "'", '"""', "'''"):
        return False
    depth, i = 0, len(quote)
    while i < len(body):
        if body.startswith(quote, i):
            if depth > 0:
                return True
            return False  # the end of the first literal: what follows is another one
        char = body[i]
        if char in "{}" and depth == 0 and body.startswith(char * 2, i):
            i += 2  # `{{` and `}}` are literal braces
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == "\\" and depth == 0:
            i += 1
        i += 1
    return False
