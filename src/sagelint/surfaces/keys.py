"""How a surface claims calls: keys, receiver kinds, phases and routes.

A key is a qualified name (`sagemaker.pytorch.PyTorchModel`, resolved through the imports,
never matched as text) or a method name on one or more receiver kinds
(`method("deploy", Receiver.MODEL, Receiver.ESTIMATOR)`): what the receiver is, is decided
once per call by `surfaces/receivers.py`. A route is a handler with the label messages name
the call by and the phase it runs in. Several surfaces may claim one key: each route adds
its facts, and none takes a call away from another. Within one surface a key is claimed
once (`Table.add` refuses a second claim: two routes of one surface never shadow each
other silently).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Callable, Dict, FrozenSet, Iterator, List, Set, Tuple, Union

import libcst as cst

from sagelint.surfaces.common import Context


class Receiver(Enum):
    """What a method is called on."""

    ANY = "any"  # the route decides for itself (it reads the facts of the call)
    MODEL = "model"  # an SDK v2 model, or what an estimator's create_model makes
    MODEL_BUILDER = "model builder"
    ESTIMATOR = "estimator"  # an SDK v2 estimator, attached or the best of a tuner
    TRAINER = "trainer"  # the call that declares a training job (ModelTrainer)
    PROCESSOR = "processor"
    TRANSFORMER = "transformer"  # an SDK v2 or v3 Transformer(...)
    TUNER = "tuner"
    CLIENT = "boto3 SageMaker client"
    SESSION = "session"  # the SDK's Session


@dataclass(frozen=True)
class Method:
    """A method name on the receivers of the given kinds."""

    name: str
    receivers: FrozenSet[Receiver]

    def __str__(self) -> str:
        kinds = ", ".join(sorted(kind.value for kind in self.receivers))
        return f".{self.name} on {kinds}"


# A qualified name, or a method on some receivers.
Key = Union[str, Method]


def method(name: str, *receivers: Receiver) -> Method:
    """The key of a method called on receivers of these kinds (any receiver when none is
    given: the handler checks)."""
    return Method(name, frozenset(receivers or (Receiver.ANY,)))


def last_name(key: Key) -> str:
    """The name a call of this key ends with (`deploy`, `PyTorchModel`)."""
    return key.name if isinstance(key, Method) else key.rsplit(".", 1)[-1]


class Phase(IntEnum):
    """When a route runs. Every call of a module is offered to the routes of one phase, in
    source order, before the next phase starts; so a route reads every fact an earlier
    phase produced."""

    CONSTRUCT = 0  # constructors, factories, API calls: what the call itself says
    METHOD = 1  # methods on objects built in CONSTRUCT (`.deploy()`, `.fit()`)
    READ = 2  # reads the facts the call got in earlier phases (names, tags, code paths)


# A handler turns one call into facts; `label` is how messages name the call.
Handler = Callable[[Context, cst.Call, str], None]


@dataclass(frozen=True, eq=False)
class Route:
    handler: Handler
    label: str
    phase: Phase = Phase.CONSTRUCT
    # A route on any receiver's method that makes facts: the words its handler needs in the
    # call (a keyword's name). Statement pruning keeps every statement that names one, as
    # it keeps those that name a surface's package: the receiver may come from anywhere.
    words: Tuple[str, ...] = ()


class DuplicateRoute(ValueError):
    """One surface claims a key twice: one of the two routes would never run."""


class Table:
    """A surface's claims, in the order it declares them."""

    def __init__(self) -> None:
        self._routes: List[Tuple[Key, Route]] = []
        self._qualified: Set[str] = set()
        self._methods: Dict[str, Set[Receiver]] = {}  # method name -> receivers claimed

    def add(
        self,
        key: Key,
        handler: Handler,
        label: str,
        phase: Phase = Phase.CONSTRUCT,
        words: Tuple[str, ...] = (),
    ) -> Route:
        """Claim `key`; a key this table already claims (a method: on a receiver kind it
        already claims) is an error. `words`: see `Route.words`."""
        if isinstance(key, Method):
            claimed = self._methods.setdefault(key.name, set())
            overlap = claimed & key.receivers
            if overlap or (claimed and Receiver.ANY in key.receivers | claimed):
                raise DuplicateRoute(f"`{key}` is claimed twice by one surface")
            claimed |= key.receivers
        else:
            if key in self._qualified:
                raise DuplicateRoute(f"`{key}` is claimed twice by one surface")
            self._qualified.add(key)
        route = Route(handler, label, phase, words)
        self._routes.append((key, route))
        return route

    def __iter__(self) -> Iterator[Tuple[Key, Route]]:
        return iter(self._routes)

    def __len__(self) -> int:
        return len(self._routes)
