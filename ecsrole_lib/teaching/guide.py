"""The guide as a whole: the roles its notebooks make, the audit demo, and ``make guide``.

``python -m ecsrole_lib.teaching.guide`` starts ONE shared sandbox (``python -m
ecsrole_lib.sandbox`` in a subprocess), exports ``ECSROLE_SANDBOX_ENDPOINT``
so every notebook kernel joins it, runs the notebooks in order with papermill
into ``build/guide/``, renders each as HTML beside it, prints one line per
notebook, checks that ``99_cleanup`` left the sandbox empty, and exits
non-zero if anything failed.

The notebooks call the small functions here: :func:`guide_roles` (the roles
notebooks 01-04 make), :func:`ensure_on_sandbox` (a notebook run alone makes
what it builds on), :func:`broken_demo` (a deliberately broken role for the
audit, sandbox only) and :func:`leftovers` (what is left after teardown).

>>> [spec.role_name for spec in guide_roles(RoleSpec())]
['ecsInstanceRole', 'ecsAnywhereRole', 'ecsInstanceRoleTrunking']
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import ClientError

from ..aws.client import Context, is_sandbox
from ..converge import apply
from ..errors import AwsError
from ..i18n.catalog import message
from ..notebook.views import Table
from ..plan import plan
from ..spec import OWNER_TAG, RoleSpec
from ..steps import owned, why_left

__all__ = [
    "ANYWHERE_ROLE",
    "DEMO_ROLE",
    "NOTEBOOKS",
    "TRUNKING_ROLE",
    "BrokenDemo",
    "GuideRoles",
    "Leftovers",
    "broken_demo",
    "demo_spec",
    "ensure_on_sandbox",
    "guide_roles",
    "leftovers",
    "main",
]

#: The notebooks, in the order the guide runs them.
NOTEBOOKS = ("01_container_instance_role", "02_feature_permissions", "03_ecs_anywhere",
             "04_eni_trunking", "05_audit", "06_will_it_register", "07_beyond_the_page",
             "99_cleanup")
#: The role notebook 03 makes (the name the documentation uses).
ANYWHERE_ROLE = "ecsAnywhereRole"
#: The second container instance role notebook 04 makes, with awsvpcTrunking.
TRUNKING_ROLE = "ecsInstanceRoleTrunking"
#: The deliberately broken role notebook 05 builds on the sandbox to show findings.
DEMO_ROLE = "ecsAuditDemoRole"
_DEMO_EXTRA_POLICY = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
#: HeadBucket's answers for a bucket that is not there, or not the caller's (no body: the
#: code is the HTTP status).


class _ShownAsTable:
    """Shows as its ``table()``: text for papermill logs, HTML in Jupyter."""

    def table(self) -> Table:
        raise NotImplementedError

    def __str__(self) -> str:
        return str(self.table())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@dataclass(repr=False)  # shown as its table
class GuideRoles(_ShownAsTable):
    """The roles the guide makes, with the notebooks that make them."""

    entries: list[tuple[str, RoleSpec]]

    def __iter__(self):
        return iter(spec for _, spec in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, role_name: str) -> RoleSpec:
        for _, spec in self.entries:
            if spec.role_name == role_name:
                return spec
        raise KeyError(role_name)

    def table(self) -> Table:
        rows = [(spec.role_name, notebooks, spec.instance_kind, ", ".join(spec.features) or "-",
                 "yes" if spec.least_privilege else "no", "yes" if spec.trunking else "no")
                for notebooks, spec in self.entries]
        return Table("The roles the guide makes", ("role", "notebooks", "kind", "features",
                                                   "least privilege", "trunking"), rows)


def guide_roles(main: RoleSpec) -> GuideRoles:
    """The roles notebooks 01-04 make: ``main`` (01 and 02), the ECS Anywhere role (03)
    and the trunking role (04), in the region of ``main``."""
    entries = [("01, 02", main),
               ("03", RoleSpec(instance_kind="external", region=main.region)),
               ("04", RoleSpec(role_name=TRUNKING_ROLE, trunking=True, region=main.region))]
    seen: set[str] = set()
    unique = []
    for notebooks, spec in entries:
        if spec.role_name not in seen:
            seen.add(spec.role_name)
            unique.append((notebooks, spec))
    return GuideRoles(unique)


def ensure_on_sandbox(session, roles: GuideRoles, dry_run: bool = False) -> Table:
    """On the sandbox, apply each of ``roles`` (idempotent); on AWS, do nothing.

    A notebook run alone on the sandbox makes what it builds on; after the
    notebooks before it ran, this writes nothing. On AWS the audit and the
    cleanup work on what is really there, so nothing is created.
    """
    if not is_sandbox(session):
        return Table("Nothing created: on AWS this notebook works on what is there",
                     ("role", "apply"), [(spec.role_name, "not run") for spec in roles])
    rows = [(spec.role_name, apply(spec, session, dry_run=dry_run).summary()) for spec in roles]
    return Table("On the sandbox, what the earlier notebooks make (idempotent)",
                 ("role", "apply"), rows)


def demo_spec(region: str = "us-east-1") -> RoleSpec:
    """What the audit demo role should be: an EC2 container instance role with Amazon ECR."""
    return RoleSpec(role_name=DEMO_ROLE, features=["ecr"], region=region)


@dataclass(repr=False)  # shown as its table
class BrokenDemo(_ShownAsTable):
    """The deliberately broken demo role (sandbox only) and how it is broken."""

    spec: RoleSpec
    built: bool
    defects: list[tuple[str, str, str]] = field(default_factory=list)

    def table(self) -> Table:
        if not self.built:
            return Table(f"Demo role {self.spec.role_name}: not built (it is built on the sandbox "
                         "only, never in an AWS account, and not in a dry run)",
                         ("defect", "as built", "why it is wrong"), [])
        return Table(f"Demo role {self.spec.role_name}, broken on purpose",
                     ("defect", "as built", "why it is wrong"), self.defects)


def broken_demo(session, region: str = "us-east-1", dry_run: bool = False) -> BrokenDemo:
    """Build a deliberately broken container instance role on the sandbox, for the audit.

    Its trust policy names ``ecs.amazonaws.com`` (the service, not the
    instance), it has no instance profile, it lacks
    ``AmazonEC2ContainerServiceforEC2Role`` (so Amazon ECR pulls fail) and
    holds ``AmazonS3FullAccess`` that nobody asked for. It carries the guide's
    tag, so ``99_cleanup`` removes it. On AWS (or with ``dry_run``) nothing is built.
    """
    spec = demo_spec(region)
    if not is_sandbox(session) or dry_run:
        return BrokenDemo(spec, False)
    ctx = Context(session, region)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    try:
        ctx.call("iam", "get_role", ok_codes=("NoSuchEntity",), RoleName=spec.role_name)
        ctx.call("iam", "update_assume_role_policy", "breaking the demo role's trust",
                 RoleName=spec.role_name, PolicyDocument=json.dumps(trust))
    except ClientError:
        ctx.call("iam", "create_role", "creating the demo role", RoleName=spec.role_name,
                 AssumeRolePolicyDocument=json.dumps(trust),
                 Tags=[{"Key": OWNER_TAG[0], "Value": OWNER_TAG[1]}])
    ctx.call("iam", "attach_role_policy", "attaching the demo role's extra policy",
             RoleName=spec.role_name, PolicyArn=_DEMO_EXTRA_POLICY)
    return BrokenDemo(spec, True, [
        ("trust principal", "ecs.amazonaws.com",
         "Amazon ECS is the service; Amazon EC2 (ec2.amazonaws.com) assumes the role for the instance"),
        ("instance profile", "none", "without one, Amazon EC2 cannot give the role to an instance"),
        ("feature permission", "AmazonEC2ContainerServiceforEC2Role not attached",
         "the agent cannot register, and Amazon ECR pulls fail"),
        ("extra policy", "AmazonS3FullAccess attached",
         "write access to every bucket, which no container instance needs"),
    ])


@dataclass(repr=False)  # shown as its table
class Leftovers(_ShownAsTable):
    """What is left on the target after teardown."""

    where: str
    rows: list[tuple[str, str, str]]

    @property
    def empty(self) -> bool:
        return not self.rows

    def table(self) -> Table:
        title = (f"Nothing the guide made is left on {self.where}." if self.empty
                 else f"{len(self.rows)} thing(s) left on {self.where}")
        return Table(title, ("kind", "name", "why it is there"), self.rows)


def leftovers(session, roles: GuideRoles | None = None, region: str = "us-east-1") -> Leftovers:
    """What is left (read only). On the sandbox: everything there is. On AWS: the guide's
    roles, instance profiles, CloudWatch Logs policies, buckets and trunking settings, by name."""
    ctx = Context(session, region)
    rows: list[tuple[str, str, str]] = []

    if is_sandbox(session):
        for role in ctx.pages("iam", "list_roles", "Roles"):
            rows.append(("role", role["RoleName"], why_left(ctx.call(
                "iam", "list_role_tags", "reading a role's tags", RoleName=role["RoleName"])["Tags"])))
        for profile in ctx.pages("iam", "list_instance_profiles", "InstanceProfiles"):
            rows.append(("instance profile", profile["InstanceProfileName"],
                         why_left(profile.get("Tags", []))))
        for policy in ctx.pages("iam", "list_policies", "Policies", Scope="Local"):
            rows.append(("policy", policy["PolicyName"], why_left(ctx.call(
                "iam", "list_policy_tags", "reading a policy's tags", PolicyArn=policy["Arn"])["Tags"])))
        for bucket in ctx.call("s3", "list_buckets", "listing the buckets").get("Buckets", []):
            rows.append(("bucket", bucket["Name"], "a bucket"))
        for setting in ctx.call("ecs", "list_account_settings", "reading awsvpcTrunking",
                                name="awsvpcTrunking")["settings"]:
            if setting.get("value") == "enabled":
                rows.append(("ECS account setting", "awsvpcTrunking=enabled",
                             setting.get("principalArn", "the account")))
        rows += _launched(ctx, owned_only=False)
        return Leftovers("the sandbox", rows)
    identity = ctx.call("sts", "get_caller_identity", "identifying the caller")
    ctx.account, ctx.partition = identity["Account"], identity["Arn"].split(":")[1]
    for spec in list(roles or []) + [demo_spec(region)]:
        # Each step says what it leaves, if it is there: the plan knows what the guide makes.
        rows += [left for step in plan(spec, account=ctx.account)
                 if (left := step.action.leftover(ctx)) is not None]
    try:
        rows += _launched(ctx, owned_only=True)
    except AwsError as err:  # a caller without EC2 or ECS reads: say so, keep going
        if not isinstance(err.__cause__, ClientError):  # no answer at all: not a refusal
            raise
        rows.append(("EC2 instances", "not read", err.code))
    return Leftovers("AWS", sorted(set(rows)))


def _launched(ctx: Context, owned_only: bool) -> list[tuple[str, str, str]]:
    """Instances not terminated and active clusters (what 06's launch makes)."""
    filters = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping",
                                                          "stopped"]}]
    if owned_only:
        filters.append({"Name": f"tag:{OWNER_TAG[0]}", "Values": [OWNER_TAG[1]]})
    rows = [("EC2 instance", i["InstanceId"], message("guide.leftover.instance_launched")
             if owned(i.get("Tags", [])) else message("guide.leftover.instance_kept"))
            for r in ctx.pages("ec2", "describe_instances", "Reservations", Filters=filters)
            for i in r["Instances"]]
    arns = ctx.pages("ecs", "list_clusters", "clusterArns")
    for cluster in ctx.call("ecs", "describe_clusters", "reading the clusters", clusters=arns,
                            include=["TAGS"])["clusters"] if arns else []:
        tags = [{"Key": t["key"], "Value": t["value"]} for t in cluster.get("tags", [])]
        if cluster["status"] == "ACTIVE" and (owned(tags) or not owned_only):
            rows.append(("ECS cluster", cluster["clusterName"], _why_cluster(tags)))
    return rows


