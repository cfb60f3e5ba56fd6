"""Resource names as far as the code fixes them (SM401).

A name is often built: `f"{project}-train"`, `name_from_base("bert_base")`, `prefix + "-x"`.
Its text is kept as pieces, each either known text or a hole of unknown text and length. A
hole may be empty or anything, so only what every filling shares can be proved wrong: a
character the API never accepts in a known piece, a known first or last character, a known
length already over the maximum.

Facts (botocore shapes, SDK 2.257.7 `sagemaker.utils.name_from_base`): job, endpoint and
endpoint-config names match `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`, model names
`[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?` (the same set of strings); tuning job names are at
most 32 characters. `name_from_base(base)` keeps `base[:max_length - len(timestamp) - 1]`
and appends `-` and a timestamp: it shortens, never changes characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional, Tuple

import libcst as cst

if TYPE_CHECKING:
    from sagelint.analysis.resolve import Resolver

Piece = Optional[str]  # None: text of unknown content and length

_MAX_DEPTH = 12
NAME_FROM_BASE = frozenset(
    {
        "sagemaker.utils.name_from_base",
        "sagemaker.common_utils.name_from_base",
        "sagemaker.core.common_utils.name_from_base",
        "sagemaker.core.helper.session_helper.name_from_base",
    }
)


@dataclass(frozen=True)
class NameKind:
    label: str  # "training job": in messages
    max_length: int = 63


TRAINING_JOB = NameKind("training job")
PROCESSING_JOB = NameKind("processing job")
TRANSFORM_JOB = NameKind("transform job")
TUNING_JOB = NameKind("tuning job", 32)
ENDPOINT = NameKind("endpoint")
ENDPOINT_CONFIG = NameKind("endpoint config")
MODEL = NameKind("model")
# Inference component names take the endpoint-name pattern (botocore InferenceComponentName).
INFERENCE_COMPONENT = NameKind("inference component")


@dataclass(frozen=True)
class Shortening:
    """How the SDK makes a name from a base: the name's length and its timestamp (a
    stand-in of the same length and characters)."""

    max_length: int = 63
    timestamp: str = "0000-00-00-00-00-00-000"  # sagemaker_timestamp(): ms precision
    # The SDK replaces `_` by `-` in the base (v3 ModelTrainer, `_get_unique_name`).
    underscores: bool = False


DEFAULT_SHORTENING = Shortening()
SHORT_TIMESTAMP = "000000-0000"  # sagemaker_short_timestamp(), used with short=True
TUNER_SHORTENING = Shortening(32, SHORT_TIMESTAMP)  # HyperparameterTuner's base names
# ModelTrainer (late v2 and v3) names a job `base.replace("_", "-")` + "-" + a 14-digit
# timestamp, cut at 63 characters: characters other than `_` are kept.
TRAINER_SHORTENING = Shortening(63, "00000000000000", underscores=True)


@dataclass(frozen=True)
class NameText:
    pieces: Tuple[Piece, ...]
    node: cst.CSTNode  # where the name is written: diagnostics point here
    through_base: bool = False  # made by name_from_base(...)

    @property
    def text(self) -> Optional[str]:
        """The whole name when every piece is known."""
        if any(piece is None for piece in self.pieces):
            return None
        return "".join(piece for piece in self.pieces if piece is not None)

    def shown(self) -> str:
        return "".join("…" if piece is None else piece for piece in self.pieces)


def _normal(pieces: List[Piece]) -> Tuple[Piece, ...]:
    """Adjacent known pieces joined, empty ones and repeated holes dropped."""
    out: List[Piece] = []
    for piece in pieces:
        if piece == "":
            continue
        if out and piece is not None and out[-1] is not None:
            out[-1] = out[-1] + piece
        elif not (out and piece is None and out[-1] is None):
            out.append(piece)
    return tuple(out)


def shorten(text: NameText, how: Shortening) -> NameText:
    """The name the SDK makes from a base: its kept prefix, `-` and the timestamp."""
    keep = how.max_length - len(how.timestamp) - 1
    prefix: List[Piece] = []
    length = 0
    for piece in text.pieces:
        if piece is None:
            prefix.append(None)  # what follows may be cut off: only the text before is sure
            break
        if how.underscores:
            piece = piece.replace("_", "-")
        prefix.append(piece[: keep - length])
        length += len(prefix[-1] or "")
        if length >= keep:
            break
    return NameText(_normal(prefix + ["-" + how.timestamp]), text.node, True)


class NameReader:
    """Reads what the code fixes of a name's text."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def read(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[NameText]:
        """The name's pieces, or None when nothing of it is known."""
        found = self._read(expr, depth)
        if found is None or all(piece is None for piece in found.pieces):
            return None
        return found

    def _read(self, expr: cst.BaseExpression, depth: int) -> Optional[NameText]:
        from sagelint.analysis.resolve import Scalar

        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            value = self.resolver.resolve(expr)
            if isinstance(value, Scalar) and isinstance(value.value, str):
                return NameText((value.value,), expr)
            return None
        if isinstance(expr, cst.FormattedString):
            return self._fstring(expr, depth)
        if isinstance(expr, cst.Name):
            bound = self.resolver.binding_of(expr)
            return None if bound is None else self._read(bound[1].value, depth + 1)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            left = self._read(expr.left, depth + 1)
            right = self._read(expr.right, depth + 1)
            if left is None and right is None:
                return None
            pieces: List[Piece] = list(left.pieces if left else (None,))
            pieces.extend(right.pieces if right else (None,))
            return NameText(_normal(pieces), expr)
        if isinstance(expr, cst.Call):
            return self._name_from_base(expr, depth)
        return None

    def _fstring(self, expr: cst.FormattedString, depth: int) -> NameText:
        pieces: List[Piece] = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                raw = part.value
                if "\\" in raw and "r" not in expr.prefix.lower():
                    pieces.append(None)  # an escape: leave it to nobody's guess
                else:
                    pieces.append(raw.replace("{{", "{").replace("}}", "}"))
            elif isinstance(part, cst.FormattedStringExpression):
                inner = None
                if part.conversion is None and part.format_spec is None:
                    inner = self._read(part.expression, depth + 1)
                pieces.extend(inner.pieces if inner is not None else (None,))
        return NameText(_normal(pieces), expr)

    def _name_from_base(self, call: cst.Call, depth: int) -> Optional[NameText]:
        from sagelint.analysis.resolve import Scalar

        if self.resolver.qualified_name(call.func) not in NAME_FROM_BASE:
            return None
        keywords = self.resolver.keywords(call)
        base_expr: Optional[cst.BaseExpression] = None
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if positional:
            base_expr = positional[0].value
        else:
            written = keywords.by_name.get("base")
            base_expr = written.arg.value if written is not None and written.arg else None
        if base_expr is None or len(positional) > 1 or not keywords.closed:
            return None
        how = DEFAULT_SHORTENING
        for name in ("max_length", "short"):
            if name in keywords:
                value = keywords.by_name[name].value
                if not isinstance(value, Scalar):
                    return None
                if name == "max_length" and isinstance(value.value, int):
                    how = Shortening(value.value, how.timestamp)
                elif name == "short" and value.value is True:
                    how = Shortening(how.max_length, SHORT_TIMESTAMP)
        base = self._read(base_expr, depth + 1) or NameText((None,), base_expr)
        return NameText(shorten(base, how).pieces, call, True)


def problem(name: NameText, kind: NameKind) -> Optional[str]:
    """Why no filling of the name's holes can be a valid name of that kind, or None."""
    pieces = name.pieces
    for piece in pieces:
        for char in piece or "":
            if not (char.isascii() and (char.isalnum() or char == "-")):
                return f"`{char}` is not allowed" if char != " " else "a space is not allowed"
    whole = name.text
    if whole == "":
        return "it is empty"
    first, last = pieces[0], pieces[-1]
    if first is not None and first.startswith("-"):
        return "it starts with `-`"
    if last is not None and last.endswith("-"):
        return "it ends with `-`"
    length = sum(len(piece) for piece in pieces if piece is not None)
    if length > kind.max_length:
        at_least = "" if whole is not None else "at least "
        return f"it is {at_least}{length} characters long (at most {kind.max_length})"
    return None
