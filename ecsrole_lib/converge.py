"""``apply``, ``audit`` and ``teardown``: loops over the plan's steps.

``apply`` checks everything first (read-only preflight), raises
:class:`~ecsrole_lib.errors.ConflictError` listing every problem before its
first write, then writes only what differs. A second ``apply`` of the same
spec writes nothing.

>>> from ecsrole_lib import RoleSpec, apply, sandbox
>>> with sandbox() as session:  # a sandbox of its own, stopped on leaving
...     _ = apply(RoleSpec(), session)
...     apply(RoleSpec(), session).writes
0
"""

from __future__ import annotations

import time

import boto3

from . import policies
from .aws.client import Context, Read
from .aws.prefetch import prefetch, verify_ahead
from .errors import ConflictError, EcsRoleError, Problem, QuotaError
from .events import Progress, StepDone, StepStarted
from .hooks import provided
from .i18n.catalog import join, message
from .plan import Plan, plan
from .report import Report
from .spec import DEFAULT_ATTACHED_POLICIES_QUOTA, TAGS_PER_ROLE_QUOTA, RoleSpec
from .states import AuditOutcome, Kind
from .steps import (
    CONFLICT,
    CREATED,
    MISSING,
    OK,
    PLANNED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    attached_policies,
    get_policy,
    get_role,
    inline_policies,
    owned,
    profiles_for_role,
)

__all__ = ["apply", "audit", "teardown"]


def _start(spec: RoleSpec, session: boto3.Session | None, action: str,
           progress: Progress | None, propagation_timeout: float = 20.0) -> tuple[Context, Plan, Report]:
    if not isinstance(spec, RoleSpec):
        raise TypeError(f"spec must be a RoleSpec, got {type(spec).__name__}")
    ctx = Context(session, spec.region, progress, propagation_timeout)
    the_plan = plan(spec)
    prefetch(ctx, spec, the_plan, action)  # the steps' independent reads, at once
    identity = ctx.call("sts", "get_caller_identity", "identifying the caller")
    ctx.account = identity["Account"]
    ctx.caller_arn = identity["Arn"]
    ctx.partition = identity["Arn"].split(":")[1]
    if not ctx.sandbox:  # what the report shows names the real account, never the stand-in's
        the_plan = plan(spec, account=ctx.account)
    report = Report(action, target="sandbox" if ctx.sandbox else "AWS", account=ctx.account)
    return ctx, the_plan, report


def _finish(ctx: Context, report: Report) -> Report:
    report.reads, report.writes, report.retries = (ctx.calls.reads, ctx.calls.writes,
                                                   ctx.calls.retries)
    return report


#: The order in which a report notes what the sandbox cannot show.
_SANDBOX_NOTES = ("iam_names", "propagation", "ssm_activation", "policy_simulator")


def _sandbox_notes(ctx: Context, the_plan: Plan, report: Report) -> None:
    if not ctx.sandbox:
        return
    shown = {limit for step in the_plan for limit in step.action.sandbox_limits}
    for limit in _SANDBOX_NOTES:
        if limit in shown:
            report.note(message("converge.sandbox", limit=provided("sandbox_limits")[limit]))


