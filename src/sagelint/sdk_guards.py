"""Version-guarded branches: the part of the admitted set a branch runs with (RULES.md SM6,
"Applies to": code guarded by a version test the resolver reads is checked against that
branch's part of A).

A test is read when it computes on the SDK's own version string: `sagemaker.__version__`
(after `import sagemaker`, or `from sagemaker import __version__`) or
`importlib.metadata.version("sagemaker")`, through `str` methods (`startswith`, `split`,
...), indexing and slicing, `int(...)`, `packaging.version.parse` / `Version`, the
attributes of a parsed version, comparisons, `not`, `and` and `or`. Such a test is not
approximated: it is compiled into a small function and run on the version string of every
admitted release, with Python's own semantics (so `sagemaker.__version__ >= "3"` is read
as the string comparison it is). Per release a test is true, false, raising, or unknown
(a part sagelint does not read, `USE_V2 and ...`): the body of an `if` (or the first arm of
a conditional expression) gets the releases where the test is true or unknown, the `else`
(and so an `elif`) those where it is false or unknown. A release where the test raises runs
neither: SDK v3's `sagemaker` is a namespace package with no `__version__` (sagemaker-core's
own `parse_sagemaker_version` catches the AttributeError), so a guard on
`sagemaker.__version__` runs no branch under 3.x. A test that reads no SDK version, or
that is unknown in every release, narrows nothing (today's behaviour). An empty part is
code that is dead under A: every SM6 rule is silent there.
"""

from __future__ import annotations

import builtins
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, List, Optional, Tuple

import libcst as cst
from packaging.version import InvalidVersion, Version

from sagelint.analysis.bindings import Bindings, DefKind

if TYPE_CHECKING:
    from sagelint.sdk_versions import Admitted

# A compiled expression: release string -> value. Raises `_Raises` where Python would raise,
# `_Unread` where sagelint does not know the value.
Compiled = Callable[[str], object]


class _Unread(Exception):
    """The value is not known (a name sagelint does not follow)."""


class _Raises(Exception):
    """The expression raises in this release."""


class _NotRead(Exception):
    """The expression has a shape the reader does not handle (compile time)."""


# Per release: True, False, None (unknown) or RAISES.
RAISES = "raises"
Outcome = object

_MAX_DEPTH = 8  # names followed to their assigned value
_VERSION_SOURCES = frozenset({"importlib.metadata.version", "importlib_metadata.version"})
_PARSERS = frozenset({"packaging.version.parse", "packaging.version.Version"})
# What a test may do with a string or a parsed version (all pure, all total on the values
# they get here, or raising as Python would).
_STR_METHODS = frozenset({
    "startswith", "endswith", "split", "rsplit", "partition", "rpartition", "strip",
    "lstrip", "rstrip", "isdigit", "count",
})
_VERSION_ATTRS = frozenset({
    "major", "minor", "micro", "release", "base_version", "public", "is_prerelease",
    "is_devrelease", "is_postrelease", "pre", "post", "dev", "local", "epoch",
})
_BUILTINS: Dict[str, Callable[..., object]] = {"int": int, "str": str, "tuple": tuple, "len": len}
_COMPARE: Dict[type, Callable[[Any, Any], bool]] = {
    cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b,
    cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b,
    cst.Equal: lambda a, b: a == b,
    cst.NotEqual: lambda a, b: a != b,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
}


