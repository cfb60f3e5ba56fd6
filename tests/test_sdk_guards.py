"""Version-guarded branches (sagelint.sdk_guards): which releases each branch runs with."""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst
import pytest

from sagelint.sdk_guards import guarded
from sagelint.sdk_versions import UNKNOWN, Admitted, from_setting

HEAD = (
    "import sagemaker\n"
    "from importlib.metadata import version\n"
    "from packaging.version import Version, parse\n"
    "USE = True\n"
)


def _majors_of_marks(source: str, base: Admitted) -> Dict[str, Optional[frozenset]]:
    """The majors each `mark_X()` call runs with (None: unknown)."""
    module = cst.parse_module(HEAD + source)
    lookup = guarded(lambda node: base, module, module.code)
    found: Dict[str, Optional[frozenset]] = {}

    class Marks(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Name) and node.func.value.startswith("mark_"):
                admitted = lookup(node)
                found[node.func.value] = (
                    frozenset(admitted.majors()) if admitted.known else None
                )

    module.visit(Marks())
    return found


@pytest.mark.parametrize(
    "source, expected",
    [
        # v3's namespace package has no __version__: the test raises, no branch runs
        ('if sagemaker.__version__.startswith("2"):\n    mark_a()\nelse:\n    mark_b()\n',
         {"mark_a": frozenset({2}), "mark_b": frozenset()}),
        ('if version("sagemaker").startswith("2"):\n    mark_a()\nelse:\n    mark_b()\n',
         {"mark_a": frozenset({2}), "mark_b": frozenset({3})}),
        ('if Version(version("sagemaker")) >= Version("3"):\n    mark_a()\n'
         'elif parse(version("sagemaker")) >= parse("2.100"):\n    mark_b()\nelse:\n    mark_c()\n',
         {"mark_a": frozenset({3}), "mark_b": frozenset({2}), "mark_c": frozenset({2})}),
        ('if int(version("sagemaker").split(".")[0]) >= 3:\n    mark_a()\n',
         {"mark_a": frozenset({3})}),
        # a string comparison is read as Python runs it
        ('if version("sagemaker") >= "3":\n    mark_a()\nelse:\n    mark_b()\n',
         {"mark_a": frozenset({3}), "mark_b": frozenset({2})}),
        ('if not version("sagemaker") < "3":\n    mark_a()\n', {"mark_a": frozenset({3})}),
        # an unread part: `and` narrows the body only, `or` the else only
        ('if USE and version("sagemaker") >= "3":\n    mark_a()\nelse:\n    mark_b()\n',
         {"mark_a": frozenset({3}), "mark_b": None}),
        ('if USE or version("sagemaker") >= "3":\n    mark_a()\nelse:\n    mark_b()\n',
         {"mark_a": None, "mark_b": frozenset({2})}),
        ('if USE:\n    mark_a()\n', {"mark_a": None}),
        ('x = mark_a() if Version(version("sagemaker")).major == 2 else mark_b()\n',
         {"mark_a": frozenset({2}), "mark_b": frozenset({3})}),
        # a name bound once to the version is followed
        ('MAJOR = int(version("sagemaker")[0])\nif MAJOR == 2:\n    mark_a()\n',
         {"mark_a": frozenset({2})}),
        # a local `version` is not the SDK's
        ('def version(name):\n    return "3"\nif version("sagemaker") >= "3":\n    mark_a()\n',
         {"mark_a": None}),
    ],
)
def test_branch_majors_unknown(source: str, expected: Dict[str, Optional[frozenset]]) -> None:
    assert _majors_of_marks(source, UNKNOWN) == expected


def test_branch_is_part_of_the_pin() -> None:
    source = 'if version("sagemaker") >= "2.200":\n    mark_a()\nelse:\n    mark_b()\n'
    found = _majors_of_marks(source, from_setting(">=2.100,<3"))
    assert found == {"mark_a": frozenset({2}), "mark_b": frozenset({2})}
    empty = _majors_of_marks(source, from_setting("3"))
    assert empty == {"mark_a": frozenset({3}), "mark_b": frozenset()}  # dead under v3


def test_the_engines_text_look_for_a_version_test_covers_every_source_the_reader_reads() -> None:
    """The engine keeps the SM6 import judges (and an unpruned module) for a version test
    before LibCST runs, by a look at the text; it must see every source sdk_guards reads."""
    from sagelint.engine import _may_test_sdk_version
    from sagelint.sdk_guards import _VERSION_SOURCES

    for source in _VERSION_SOURCES:
        assert _may_test_sdk_version(f"x = {source}('sagemaker')")
    assert _may_test_sdk_version("from sagemaker import __version__")
    assert _may_test_sdk_version("major = sagemaker.__version__.split('.')[0]")
    assert not _may_test_sdk_version('PyTorch(framework_version="2.1", py_version="py310")')