def _preflight(ctx: Context, spec: RoleSpec, the_plan: Plan) -> list:
    """Read what exists; raise ConflictError listing every problem; return the checks."""
    problems: list[Problem] = []
    if ctx.partition != spec.partition:
        problems.append(Problem("region", spec.region,
                                message("converge.partition", spec=spec.partition,
                                        caller=ctx.partition)))
    if spec.permissions_boundary and get_policy(ctx, spec.permissions_boundary) is None:
        problems.append(Problem("permissions_boundary", spec.permissions_boundary,
                                message("converge.no_boundary")))
    checks = []
    for step in the_plan:
        found = step.action.check(ctx)
        checks.append(found)
        if found.state == CONFLICT:
            problems.append(Problem(step.spec_field, _value(spec, step.spec_field), found.reason))
    if get_role(ctx, spec.role_name) is not None:
        held = set(attached_policies(ctx, spec.role_name)) | _planned(ctx, the_plan)[0]
        # IAM's default quota is also its floor (it can only be raised), so the account's
        # own figure is read only when the default could be exceeded: one read less per run.
        quota = DEFAULT_ATTACHED_POLICIES_QUOTA
        if len(held) > quota:
            quota = ctx.call("iam", "get_account_summary")["SummaryMap"].get(
                "AttachedPoliciesPerRoleQuota", quota)
        if len(held) > quota:
            problems.append(Problem("extra_policy_arns", list(spec.extra_policy_arns),
                                    message("converge.policy_quota", role=spec.role_name,
                                            n=len(held), quota=quota)))
    if problems:
        raise ConflictError(problems)
    _tag_quota(ctx, spec, the_plan, checks)
    return checks


def _tag_quota(ctx: Context, spec: RoleSpec, the_plan: Plan, checks: list) -> None:
    """Raise QuotaError before any write when the steps would put more tags on the role
    than IAM allows (a role the guide did not create that holds 50 already gets no note).

    IAM tag keys ignore case, so keys are compared in lower case.
    """
    role = get_role(ctx, spec.role_name)
    if role is None:
        return  # a role this run creates gets the spec's tags, which the spec has counted
    held = {t["Key"].lower() for t in role.get("Tags", [])}
    adds = sorted({key for step, found in zip(the_plan, checks)
                   for key in step.action.role_tags(ctx, found) if key.lower() not in held})
    if len(held) + len(adds) <= TAGS_PER_ROLE_QUOTA:
        return
    over = len(held) + len(adds) - TAGS_PER_ROLE_QUOTA
    raise QuotaError(
        message("converge.tag_quota", role=spec.role_name, n=len(held), keys=", ".join(adds),
                quota=TAGS_PER_ROLE_QUOTA, over=over),
        code="LimitExceeded", operation="TagRole")


def _value(spec: RoleSpec, spec_field: str):
    if spec_field.startswith("extra_policy_arns["):
        return spec.extra_policy_arns[int(spec_field[len("extra_policy_arns["):-1])]
    return getattr(spec, spec_field)


def apply(spec: RoleSpec, session: boto3.Session | None = None, dry_run: bool = False,
          progress: Progress | None = None, propagation_timeout: float = 20.0) -> Report:
    """Converge AWS to the plan for ``spec``; write only what differs.

    Parameters
    ----------
    spec
        The user's choices (already validated when it was made).
    session
        Where to run; ``None`` is the sandbox. Use :func:`ecsrole_lib.connect`.
    dry_run
        Read and report ``planned`` for each step that would write; write nothing.
    progress
        Called with each step's :class:`~ecsrole_lib.events.StepStarted` and
        :class:`~ecsrole_lib.events.StepDone`, a :class:`~ecsrole_lib.events.Waiting`
        while IAM catches up, and a line of text during other long waits;
        ``str()`` of each is the line to show (``progress=print`` works).
    propagation_timeout
        Seconds to keep retrying IAM's ``NoSuchEntity`` right after a create.

    Returns
    -------
    Report
        One row per step: ``created``, ``updated``, ``unchanged``, ``planned`` or ``skipped``.

    Raises
    ------
    ConflictError
        AWS holds something the spec cannot live with; nothing was written.
    """
    ctx, the_plan, report = _start(spec, session, "apply", progress, propagation_timeout)
    checks = _preflight(ctx, spec, the_plan)
    foreign = _not_in_spec(ctx, spec, the_plan)
    steps = list(the_plan)
    for i, (step, found) in enumerate(zip(steps, checks)):
        after = steps[i + 1] if i + 1 < len(steps) else None
        outcome, arn, reason = _converge_step(ctx, step, found, dry_run, after)
        report.add(step.id, step.title(), outcome, arn, reason)
        ctx.progress(StepDone(step.id, outcome))
    if not dry_run:
        _verify(ctx, spec, the_plan, report)
    if not dry_run and any(r.outcome in (CREATED, UPDATED) for r in report.rows):
        report.note(message("converge.rerun"))
    managed, inline = foreign
    for what in ([message("converge.managed_of", arn=arn, role=spec.role_name) for arn in managed]
                 + [message("converge.inline_of", name=name, role=spec.role_name)
                    for name in inline]):
        report.note(message("converge.kept_foreign", what=what))
    _notes(ctx, the_plan, report)
    return _finish(ctx, report)