class _Reader:
    """Compiles test expressions of one module; a compiled value also says whether it
    reads the SDK version (a test that does not is not a version test)."""

    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings

    # -- names ---------------------------------------------------------------------------
    def qualified(self, node: cst.BaseExpression) -> Optional[str]:
        """The one imported (or builtin) name an expression refers to."""
        if isinstance(node, cst.Attribute):
            base = self.qualified(node.value)
            return None if base is None else f"{base}.{node.attr.value}"
        if not isinstance(node, cst.Name):
            return None
        found = self.bindings.reaching(node)
        if not found:
            return None
        if all(d.kind is DefKind.UNBOUND for d in found):
            star = self.bindings.star_import
            return f"builtins.{node.value}" if hasattr(builtins, node.value) and not star else None
        names = {d.qualified for d in found if d.kind is DefKind.IMPORT}
        if len(names) != 1 or any(d.kind is not DefKind.IMPORT for d in found):
            return None
        return names.pop()

    # -- values --------------------------------------------------------------------------
    def value(self, node: cst.BaseExpression, depth: int = 0) -> Tuple[Compiled, bool]:
        """(the compiled expression, whether it reads the SDK version)."""
        if depth > _MAX_DEPTH:
            raise _NotRead
        source = self._version_source(node)
        if source is not None:
            return source, True
        if isinstance(node, (cst.SimpleString, cst.Integer)):
            literal = node.evaluated_value
            if isinstance(literal, bytes):
                raise _NotRead
            return (lambda _r: literal), False
        if isinstance(node, cst.Tuple):
            parts = [self.value(e.value, depth) for e in node.elements if not isinstance(e, cst.StarredElement)]
            if len(parts) != len(node.elements):
                raise _NotRead
            return (lambda r: tuple(part(r) for part, _ in parts)), any(d for _, d in parts)
        if isinstance(node, cst.Name):
            return self._name(node, depth)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, depth)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, depth)
        if isinstance(node, cst.Call):
            return self._call(node, depth)
        if isinstance(node, cst.Comparison):
            return self._comparison(node, depth)
        raise _NotRead

    def _version_source(self, node: cst.BaseExpression) -> Optional[Compiled]:
        """The SDK's version string: `sagemaker.__version__` (absent from v3's namespace
        package: raises there) or `importlib.metadata.version("sagemaker")`."""
        if self.qualified(node) == "sagemaker.__version__":
            return _package_version
        if isinstance(node, cst.Call) and self.qualified(node.func) in _VERSION_SOURCES:
            args = node.args
            if (
                len(args) == 1 and args[0].keyword is None and not args[0].star
                and isinstance(args[0].value, cst.SimpleString)
                and args[0].value.evaluated_value == "sagemaker"
            ):
                return lambda r: r
        return None

    def _name(self, node: cst.Name, depth: int) -> Tuple[Compiled, bool]:
        """A name bound once, on every path, by an assignment: its value."""
        binding = self.bindings.only(node)
        if binding is None:
            raise _NotRead
        if binding.kind is not DefKind.ASSIGN or binding.value is None:
            raise _NotRead
        return self.value(binding.value, depth + 1)

    def _attribute(self, node: cst.Attribute, depth: int) -> Tuple[Compiled, bool]:
        name = node.attr.value
        if name not in _VERSION_ATTRS:
            raise _NotRead
        base, reads = self.value(node.value, depth)

        def run(r: str) -> object:
            value = base(r)
            if not isinstance(value, Version):
                raise _Unread
            return getattr(value, name)

        return run, reads

    def _subscript(self, node: cst.Subscript, depth: int) -> Tuple[Compiled, bool]:
        if len(node.slice) != 1:
            raise _NotRead
        base, reads = self.value(node.value, depth)
        part = node.slice[0].slice
        if isinstance(part, cst.Index):
            index, _ = self.value(part.value, depth)
            key: Callable[[str], object] = index
        elif isinstance(part, cst.Slice) and part.step is None:
            bounds = [None if b is None else self.value(b, depth)[0] for b in (part.lower, part.upper)]
            key = lambda r: slice(*(None if b is None else b(r) for b in bounds))  # noqa: E731
        else:
            raise _NotRead

        def run(r: str) -> object:
            value, at = base(r), key(r)
            if not isinstance(value, (str, tuple, list)) or not isinstance(at, (int, slice)):
                raise _Unread
            return _python(lambda: value[at])

        return run, reads

    def _call(self, node: cst.Call, depth: int) -> Tuple[Compiled, bool]:
        if any(arg.keyword is not None or arg.star for arg in node.args):
            raise _NotRead
        args = [self.value(arg.value, depth) for arg in node.args]
        reads = any(r for _, r in args)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _STR_METHODS:
            # a method of a string value (whether the receiver is one is asked when it runs)
            method = func.attr.value
            base, base_reads = self.value(func.value, depth)

            def run_method(r: str) -> object:
                value = base(r)
                if not isinstance(value, str):
                    raise _Unread
                return _python(lambda: getattr(value, method)(*(a(r) for a, _ in args)))

            return run_method, reads or base_reads
        name = self.qualified(func)
        if name in _PARSERS and len(args) == 1:
            (text, _), = args
            return (lambda r: _python(lambda: Version(_text(text(r))))), reads
        if name is not None and name.startswith("builtins.") and name[9:] in _BUILTINS:
            builtin = _BUILTINS[name[9:]]
            return (lambda r: _python(lambda: builtin(*(a(r) for a, _ in args)))), reads
        raise _NotRead

    def _comparison(self, node: cst.Comparison, depth: int) -> Tuple[Compiled, bool]:
        left, reads = self.value(node.left, depth)
        steps: List[Tuple[Callable[[Any, Any], bool], Compiled]] = []
        for target in node.comparisons:
            compare = _COMPARE.get(type(target.operator))
            if compare is None:
                raise _NotRead
            right, right_reads = self.value(target.comparator, depth)
            reads = reads or right_reads
            steps.append((compare, right))

        def run(r: str) -> object:
            current = left(r)
            for compare, right in steps:  # a chain stops at its first false link
                other = right(r)
                if not _python(partial(compare, current, other)):
                    return False
                current = other
            return True

        return run, reads

    # -- tests ---------------------------------------------------------------------------
    def test(self, node: cst.BaseExpression) -> Tuple[Callable[[str], Outcome], bool]:
        """A branch test, three-valued (plus RAISES) per release, and whether it reads the
        SDK version at all."""
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            inner, reads = self.test(node.expression)
            return (lambda r: _negate(inner(r))), reads
        if isinstance(node, cst.BooleanOperation):
            left, left_reads = self.test(node.left)
            right, right_reads = self.test(node.right)
            both = _and if isinstance(node.operator, cst.And) else _or
            return (lambda r: both(left(r), right(r))), left_reads or right_reads
        try:
            compiled, reads = self.value(node)
        except _NotRead:
            return (lambda _r: None), False
        if not reads:
            return (lambda _r: None), False
        return (lambda r: _truth(compiled, r)), True


