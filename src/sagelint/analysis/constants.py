"""Operations on known values, evaluated as Python would (docs/how-rules-decide.md: arithmetic
and known conditions).

Both the binding walk (which branch a known test takes) and the resolver (what a value is)
fold expressions through these. Only what cannot surprise is evaluated: integer arithmetic
with small results, comparisons of plain values, `not`/`and`/`or`, `in` on strings and on
tuples of plain values. Anything else, and any operation Python would raise on, is None: not
known.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Dict, Optional, Tuple, Type, Union

import libcst as cst

Plain = Union[int, float, str, bool, None]


class Known:
    """A known plain value (a wrapper, so that a known `None` differs from "not known")."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Known({self.value!r})"


# A result larger than this is no setting anyone means (and `10 ** 10 ** 9` must not run).
_LARGEST = 10**18
_LARGEST_EXPONENT = 64

_ARITHMETIC: Dict[Type[cst.BaseBinaryOp], Callable[[int, int], int]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}

_COMPARE: Dict[Type[cst.BaseCompOp], Callable[[object, object], object]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: lambda a, b: _ordered(operator.lt, a, b),
    cst.LessThanEqual: lambda a, b: _ordered(operator.le, a, b),
    cst.GreaterThan: lambda a, b: _ordered(operator.gt, a, b),
    cst.GreaterThanEqual: lambda a, b: _ordered(operator.ge, a, b),
    cst.Is: lambda a, b: a is b,
    cst.IsNot: lambda a, b: a is not b,
    cst.In: lambda a, b: _contains(b, a),
    cst.NotIn: lambda a, b: not _contains(b, a),
}


def _ordered(function: Callable[[Any, Any], bool], left: object, right: object) -> bool:
    """An ordering of two numbers or two strings (anything else raises, as Python does)."""
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers):
        return function(left, right)
    if isinstance(left, str) and isinstance(right, str):
        return function(left, right)
    raise TypeError("not ordered")


def _contains(container: object, item: object) -> bool:
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    if isinstance(container, tuple):
        return item in container
    raise TypeError("not a container of plain values")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def arithmetic(op: cst.BaseBinaryOp, left: object, right: object) -> Optional[Known]:
    """`left op right` on whole numbers (`30 * 24 * 3600`), and `+` of two strings."""
    if isinstance(op, cst.Add) and isinstance(left, str) and isinstance(right, str):
        return Known(left + right)
    function = _ARITHMETIC.get(type(op))
    if function is None or not (_is_int(left) and _is_int(right)):
        return None
    assert isinstance(left, int) and isinstance(right, int)
    if isinstance(op, cst.Power) and not 0 <= right <= _LARGEST_EXPONENT:
        return None  # a negative exponent makes a float; a large one a huge number
    if isinstance(op, (cst.FloorDivide, cst.Modulo)) and right == 0:
        return None
    if abs(left) > _LARGEST or abs(right) > _LARGEST:
        return None
    result = function(left, right)
    return Known(result) if abs(result) <= _LARGEST else None


def compare(op: cst.BaseCompOp, left: object, right: object) -> Optional[Known]:
    """`left op right` for plain values (and tuples of them on the right of `in`)."""
    function = _COMPARE.get(type(op))
    if function is None:
        return None
    if isinstance(op, (cst.In, cst.NotIn)):
        if not isinstance(right, (str, tuple)) or (
            isinstance(right, str) and not isinstance(left, str)
        ):
            return None
    elif isinstance(op, (cst.Is, cst.IsNot)):
        if not (left is None or right is None or isinstance(left, bool) and isinstance(right, bool)):
            return None  # identity of numbers and strings is an implementation detail
    elif isinstance(left, tuple) or isinstance(right, tuple):
        return None
    try:
        return Known(bool(function(left, right)))
    except TypeError:  # `1 < "a"`: Python raises, nothing is known
        return None


def unary(op: cst.BaseUnaryOp, operand: object) -> Optional[Known]:
    if isinstance(op, cst.Not):
        return Known(not operand)
    if isinstance(operand, bool) or not isinstance(operand, (int, float)):
        return None
    if isinstance(op, cst.Minus):
        return Known(-operand)
    if isinstance(op, cst.Plus):
        return Known(operand)
    return None