def _converge_step(ctx: Context, step, found, dry_run: bool, after=None) -> tuple[str, str, str]:
    """One step of apply: (outcome, ARN, reason); writes only what the check found missing.

    The first look of the step ``after`` it, which needs nothing this one writes, is made
    during the write (a round trip less).
    """
    action = step.action
    if dry_run and action.kind != Kind.INFO:
        outcome = UNCHANGED if found.state == OK and action.kind == Kind.WRITE else PLANNED
        first = next(c for c in step.setup + step.cli if not c.startswith("#"))
        reason = found.reason if outcome == UNCHANGED else message("converge.would_run",
                                                                command=first.splitlines()[0])
        return outcome, found.arn or action.arn(ctx), reason
    not_needed = action.needed(ctx)
    if not_needed:
        return UNCHANGED, action.arn(ctx), not_needed
    if found.state == OK and action.settled_when_ok:
        return UNCHANGED, found.arn or action.arn(ctx), found.reason
    ctx.progress(StepStarted(step.id, step.title()))
    look = after.action.first_look(ctx) if after is not None else None
    with ctx.beside([Read(*look)] if look else []):
        outcome, reason = action.do(ctx, found)
    return outcome, action.arn(ctx), reason


def _verify(ctx: Context, spec: RoleSpec, the_plan: Plan, report: Report) -> None:
    """After the writes: read back what this run wrote; another writer's change is a conflict.

    Two runs on one role (or one bucket) with different specs would otherwise both
    report success and leave a mix of the two. A resource not visible yet is IAM's
    eventual consistency, waited for within ``propagation_timeout``.
    """
    wrote = {r.step for r in report.rows if r.outcome in (CREATED, UPDATED)}
    steps = [s for s in the_plan if s.id in wrote and s.action.kind == Kind.WRITE]
    proven = {key: ctx.cache[key] for step in steps for key in step.action.proven(ctx)
              if ctx.cache.get(key) is not None}  # what the writes' success shows: not read again
    waited, delay = 0.0, 0.25
    while steps:
        ctx.cache.clear()
        ctx.cache.update(proven)
        verify_ahead(ctx, spec, steps)  # the checks' independent reads, at once
        found = [(step, step.action.check(ctx)) for step in steps]
        if all(f.state != MISSING for _, f in found) or waited >= ctx.propagation_timeout:
            break
        time.sleep(delay)
        waited += delay
        delay = min(delay * 2, 4.0)
    else:
        return
    problems = [Problem(step.spec_field, _value(spec, step.spec_field),
                        message("converge.raced", reason=f.reason))
                for step, f in found if f.state != OK]
    if problems:
        raise ConflictError(problems)


def _still_held(ctx: Context, spec: RoleSpec, others: list[str] | tuple[str, ...] = ()
                ) -> list[Problem]:
    """What still holds an instance profile teardown would remove or take the role from
    (``others``: the other profiles ``force`` takes it out of), by the ``teardown_refusals``
    hook."""
    return [problem for refusals in provided("teardown_refusals").values()
            for problem in refusals(ctx, spec, others)]