def _package_version(release: str) -> object:
    if Version(release).major >= 3:
        raise _Raises  # v3's `sagemaker` binds no names
    return release


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Unread
    return value


def _python(run: Callable[[], object]) -> object:
    """Run one step as Python would; an exception is the test raising."""
    try:
        return run()
    except (_Unread, _Raises):
        raise
    except (TypeError, ValueError, IndexError, AttributeError, InvalidVersion):
        raise _Raises from None


def _truth(compiled: Compiled, release: str) -> Outcome:
    try:
        return bool(compiled(release))
    except _Raises:
        return RAISES
    except _Unread:
        return None


def _negate(value: Outcome) -> Outcome:
    return value if value is None or value is RAISES else not value


def _and(left: Outcome, right: Outcome) -> Outcome:
    """Python's `and` in a test (a raising left side raises; a false one stops)."""
    if left is RAISES or left is False:
        return left
    if right is RAISES:
        return RAISES if left is True else None
    if left is True:
        return right
    return False if right is False else None


def _or(left: Outcome, right: Outcome) -> Outcome:
    if left is RAISES or left is True:
        return left
    if right is RAISES:
        return RAISES if left is False else None
    if left is False:
        return right
    return True if right is True else None


# A branch condition: (the test, the branch taken). Nested guards give several.
Condition = Tuple[Callable[[str], Outcome], bool, str]


class _Guards(cst.CSTVisitor):
    """Every node inside a branch of a version test -> the conditions it runs under."""

    def __init__(self, reader: _Reader, module: cst.Module) -> None:
        self.reader = reader
        self.module = module
        self.stack: List[Condition] = []
        self.under: Dict[int, Tuple[Condition, ...]] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.stack:
            self.under[id(node)] = tuple(self.stack)
        if isinstance(node, (cst.If, cst.IfExp)):
            return self._branches(node)
        return True

    def _branches(self, node: cst.CSTNode) -> bool:
        assert isinstance(node, (cst.If, cst.IfExp))
        test, reads = self.reader.test(node.test)
        if not reads:
            return True
        shown = self.module.code_for_node(node.test)
        node.test.visit(self)
        arms: List[Tuple[Optional[cst.CSTNode], bool]] = [(node.body, True)]
        arms.append((node.orelse, False))
        for arm, taken in arms:
            if arm is None:
                continue
            self.stack.append((test, taken, shown))
            if isinstance(arm, cst.If):
                self.under[id(arm)] = tuple(self.stack)  # an `elif`
            arm.visit(self)
            self.stack.pop()
        return False


def _narrowed(admitted: "Admitted", conditions: Tuple[Condition, ...]) -> "Admitted":
    releases: FrozenSet[Version] = admitted.considered()
    kept = frozenset(
        release for release in releases
        if all(_runs(test(str(release)), taken) for test, taken, _ in conditions)
    )
    if kept == releases:
        return admitted  # the test admits every release A holds: nothing to narrow
    test_text = conditions[-1][2] if conditions[-1][1] else f"not ({conditions[-1][2]})"
    branch = f"in the branch `if {test_text}`"
    text = f"{admitted.text}, {branch}" if admitted.text and admitted.known else branch
    return replace(admitted, releases=kept, text=text)


def _runs(outcome: Outcome, taken: bool) -> bool:
    if outcome is RAISES:
        return False
    return outcome is None or outcome is taken


Lookup = Callable[[cst.CSTNode], "Admitted"]


def guarded(lookup: Lookup, module: Optional[cst.Module], text: str) -> Lookup:
    """`lookup` narrowed, for nodes inside a version-guarded branch, to that branch's part
    of the admitted set. A module that reads no version is not walked."""
    if module is None or not _may_test_version(text):
        return lookup
    state: Dict[str, Dict[int, Tuple[Condition, ...]]] = {}
    cache: Dict[Tuple["Admitted", Tuple[Condition, ...]], "Admitted"] = {}

    def narrowed(node: cst.CSTNode) -> "Admitted":
        if "under" not in state:
            state["under"] = _guard_map(module)
        base = lookup(node)
        conditions = state["under"].get(id(node))
        if not conditions:
            return base
        key = (base, conditions)
        if key not in cache:
            cache[key] = _narrowed(base, conditions)
        return cache[key]

    return narrowed


def _may_test_version(text: str) -> bool:
    """The cheap look: only a module that names a version can test one."""
    return "__version__" in text or "version(" in text


def _guard_map(module: cst.Module) -> Dict[int, Tuple[Condition, ...]]:
    visitor = _Guards(_Reader(Bindings(module)), module)
    module.visit(visitor)
    return visitor.under
