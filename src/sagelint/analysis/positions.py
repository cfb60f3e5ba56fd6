"""Node positions, computed only for the statements that hold the nodes asked for.

LibCST's `PositionProvider` generates the code of the whole module to find where each node
is. Positions are wanted only for findings and their fixes, a few statements of a file, so
`Positions` runs the same position-recording code generation on one statement at a time:
the innermost statement of a block (the module or an indented block) that holds the node,
started where LibCST's own generation of the module would be at that statement.

- That state is the statement's first row (column 0: a block's statement starts on a line
  of its own) and the indents of the blocks around it. The row comes from CPython's tree of
  the same text: its statements (small and compound, in source order) are LibCST's, one to
  one, and LibCST's code of a statement starts at its leading blank and comment lines (for
  a decorated definition, at those of its first decorator). The statements that pruning
  blanked (sagelint.analysis.prune) are in CPython's tree only: their first rows are blank in the
  text LibCST parsed (or hold the `...` that stands for a block left empty).
- The code generated for the statement must be the text at that row, else (and whenever
  CPython's tree is missing: code only a newer Python reads) the whole module's positions
  are computed as PositionProvider computes them. So the positions are always
  PositionProvider's (tests/test_positions.py checks every node).
"""

from __future__ import annotations

import ast
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import NEWLINE_RE

from sagelint.analysis import front
from sagelint.analysis.index import ModuleIndex, Unit
from sagelint.analysis.walk import every_child

_COMPOUND = {
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.Try: (ast.Try,),
    cst.TryStar: (getattr(ast, "TryStar", ast.Try),),
    cst.With: (ast.With, ast.AsyncWith),
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.Match: (getattr(ast, "Match", ast.If),),
}
_AST_COMPOUND = tuple({kind for kinds in _COMPOUND.values() for kind in kinds})
_UNKNOWN = object()
_KEPT, _BLANKED, _REPLACED = object(), object(), object()


Span = Tuple[int, int, int, int]  # start line, start column, end line, end column