def _teardown_preflight(ctx: Context, spec: RoleSpec, the_plan: Plan, force: bool) -> None:
    """Refuse, before removing anything, a teardown that would leave the role half-removed.

    The guide's role can go only when it holds nothing but what this spec gives it;
    otherwise teardown would take the instance profile and policies and keep the
    role (or the reverse). ``force`` detaches other managed policies and takes the
    role out of other instance profiles; it never deletes an inline policy the
    guide did not write. Nor, ``force`` or not, does it touch an instance profile that
    something else still holds (the ``teardown_refusals`` hook: with ``diagnose.launch``, an
    instance the guide did not launch).
    """
    role = get_role(ctx, spec.role_name)
    if role is None or not owned(role.get("Tags")):
        held = _still_held(ctx, spec)  # the profile may be the guide's all the same
        if held:
            raise ConflictError(held)
        return  # nothing, or a role the guide adopted: only what it added is undone
    managed, _ = _planned(ctx, the_plan)
    other_managed = [a for a in attached_policies(ctx, spec.role_name) if a not in managed]
    foreign_inline = [name if name not in written else message("teardown.not_written", name=name)
                      for name, written in _foreign_inline(ctx, spec, the_plan)]
    other_profiles = [p for p in profiles_for_role(ctx, spec.role_name)
                      if p != spec.instance_profile_name]
    problems = _still_held(ctx, spec, other_profiles if force else ())
    if foreign_inline:
        problems.append(Problem("role_name", spec.role_name,
                                message("teardown.foreign_inline",
                                        names=join(", ", foreign_inline))))
    if (other_managed or other_profiles) and not force:
        what = ([message("teardown.managed_policy", arn=a) for a in other_managed]
                + [message("teardown.instance_profile", name=p) for p in other_profiles])
        problems.append(Problem("role_name", spec.role_name,
                                message("teardown.half_removed", what=join(", ", what))))
    if problems:
        raise ConflictError(problems)


def _foreign_inline(ctx: Context, spec: RoleSpec, the_plan: Plan) -> list[tuple[str, dict]]:
    """Inline policies of the role the guide did not write: (name, the guide's documents).

    Inline policies carry no tags, so the guide knows its own by name and document.
    """
    documents = the_plan.inline_documents()
    found = []
    for name in inline_policies(ctx, spec.role_name):
        if name not in documents or not policies.same_policy(ctx.call(
                "iam", "get_role_policy", RoleName=spec.role_name,
                PolicyName=name)["PolicyDocument"], documents[name]):
            found.append((name, documents))
    return found


def _planned(ctx: Context, the_plan: Plan) -> tuple[set[str], set[str]]:
    """The managed policy ARNs and inline policy names the plan gives the role."""
    managed = {arn for s in the_plan if (arn := s.action.attaches(ctx)) is not None}
    return managed, set(the_plan.inline_documents())


def _not_in_spec(ctx: Context, spec: RoleSpec, the_plan: Plan) -> tuple[list[str], list[str]]:
    """Managed policy ARNs and inline policy names someone else gave the role."""
    if get_role(ctx, spec.role_name) is None:
        return [], []
    managed, inline = _planned(ctx, the_plan)
    return ([arn for arn in attached_policies(ctx, spec.role_name) if arn not in managed],
            [name for name in inline_policies(ctx, spec.role_name) if name not in inline])


def _notes(ctx: Context, the_plan: Plan, report: Report) -> None:
    for step in the_plan:
        if step.report_note:
            report.note(step.report_note)
    _sandbox_notes(ctx, the_plan, report)