def _why_cluster(tags: list[dict]) -> str:
    return message("guide.leftover.cluster_made") if owned(tags) else why_left(tags)


# ---------------------------------------------------------------------------------------
# make guide
# ---------------------------------------------------------------------------------------
@dataclass
class NotebookRun:
    name: str
    ok: bool
    seconds: float
    summary: str


def _summary(notebook) -> str:
    """The first line of the output of the cell tagged ``summary``."""
    for cell in notebook.cells:
        if cell.cell_type != "code" or "summary" not in cell.metadata.get("tags", []):
            continue
        outputs = cell.get("outputs", [])
        # The cell's result first; printed progress (a wait) only if there is no result.
        for output in sorted(outputs, key=lambda o: "data" not in o):
            text = output.get("data", {}).get("text/plain") or output.get("text") or ""
            if isinstance(text, list):
                text = "".join(text)
            if text.strip():
                return text.strip().splitlines()[0]
    return ""


def _error(notebook) -> str:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                value = output.get("evalue", "").strip().splitlines()
                return f"{output.get('ename')}: {value[0] if value else ''}"
    return "failed"


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so the sandbox subprocess is stopped on the way out."""
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def _start_sandbox() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "ecsrole_lib.sandbox.server"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    endpoint = process.stdout.readline().strip() if process.stdout else ""
    if not endpoint.startswith("http://"):
        process.terminate()
        raise RuntimeError("the sandbox did not start (python -m ecsrole_lib.sandbox.server)")
    return process, endpoint


def run_guide(notebooks_dir: Path, out_dir: Path, kernel: str = "python3",
              names: tuple[str, ...] = NOTEBOOKS) -> int:
    """Run the notebooks in order on one shared sandbox; print one line each; 0 if all ran."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    from ..sandbox.server import ENDPOINT_VARIABLE, SandboxSession

    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    _stop_on_sigterm()
    process, endpoint = _start_sandbox()
    saved = os.environ.get(ENDPOINT_VARIABLE)
    os.environ[ENDPOINT_VARIABLE] = endpoint
    runs: list[NotebookRun] = []
    left = None
    # The static page shows each form's snapshot (text/html): widgets need a live kernel.
    from traitlets.config import Config

    priority = [m for m in HTMLExporter().default_config.NbConvertBase.display_data_priority
                if m != "application/vnd.jupyter.widget-view+json"]
    exporter = HTMLExporter(config=Config({"NbConvertBase": {"display_data_priority": priority}}))
    print(f"make guide: {len(names)} notebooks on one sandbox, output in {out_dir}/", flush=True)
    try:
        for name in names:
            source, target = notebooks_dir / f"{name}.ipynb", out_dir / f"{name}.ipynb"
            began = time.monotonic()
            ok = True
            try:
                # Run beside the executed notebook, so what a notebook writes (05's exports)
                # lands next to it in build/guide/, not in the source folder.
                papermill.execute_notebook(str(source), str(target), kernel_name=kernel,
                                           progress_bar=False, cwd=str(out_dir),
                                           request_save_on_cell_execute=False,
                                           extra_arguments=["--IPKernelApp.log_level=ERROR"])
            except Exception:  # noqa: BLE001 - papermill wrote the notebook with the error in it
                ok = False
            seconds = time.monotonic() - began
            if target.exists():
                executed = nbformat.read(str(target), as_version=4)
                body, _ = exporter.from_notebook_node(executed)
                (out_dir / f"{name}.html").write_text(body, encoding="utf-8")
                summary = _summary(executed) if ok else _error(executed)
            else:
                summary = "not run"
            runs.append(NotebookRun(name, ok, seconds, summary))
            print(f"{name:<28} {'ok' if ok else 'FAILED':<6} {seconds:5.1f} s  {summary}",
                  flush=True)
        left = leftovers(SandboxSession(endpoint))
        state = "empty" if left.empty else "; ".join(f"{kind} {name}" for kind, name, _ in left.rows)
        must_be_empty = names[-1] == "99_cleanup"  # 99 leaves the sandbox empty
        print(f"{'sandbox after the guide':<28} "
              f"{'ok' if left.empty or not must_be_empty else 'FAILED':<6} {'':>7}  {state}",
              flush=True)
        index = "".join(f"<li><a href='{r.name}.html'>{r.name}</a>: {'ok' if r.ok else 'FAILED'}, "
                        f"{r.seconds:.1f} s, {r.summary}</li>" for r in runs)
        (out_dir / "index.html").write_text(
            f"<html><body><h1>ecsrole-guide</h1><ol>{index}</ol></body></html>", encoding="utf-8")
    finally:
        if saved is None:
            os.environ.pop(ENDPOINT_VARIABLE, None)
        else:
            os.environ[ENDPOINT_VARIABLE] = saved
        process.terminate()
        process.wait(timeout=30)
    emptied = left is not None and (left.empty or names[-1] != "99_cleanup")
    failed = [r.name for r in runs if not r.ok] + ([] if emptied else ["sandbox not empty"])
    print(f"{len(runs) - len([r for r in runs if not r.ok])}/{len(runs)} notebooks ran in "
          f"{time.monotonic() - started:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""),
          flush=True)
    return 1 if failed else 0