class _Recorder(CodegenState):
    """LibCST's position-recording code generation (`PositionProvidingCodegenState`, the
    state PositionProvider generates the module with), recording the same positions as
    plain tuples: a node is made a CodeRange only when it is asked for."""

    __slots__ = ("line", "column", "found", "_stack")

    def __init__(
        self, default_indent: str, default_newline: str, indents: List[str], line: int,
        found: Dict[cst.CSTNode, Span],
    ) -> None:
        super().__init__(default_indent, default_newline, None, indents, [])
        self.line = line
        self.column = 0
        self.found = found
        self._stack: List[Tuple[int, int]] = []

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = NEWLINE_RE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self._stack.pop()
        if node not in self.found:  # a syntactic position recorded already stays
            self.found[node] = (line, column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """A node's position without the whitespace it owns, or from one child's start to
    another's end (what `record_syntactic_position` records)."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(
        self,
        state: _Recorder,
        node: cst.CSTNode,
        start_node: Optional[cst.CSTNode],
        end_node: Optional[cst.CSTNode],
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.start = (0, 0)

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exc: Any) -> None:
        state = self.state
        found = state.found
        line, column = self.start
        if self.start_node is not None:
            line, column = found[self.start_node][:2]
        end_line, end_column = state.line, state.column
        if self.end_node is not None:
            end_line, end_column = found[self.end_node][2:]
        found[self.node] = (line, column, end_line, end_column)


class Positions(Mapping[cst.CSTNode, CodeRange]):
    """PositionProvider's positions of a module's nodes, computed statement by statement
    as they are asked for.

    `text` is the text LibCST parsed, `starts` the offsets its lines start at, `tree`
    CPython's tree of the same rows (of `original`, the unpruned text, when `pruned`),
    `index` the walk that recorded each node's statement."""

    def __init__(
        self,
        module: cst.Module,
        text: str,
        starts: Sequence[int],
        tree: Optional[ast.Module],
        index: ModuleIndex,
        pruned: bool = False,
        original: Optional[str] = None,
    ) -> None:
        self._module = module
        self._text = text
        self._original = text if original is None else original
        self._starts = starts
        self._tree = tree
        self._pruned = pruned
        self._unit_of = index.unit_of
        self._units: Dict[cst.CSTNode, Unit] = index.units
        self._mapped = False  # _unit_of holds every node (whitespace, commas, comments)
        self._spans: Dict[cst.CSTNode, Span] = {}  # recorded statement by statement
        self._computed: Dict[cst.CSTNode, CodeRange] = {}  # asked for (or the whole module's)
        self._done: Set[cst.CSTNode] = set()
        self._statements: Optional[List[Tuple[int, Optional[type]]]] = None
        self._whole = False

    # -- Mapping -------------------------------------------------------------------------
    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        if found is None:
            span = self._spans.get(node)
            if span is None:
                return self._find(node)
            found = self._computed[node] = CodeRange((span[0], span[1]), (span[2], span[3]))
        return found

    def __iter__(self) -> Iterator[cst.CSTNode]:
        self._resolve_whole()
        return iter(self._computed)

    def __len__(self) -> int:
        self._resolve_whole()
        return len(self._computed)

    def __contains__(self, node: object) -> bool:
        if not isinstance(node, cst.CSTNode):
            return False
        try:
            self[node]
        except KeyError:
            return False
        return True

    # -- finding a node's statement ------------------------------------------------------
    def _find(self, node: cst.CSTNode) -> CodeRange:
        if not self._whole:
            unit = self._unit_of.get(node, _UNKNOWN)
            if unit is _UNKNOWN and not self._mapped:
                self._map_every_node()
                unit = self._unit_of.get(node, _UNKNOWN)
            if isinstance(unit, cst.CSTNode) and unit not in self._done:
                if self._compute(unit) and node in self._spans:
                    return self[node]
            self._resolve_whole()  # the module's own lines, or the statement cannot be placed
        return self._computed[node]

    def _map_every_node(self) -> None:
        """The statement of every node, whitespace and comments too (the index walk saw
        only the nodes that can hold code)."""
        self._mapped = True
        unit_of: Dict[cst.CSTNode, Optional[cst.CSTNode]] = {}
        units = self._units
        stack: List[Tuple[cst.CSTNode, Optional[cst.CSTNode]]] = [(self._module, None)]
        pop, push = stack.pop, stack.append
        while stack:
            node, unit = pop()
            if node in units:
                unit = node
            unit_of[node] = unit
            for child in every_child(node):
                push((child, unit))
        self._unit_of = unit_of

    # -- one statement -------------------------------------------------------------------
    def _compute(self, unit: cst.CSTNode) -> bool:
        self._done.add(unit)
        line = self._first_line(unit)
        if line is None or line < 1 or line > len(self._starts):
            return False
        module = self._module
        default = module.default_indent
        _, indents = self._units[unit]
        block = [default if indent is None else indent for indent in indents]
        # The language server keeps LibCST's nodes of unchanged statements across checks
        # (sagelint.analysis.front): their spans, generated from the same state, are kept too.
        memo = front.current()
        kept = memo.spans if memo is not None else None
        key = (id(unit), line, default, module.default_newline, tuple(block))
        found = kept.get(key) if kept is not None else None
        if kept is not None and found is not None and found[0] is unit:
            kept.move_to_end(key)
            _, tokens, spans = found
        else:
            spans = {}
            state = _Recorder(default, module.default_newline, block, line, spans)
            unit._codegen(state)
            tokens = state.tokens
            if kept is not None:
                kept[key] = (unit, tokens, spans)  # the node is kept: its id is not reused
                while len(kept) > front.KEPT_STATEMENTS:
                    kept.popitem(last=False)
        self._spans.update(spans)
        return self._generated_here(tokens, self._starts[line - 1])

    def _generated_here(self, tokens: List[str], offset: int) -> bool:
        """Whether the statement's generated code is the text at `offset`."""
        code = "".join(tokens)
        text = self._text
        if text.startswith(code, offset):
            return True
        # The module's last line has no line break: LibCST drops the last token it made.
        if self._module.has_trailing_newline or not tokens:
            return False
        end = len(code) - len(tokens[-1])
        return offset + end == len(text) and text.startswith(code[:end], offset)

    def _first_line(self, unit: cst.CSTNode) -> Optional[int]:
        statements = self._ast_statements()
        count, _ = self._units[unit]
        if count >= len(statements):
            return None
        row, kind = statements[count]
        expected = _COMPOUND.get(type(unit))
        if expected is None:
            if kind is not None:
                return None
        elif kind not in expected:
            return None
        leading = len(getattr(unit, "leading_lines", ()))
        decorators = getattr(unit, "decorators", ())
        if decorators:  # the row is the first `@`'s; its own leading lines come first
            leading += len(decorators[0].leading_lines)
        return row - leading

    def _ast_statements(self) -> List[Tuple[int, Optional[type]]]:
        """CPython's statements in source order, as LibCST's walk counts them: each one's
        first row (its first decorator's for a decorated definition) and its class (None
        for a small statement). Of a pruned text, the statements whose first row was
        blanked are left out with what they hold, and one whose first row was written over
        with a placeholder (`...`, for a block left empty) is that small statement."""
        if self._statements is None:
            out: List[Tuple[int, Optional[type]]] = []
            tree = self._tree
            if tree is not None:
                stack: List[ast.stmt] = tree.body[::-1]
                while stack:
                    statement = stack.pop()
                    decorators = getattr(statement, "decorator_list", None)
                    row: int = decorators[0].lineno if decorators else statement.lineno
                    kind: Optional[type] = type(statement)
                    if not isinstance(statement, _AST_COMPOUND):
                        kind = None
                    if self._pruned:
                        state = self._row_state(row)
                        if state is _BLANKED:
                            continue
                        if state is _REPLACED:
                            out.append((row, None))
                            continue
                    out.append((row, kind))
                    inner: List[ast.stmt] = []
                    for name in ("body", "handlers", "orelse", "finalbody", "cases"):
                        value = getattr(statement, name, None)
                        if not isinstance(value, list):
                            continue
                        for item in value:
                            if isinstance(item, ast.stmt):
                                inner.append(item)
                            else:  # an except handler or a match case
                                inner.extend(getattr(item, "body", ()))
                    inner.reverse()
                    stack.extend(inner)
            self._statements = out
        return self._statements

    def _row_state(self, row: int) -> object:
        """Whether pruning kept a row as it was, blanked it, or wrote over it."""
        starts = self._starts
        if row > len(starts):
            return _BLANKED
        begin = starts[row - 1]
        end = starts[row] if row < len(starts) else len(self._text)
        parsed = self._text[begin:end]
        if parsed == self._original[begin:end]:
            return _KEPT
        return _REPLACED if parsed.strip() else _BLANKED

    # -- the whole module ----------------------------------------------------------------
    def _resolve_whole(self) -> None:
        if not self._whole:
            self._whole = True
            wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
            self._computed = dict(wrapper.resolve(PositionProvider))
            self._spans = {}