def boolean(
    op: cst.BaseBooleanOp, left: Optional[Known], right: Callable[[], Optional[Known]]
) -> Optional[Known]:
    """`a and b` / `a or b`: what Python gives, when the operands it looks at are known."""
    if left is None:
        return None
    if isinstance(op, cst.And):
        return right() if left.value else left
    return left if left.value else right()


def truth(value: object) -> bool:
    return bool(value)


def plain(value: object) -> bool:
    """Whether a value is one a test may be known from (tuples of plain values included)."""
    if isinstance(value, tuple):
        return all(plain(item) for item in value)
    return value is None or isinstance(value, (bool, int, float, str))


def literal(node: cst.BaseExpression) -> Optional[Known]:
    """The value of a literal written in place: a number, a string (not an f-string or
    bytes), `True` / `False` / `None`."""
    if isinstance(node, cst.Name) and node.value in _CONSTANTS:
        return Known(_CONSTANTS[node.value])
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            value: object = node.evaluated_value
        except (ValueError, SyntaxError, OverflowError):
            return None
        if isinstance(value, int) and abs(value) > _LARGEST:
            return None
        return Known(value)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        if isinstance(node, cst.SimpleString) and "b" in node.prefix.lower():
            return None
        try:
            value = node.evaluated_value
        except Exception:
            return None
        return Known(value) if isinstance(value, str) else None
    return None


_CONSTANTS: Dict[str, Plain] = {"True": True, "False": False, "None": None}


def fold(
    node: cst.BaseExpression, name: Callable[[cst.Name], Optional[Known]], depth: int = 0
) -> Optional[Known]:
    """What an expression is known to be, names answered by `name` (None: not known)."""
    if depth > 24:
        return None
    found = literal(node)
    if found is not None:
        return found
    if isinstance(node, cst.Name):
        return name(node)
    if isinstance(node, cst.UnaryOperation):
        operand = fold(node.expression, name, depth + 1)
        return None if operand is None else unary(node.operator, operand.value)
    if isinstance(node, cst.BooleanOperation):
        return boolean(
            node.operator,
            fold(node.left, name, depth + 1),
            lambda: fold(node.right, name, depth + 1),
        )
    if isinstance(node, cst.BinaryOperation):
        left = fold(node.left, name, depth + 1)
        right = fold(node.right, name, depth + 1) if left is not None else None
        if left is None or right is None:
            return None
        return arithmetic(node.operator, left.value, right.value)
    if isinstance(node, cst.Comparison):
        return _comparison(node, name, depth)
    if isinstance(node, cst.Tuple):
        return _items(node, name, depth)
    return None


def _items(
    node: Union[cst.Tuple, cst.List, cst.Set],
    name: Callable[[cst.Name], Optional[Known]],
    depth: int,
) -> Optional[Known]:
    """A tuple (list, set: only on the right of `in`) of known plain values, as a tuple."""
    values = []
    for element in node.elements:
        if isinstance(element, cst.StarredElement):
            return None
        item = fold(element.value, name, depth + 1)
        if item is None or not plain(item.value):
            return None
        values.append(item.value)
    return Known(tuple(values))


def _comparison(
    node: cst.Comparison, name: Callable[[cst.Name], Optional[Known]], depth: int
) -> Optional[Known]:
    left = fold(node.left, name, depth + 1)
    if left is None:
        return None
    result: Tuple[bool, ...] = ()
    current = left.value
    for target in node.comparisons:
        right_node = target.comparator
        if isinstance(right_node, (cst.List, cst.Set)):  # `x in ["a", "b"]`: a tuple here
            right = _items(right_node, name, depth)
        else:
            right = fold(right_node, name, depth + 1)
        if right is None:
            return None
        outcome = compare(target.operator, current, right.value)
        if outcome is None:
            return None
        result += (bool(outcome.value),)
        current = right.value
    return Known(all(result))