def run_lab(notebooks_dir: Path) -> int:
    """JupyterLab on the notebooks, every kernel joining one sandbox (``make lab``)."""
    from ..sandbox.server import ENDPOINT_VARIABLE

    _stop_on_sigterm()
    process, endpoint = _start_sandbox()
    env = dict(os.environ, **{ENDPOINT_VARIABLE: endpoint})
    print(f"One sandbox for every notebook: {endpoint} (stops with JupyterLab)", flush=True)
    # JupyterLab runs any code: its token and these checks are all that guard it (the same
    # as Jupyter's defaults, on the command line so that no config file turns them off).
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.root_dir={notebooks_dir}", "--ServerApp.allow_remote_access=False",
               "--ServerApp.local_hostnames=localhost", "--ServerApp.allow_origin=",
               "--ServerApp.allow_origin_pat=", "--ServerApp.disable_check_xsrf=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a container: Jupyter refuses root otherwise
        command.append("--allow-root")
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        process.terminate()
        process.wait(timeout=30)


#: What ``make app APP_TARGETS=...`` sets for the page's kernels: the targets it may act on.
APP_TARGETS_VARIABLE = "ECSROLE_APP_TARGETS"


def app_targets(value: str | None = None) -> tuple[str, ...]:
    """The targets the web page offers: ``("sandbox",)`` unless its starter opted in.

    ``value`` (default: ``$ECSROLE_APP_TARGETS``) is a comma-separated list of
    ``sandbox`` and ``aws``; anything else is a ``ValidationError`` naming it.

    >>> app_targets("")
    ('sandbox',)
    >>> app_targets("sandbox,aws")
    ('sandbox', 'aws')
    """
    from ..errors import Problem, ValidationError
    from ..notebook.forms import TARGETS

    raw = os.environ.get(APP_TARGETS_VARIABLE, "") if value is None else value
    targets = tuple(dict.fromkeys(t.strip() for t in raw.split(",") if t.strip())) or ("sandbox",)
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        raise ValidationError(Problem("APP_TARGETS", raw, "must be 'sandbox' or 'sandbox,aws' "
                                                          "(comma-separated targets)"))
    return targets


