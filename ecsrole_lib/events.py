"""What a run says while it works: progress as typed events.

``apply`` and ``teardown`` call their ``progress`` callback with a
:class:`StepStarted` before a step does something, a :class:`StepDone` once
each step of the plan has its outcome, and (from
:class:`~ecsrole_lib.aws.client.Context`) a :class:`Waiting` while IAM catches up.
``str(event)`` is the line a person reads, so ``progress=print`` shows the run
as it goes; a consumer that needs more (the form's progress bar) reads the
fields. Other messages (the wait for a new instance profile, a survey's) still
arrive as plain text.

>>> print(StepStarted("create_role", "Create the role with its trust policy"))
create_role: Create the role with its trust policy ...
>>> print(StepStarted("create_role", "Create the role with its trust policy", undo=True))
undo create_role ...
>>> print(Waiting("NoSuchEntity", 0.5))
IAM has not caught up yet (NoSuchEntity); retrying in 0.5 s
>>> print(StepDone("create_role", "created"))
create_role: created
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Event", "Progress", "StepDone", "StepStarted", "Waiting"]


@dataclass(frozen=True)
class StepStarted:
    """Step ``step_id`` of the plan starts doing something (``undo``: teardown undoes it).

    A step with nothing to do (already as the spec says, a dry run) does not start;
    it only has a :class:`StepDone`.
    """

    step_id: str
    title: str
    undo: bool = False

    def __str__(self) -> str:
        return f"undo {self.step_id} ..." if self.undo else f"{self.step_id}: {self.title} ..."


@dataclass(frozen=True)
class Waiting:
    """A pause of ``seconds`` before the call is made again: IAM does not show ``what`` yet.

    ``what`` is AWS's error code (``NoSuchEntity``, ``ConcurrentModification``) or
    what was seen instead.
    """

    what: str
    seconds: float

    def __str__(self) -> str:
        return f"IAM has not caught up yet ({self.what}); retrying in {self.seconds:.1f} s"


@dataclass(frozen=True)
class StepDone:
    """Step ``step_id`` of the plan has its ``outcome`` (the report's word: ``created`` ...)."""

    step_id: str
    outcome: str

    def __str__(self) -> str:
        return f"{self.step_id}: {self.outcome}"


#: What a ``progress`` callback receives.
Event = StepStarted | Waiting | StepDone
Progress = Callable[[Event | str], None]