def audit(spec: RoleSpec, session: boto3.Session | None = None) -> Report:
    """Read-only check of what exists against ``spec``, explaining each finding.

    Outcomes: ``ok``, ``missing``, ``drift`` (changed since the guide made
    it), ``conflict`` (incompatible, made by someone else), ``extra`` (the
    role holds more than the spec names) and ``info``.
    """
    ctx, the_plan, report = _start(spec, session, "audit", None)
    role = get_role(ctx, spec.role_name)
    for step in the_plan:
        try:
            found = step.action.check(ctx)
            state, reason = step.action.audit(ctx, found)
        except EcsRoleError as err:  # deleted by someone else between two of the audit's reads
            report.add(step.id, step.title(), AuditOutcome.MISSING, step.action.arn(ctx),
                       _deleted_meanwhile(err), step.finding)
            continue
        outcome = AuditOutcome(state)
        report.add(step.id, step.title(), outcome, found.arn or step.action.arn(ctx), reason,
                   step.finding)
    try:
        managed, inline = _not_in_spec(ctx, spec, the_plan)
        foreign = _foreign_inline(ctx, spec, the_plan) if role is not None else []
    except EcsRoleError as err:  # what went meanwhile is no longer the role's: nothing extra
        _deleted_meanwhile(err)
        managed, inline, foreign = [], [], []
    for arn in managed:
        report.add("extra_policy", arn.rsplit("/", 1)[-1], AuditOutcome.EXTRA, arn,
                   message("audit.extra_policy"), message("audit.extra_policy_meaning"))
    for name in inline:
        report.add("extra_inline_policy", name, AuditOutcome.EXTRA, role["Arn"],
                   message("audit.extra_inline"), message("audit.extra_inline_meaning"))
    steps_inline = {name for s in the_plan for name in s.action.inline_checked}
    for name, documents in foreign:
        if name in documents and name not in steps_inline:  # the steps report their own
            report.add("foreign_inline_policy", name, AuditOutcome.CONFLICT, role["Arn"],
                       message("audit.foreign_inline", name=name))
    for rows in provided("audit").values():  # the doctor's verdict (diagnose.doctor registers it)
        rows(ctx, spec, report)
    findings = len(report.findings)
    report.note(message("audit.findings", n=findings) if findings
                else message("audit.no_findings"))
    _sandbox_notes(ctx, the_plan, report)
    return _finish(ctx, report)


def _deleted_meanwhile(err: EcsRoleError) -> str:
    """The reason for a row whose read met ``NoSuchEntity`` (listed a moment before, then
    deleted by someone else); any other error is raised as it is."""
    if getattr(err, "code", "") != "NoSuchEntity":
        raise err
    return message("audit.deleted_meanwhile", operation=err.operation)


def teardown(spec: RoleSpec, session: boto3.Session | None = None, force: bool = False,
             progress: Progress | None = None) -> Report:
    """Undo the plan in reverse order; remove exactly what the guide created.

    Works from any partial state. What the guide did not create (a role that
    existed before, a policy someone else attached, a bucket's other objects)
    is ``kept``, with the reason. On a role that existed before, it removes what
    apply added to it (noted on the role as ``ecsrole-guide-added``).

    Raises
    ------
    ConflictError
        Before removing anything, when the guide's role holds what this spec does
        not describe: teardown would leave it half-removed. ``force=True``
        detaches other managed policies and takes the role out of other instance
        profiles; force never deletes a role, policy, bucket or object the guide
        did not create, nor detaches a shared policy from other roles or users.
    """
    ctx, the_plan, report = _start(spec, session, "teardown", progress)
    _teardown_preflight(ctx, spec, the_plan, force)
    for first in provided("teardown_first").values():  # what launch started: it uses the role
        for row in first(ctx, spec, force):
            report.add(*row)
    for step in reversed(the_plan.steps):
        ctx.progress(StepStarted(step.id, step.title(), undo=True))
        outcome, reason = step.action.undo(ctx, force)
        report.add(step.id, step.title(), outcome, step.action.arn(ctx) if outcome != SKIPPED else "",
                   reason)
        ctx.progress(StepDone(step.id, outcome))
    kept = [r for r in report.rows if r.outcome == "kept"]
    if kept:
        report.note(message("teardown.kept", n=len(kept)))
    return _finish(ctx, report)