def app_protections(port: int) -> dict[str, object]:
    """Jupyter Server's own checks, on for the page (Voila turns some off by default).

    A request whose ``Host`` is not a local name is refused (a DNS-rebinding page),
    and so is a websocket or API request from any origin but the page's own.
    """
    return {"allow_remote_access": False, "local_hostnames": ["localhost"],
            "allow_origin": f"http://127.0.0.1:{port}", "allow_origin_pat": "",
            "disable_check_xsrf": False}


def _trust(notebook: Path) -> None:
    """Sign the page's notebook for this user, as ``jupyter trust`` does: it is the guide's
    own, committed file, and unsigned, Jupyter Server warns "is not trusted" on every visit."""
    import nbformat
    from nbformat.sign import NotebookNotary

    NotebookNotary().sign(nbformat.read(notebook, as_version=4))


def run_app(notebook: Path, port: int, targets: tuple[str, ...]) -> int:
    """``make app``: Voila on 127.0.0.1 with a token, local host names, the page's origin only.

    The token is ``$JUPYTER_TOKEN`` when set (Jupyter's own variable), else a new
    random one; the URL printed holds it. The kernels get ``targets`` alone.
    """
    import secrets

    from voila.app import Voila

    token = os.environ.pop("JUPYTER_TOKEN", "") or secrets.token_hex(24)  # not for the kernels
    os.environ[APP_TARGETS_VARIABLE] = ",".join(targets)
    # The page's template (app/voila/templates/ecsrole) fetches nothing from outside 127.0.0.1.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(notebook.parent), os.environ.get("JUPYTER_PATH")]))
    _trust(notebook)
    app = Voila()
    app.initialize([str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
                    "--Voila.port_retries=0", "--template=ecsrole"])
    # Set after the config files are read, so none of them can turn a protection off.
    app.token, app.ip, app.port, app.port_retries = token, "127.0.0.1", port, 0
    app.tornado_settings = {**app.tornado_settings, **app_protections(port)}
    print(f"The guide, on {' and '.join(targets)}: http://127.0.0.1:{port}/?token={token}",
          flush=True)
    app.start()  # Voila stops its kernels on SIGTERM itself
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole guide headlessly on one sandbox.")
    parser.add_argument("--notebooks", default="notebooks", help="folder of the notebooks")
    parser.add_argument("--out", default="build/guide", help="folder for executed notebooks and HTML")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name")
    parser.add_argument("--lab", action="store_true",
                        help="open JupyterLab on the notebooks instead, on one shared sandbox")
    parser.add_argument("--app", metavar="NOTEBOOK",
                        help="serve NOTEBOOK as a web page with Voila instead (make app)")
    parser.add_argument("--port", type=int, default=8866, help="the web page's port (--app)")
    parser.add_argument("--targets", default=None,
                        help="targets the web page may act on: sandbox (default) or sandbox,aws")
    parser.add_argument("names", nargs="*", help="notebooks to run (default: all, in order)")
    args = parser.parse_args(argv)
    if args.lab:
        return run_lab(Path(args.notebooks).resolve())
    if args.app:
        return run_app(Path(args.app).resolve(), args.port, app_targets(args.targets))
    names = tuple(args.names) or NOTEBOOKS
    return run_guide(Path(args.notebooks).resolve(), Path(args.out).resolve(), args.kernel, names)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
