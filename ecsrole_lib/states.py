"""The words a run uses for what it found and what it did: states, outcomes, kinds.

Each is an :class:`enum.StrEnum`, so a member *is* its text: it prints, formats,
serialises to JSON and looks up translations (:func:`ecsrole_lib.i18n.messages.word`)
exactly as the bare string did, and compares equal to it.

>>> State.OK == "ok", f"{Outcome.CREATED}", str(Kind.WRITE)
(True, 'created', 'write')
>>> import json; json.dumps({"create_role": Outcome.UNCHANGED})
'{"create_role": "unchanged"}'

This module imports nothing of the guide's, so any module can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["AuditOutcome", "Kind", "Made", "Outcome", "Seen", "State"]


class State(StrEnum):
    """What a step's ``check`` found in AWS."""

    OK = "ok"
    MISSING = "missing"
    #: Changed since the guide made it; apply puts it back.
    DRIFT = "drift"
    #: Incompatible with the spec and not the guide's to change.
    CONFLICT = "conflict"
    #: Nothing to check: the step only shows something.
    INFO = "info"


class Outcome(StrEnum):
    """What ``apply`` or ``teardown`` did for one step (a report row)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: A dry run: what would be written.
    PLANNED = "planned"
    SKIPPED = "skipped"
    REMOVED = "removed"
    #: Teardown left it: not the guide's, or still in use.
    KEPT = "kept"
    WAITED = "waited"


class AuditOutcome(StrEnum):
    """What ``audit`` reports for one row: a step's :class:`State`, or more.

    >>> [o for o in AuditOutcome if o not in set(State)]
    [<AuditOutcome.EXTRA: 'extra'>, <AuditOutcome.FAILS: 'fails'>]
    """

    OK = "ok"
    MISSING = "missing"
    DRIFT = "drift"
    CONFLICT = "conflict"
    #: The role holds a policy the spec does not name.
    EXTRA = "extra"
    INFO = "info"
    #: The doctor: an instance with the role would not do what the agent does.
    FAILS = "fails"


class Kind(StrEnum):
    """What an action does to AWS, which decides how ``apply`` treats it."""

    #: Changes AWS (only where its check found a difference).
    WRITE = "write"
    #: Only reads (a check the page makes, or a look-up for the steps after it).
    READ = "read"
    #: Waits (for IAM to show what this run made).
    WAIT = "wait"
    #: Shows a next step; never run.
    INFO = "info"


class Made(StrEnum):
    """What one run created itself (:meth:`ecsrole_lib.aws.client.Context.made`).

    Steps read it to skip a read (a profile this run made is the guide's) and
    the wait step to learn whether there is anything to wait for.
    """

    ROLE = "role"
    INSTANCE_PROFILE = "instance_profile"
    #: The role added to the instance profile.
    INSTANCE_PROFILE_ROLE = "instance_profile_role"
    BUCKET = "bucket"
    LOGS_POLICY = "logs_policy"


@dataclass(frozen=True)
class Seen:
    """A resource AWS said exists before IAM showed it (another run made it).

    Recorded like :class:`Made`, so a later ``NoSuchEntity`` is waited for as
    IAM's eventual consistency rather than raised at once.

    >>> Seen("arn:aws:iam::123456789012:role/r") == Seen("arn:aws:iam::123456789012:role/r")
    True
    """

    arn: str
