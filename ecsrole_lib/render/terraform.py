"""The plan as a Terraform configuration (HCL, the AWS provider): one renderer, one file.

``export_terraform(spec)`` turns the same plan that ``apply`` runs into
resources: ``aws_iam_role`` (trust policy, path, description, permissions
boundary, tags), one ``aws_iam_role_policy_attachment`` per attach step,
``aws_iam_role_policy`` per inline policy, ``aws_iam_instance_profile``,
``aws_iam_policy`` for CloudWatch Logs, and ``aws_s3_bucket`` with its
``aws_s3_bucket_public_access_block`` and the ``ecs.config`` object
(``aws_s3_object``). The partition comes from ``data "aws_partition"``, the
account from ``data "aws_caller_identity"``, so the file works in any account.

What Terraform cannot express: ``awsvpcTrunking`` for one principal (the
role's). ``aws_ecs_account_setting_default`` sets the *account's default*,
for every principal without a setting of its own, so it is there only behind
``var.trunking_account_default`` (off); the per-principal setting is the
follow-up command in the file's header and in ``output "follow_up"``.

Every value from the spec is an HCL string written by :func:`string` (``\\"``,
``\\\\``, ``\\n``, ``\\uNNNN``; ``${`` and ``%{`` as ``$${`` and ``%%{``), so it
arrives exactly; policy documents are JSON in a heredoc, their values escaped
the same way.

>>> from ecsrole_lib import RoleSpec
>>> hcl = export_terraform(RoleSpec())
>>> 'resource "aws_iam_role" "container_instance_role" {' in hcl
True
>>> string("costs ${5} %{x}")
'"costs $${5} %%{x}"'
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .. import policies
from ..marks import USED_BY_TAG
from ..plan import Plan
from ..shell import comment
from ..spec import OWNER_TAG, RoleSpec
from ..steps import S3_INLINE_NAME, Step
from .base import Renderer, checked

__all__ = ["RESOURCES", "Ref", "TerraformRenderer", "export_terraform", "string"]

#: Addresses of the configuration's main resources.
RESOURCES = {
    "role": "aws_iam_role.container_instance_role",
    "instance_profile": "aws_iam_instance_profile.container_instance_profile",
    "logs_policy": "aws_iam_policy.cloudwatch_logs",
    "bucket": "aws_s3_bucket.config",
    "bucket_public_access_block": "aws_s3_bucket_public_access_block.config",
    "ecs_config": "aws_s3_object.ecs_config",
    "trunking_account_default": "aws_ecs_account_setting_default.awsvpc_trunking",
}
PARTITION = "data.aws_partition.current.partition"
ACCOUNT = "data.aws_caller_identity.current.account_id"


# ---------------------------------------------------------------------------------------
# HCL values: literal text is escaped, references are not.
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ref:
    """An HCL expression the configuration itself defines (``var.role_name`` ...)."""

    expression: str


def _escape_template(text: str) -> str:
    """``${`` and ``%{`` start HCL template sequences; doubled, they are the characters."""
    return text.replace("${", "$${").replace("%{", "%%{")


def _char(c: str) -> str:
    if c in _SIMPLE:
        return _SIMPLE[c]
    if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
    return c


_SIMPLE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _template(parts: tuple[Any, ...], escape) -> str:
    """The inside of an HCL template: literal parts through ``escape``, references as ``${...}``."""
    joined: list[Any] = []
    for part in parts:  # adjacent literals first joined: a "$" + "{" split must be escaped too
        if joined and isinstance(part, str) and isinstance(joined[-1], str):
            joined[-1] += part
        else:
            joined.append(part)
    parts = tuple(joined)
    out = []
    for index, part in enumerate(parts):
        if isinstance(part, Ref):
            out.append("${" + part.expression + "}")
            continue
        text = _escape_template(escape(part))
        after = parts[index + 1] if index + 1 < len(parts) else None
        if isinstance(after, Ref) and text.endswith(("$", "%")):
            # "$" then "${x}" would read as the escape "$${": write that last character
            # as an interpolation of itself.
            text = text[:-1] + '${"' + text[-1] + '"}'
        out.append(text)
    return "".join(out)


def string(*parts: Any) -> str:
    r"""A quoted HCL string of literal text and references; every literal character arrives.

    >>> string('a"b\\c', Ref("var.x"), "\n")
    '"a\\"b\\\\c${var.x}\\n"'
    """
    if len(parts) == 1 and isinstance(parts[0], Ref):
        return parts[0].expression
    return '"' + _template(tuple(p for p in parts if p != ""),
                           lambda text: "".join(map(_char, text))) + '"'


def _arn(arn: str, partition: str) -> tuple[Any, ...]:
    """An ARN from the spec, in the configuration's partition."""
    prefix = f"arn:{partition}:"
    if not arn.startswith(prefix):
        return (arn,)
    return ("arn:", Ref(PARTITION), ":" + arn[len(prefix):])


# Markers the plan's documents carry where a reference goes (no spec value holds a NUL).
_MARKERS = {"\0P\0": Ref(PARTITION), "\0A\0": Ref(ACCOUNT), "\0R\0": Ref("var.region"),
            "\0B\0": Ref(RESOURCES["bucket"] + ".id")}


def _parts(text: str) -> tuple[Any, ...]:
    pieces = re.split("(" + "|".join(map(re.escape, _MARKERS)) + ")", text)
    return tuple(_MARKERS.get(p, p) for p in pieces if p)


def _json_fragment(text: str) -> str:
    return json.dumps(text)[1:-1]  # ASCII only: every other character as \uNNNN


def document(doc: dict[str, Any]) -> str:
    """A policy document as JSON in a heredoc; the markers become references."""
    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return _Raw('"' + _template(_parts(value), _json_fragment) + '"')
        return value

    # <<- strips the common indentation; JSON strings hold no raw line break (escaped).
    body = "\n".join("    " + line for line in _dumps(walk(doc), "").split("\n"))
    return f"<<-EOT\n{body}\n  EOT"


@dataclass(frozen=True)
class _Raw:
    text: str


def _dumps(value: Any, indent: str) -> str:
    """JSON, with strings already rendered as template text (:class:`_Raw`)."""
    inner = indent + "  "
    if isinstance(value, _Raw):
        return value.text
    if isinstance(value, dict):
        items = [f'{inner}"{_template((k,), _json_fragment)}": {_dumps(v, inner)}'
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}" if items else "{}"
    if isinstance(value, list):
        items = [f"{inner}{_dumps(v, inner)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]" if items else "[]"
    return json.dumps(value)


def _tags(spec: RoleSpec) -> str:
    return _map(list(spec.tags.items()) + [OWNER_TAG])


def _map(pairs: list[tuple[str, str]]) -> str:
    keys = [string(k) for k, _ in pairs]
    width = max(map(len, keys), default=0)
    return "{\n" + "".join(f"    {k.ljust(width)} = {string(v)}\n"
                           for k, (_, v) in zip(keys, pairs, strict=True)) + "  }"


def _block(head: str, attributes: list[tuple[str, str]], why: list[str] = ()) -> str:
    width = max((len(name) for name, _ in attributes), default=0)
    lines = [comment(line) for line in why] + [head + " {"]
    lines += [f"  {name.ljust(width)} = {value}" for name, value in attributes]
    return "\n".join(lines + ["}"])


def _resource(address: str) -> str:
    kind, name = address.split(".")
    return f'resource "{kind}" "{name}"'


def _step_note(step: Step) -> str:
    return f"Plan step {step.id}: {step.title()} ({step.page_ref})"


def _name(step: Step) -> str:
    return re.sub(r"\W", "_", step.id)


# ---------------------------------------------------------------------------------------
# The renderer: each plan step as blocks (or as a note where Terraform needs none).
# ---------------------------------------------------------------------------------------
class TerraformRenderer(Renderer):
    """Each plan step as the HCL blocks that make it; a comment where nothing is needed."""

    def __init__(self, spec: RoleSpec):
        self.spec = spec

    def create_role(self, step: Step) -> list[str]:
        spec = self.spec
        trust = policies.trust_policy(spec.instance_kind, "\0P\0", "\0A\0", "\0R\0")
        attributes = [("name", "var.role_name"), ("path", string(spec.path))]
        if spec.description is not None:
            attributes.append(("description", string(spec.description)))
        attributes.append(("assume_role_policy", document(trust)))
        if spec.permissions_boundary:
            attributes.append(("permissions_boundary",
                               string(*_arn(spec.permissions_boundary, spec.partition))))
        attributes.append(("tags", _tags(spec)))
        return [_block(_resource(RESOURCES["role"]), attributes, [_step_note(step)])]

    def create_instance_profile(self, step: Step) -> list[str]:
        return [_block(_resource(RESOURCES["instance_profile"]), [
            ("name", "var.instance_profile_name"), ("path", string(self.spec.path)),
            ("role", RESOURCES["role"] + ".name"), ("tags", _tags(self.spec))],
            [_step_note(step), "Its role attribute is the next step, add_role_to_instance_profile."])]

    def _covered(self, step: Step, how: str) -> list[str]:
        return [comment(_step_note(step)) + "\n" + comment(how)]

    def add_role_to_instance_profile(self, step: Step) -> list[str]:
        return self._covered(step, f"{RESOURCES['instance_profile']}.role holds the role.")

    def wait_instance_profile(self, step: Step) -> list[str]:
        return self._covered(step, "The AWS provider waits until IAM shows the instance profile.")

    def attach_policy(self, step: Step) -> list[str]:
        action = step.action
        arn = (Ref(RESOURCES["logs_policy"] + ".arn") if action.made_by_step
               else _arn(action.policy_arn, self.spec.partition))
        return [_block(_resource(f"aws_iam_role_policy_attachment.{_name(step)}"), [
            ("role", RESOURCES["role"] + ".name"),
            ("policy_arn", string(*arn) if isinstance(arn, tuple) else string(arn))],
            [_step_note(step)])]

    def check_managed_policy(self, step: Step) -> list[str]:
        return self._covered(step, f"{policies.CONTAINER_INSTANCE_POLICY[1]} (attached above) "
                             f"{step.action.covered}.")

    def inline_policy(self, step: Step) -> list[str]:
        action = step.action
        if action.policy_name != S3_INLINE_NAME:
            raise TypeError(f"no Terraform for inline policy {action.policy_name}")
        doc = policies.config_read_policy("\0P\0", "\0B\0", self.spec.config_key)
        return [_block(_resource(f"aws_iam_role_policy.{_name(step)}"), [
            ("name", string(action.policy_name)), ("role", RESOURCES["role"] + ".name"),
            ("policy", document(doc))], [_step_note(step)])]

    def create_config_bucket(self, step: Step) -> list[str]:
        return [
            _block(_resource(RESOURCES["bucket"]), [
                ("bucket", "var.config_bucket"), ("tags", _tags(self.spec))],
                [_step_note(step)]),
            _block(_resource(RESOURCES["bucket_public_access_block"]), [
                ("bucket", RESOURCES["bucket"] + ".id"),
                *((name, "true") for name in ("block_public_acls", "block_public_policy",
                                              "ignore_public_acls", "restrict_public_buckets"))],
                ["Private: every public access blocked, as the page asks."]),
        ]

    def upload_ecs_config(self, step: Step) -> list[str]:
        spec = self.spec
        return [_block(_resource(RESOURCES["ecs_config"]), [
            ("bucket", RESOURCES["bucket"] + ".id"), ("key", string(spec.config_key)),
            ("content", string(step.action.body)),
            # The spec's role, whose instances copy it, as apply lists it (no S3 tag holds ',').
            ("tags", _map([OWNER_TAG, (USED_BY_TAG, spec.role_name.replace(",", ":"))]))],
            [_step_note(step)])]

    def create_logs_policy(self, step: Step) -> list[str]:
        spec = self.spec
        doc = policies.logs_policy(spec.least_privilege, "\0P\0", "\0R\0", "\0A\0")
        return [_block(_resource(RESOURCES["logs_policy"]), [
            ("name", "var.logs_policy_name"), ("path", string(spec.path)),
            ("policy", document(doc)), ("tags", _tags(spec))], [_step_note(step)])]

    def find_logs_policy(self, step: Step) -> list[str]:
        return self._covered(step, f"{RESOURCES['logs_policy']}.arn is the policy's ARN; no "
                             "lookup by name (erratum E4).")

    def enable_trunking(self, step: Step) -> list[str]:
        return [_block(_resource(RESOURCES["trunking_account_default"]), [
            ("count", "var.trunking_account_default ? 1 : 0"),
            ("name", string("awsvpcTrunking")), ("value", string("enabled"))], [
            _step_note(step),
            "Terraform cannot set awsvpcTrunking for one principal (the role's). This resource",
            "sets the ACCOUNT DEFAULT instead, for every principal without a setting of its own,",
            "so it is off unless var.trunking_account_default is true. For the role alone, run",
            "the command in output.follow_up after terraform apply (as for CloudFormation)."])]

    def show_activation(self, step: Step) -> list[str]:
        return self._covered(step, "Next, not run: an activation registers one machine: "
                             "aws ssm create-activation --iam-role <role_name> "
                             "--registration-limit 1")


# ---------------------------------------------------------------------------------------
# The file.
# ---------------------------------------------------------------------------------------
def _variable(name: str, default: str, description: str, kind: str = "string") -> str:
    return _block(f'variable "{name}"', [("type", kind), ("default", default),
                                         ("description", string(description))])


def _kinds(the_plan: Plan) -> set[str]:
    return {step.action.render_as for step in the_plan}


def _variables(spec: RoleSpec, kinds: set[str]) -> list[str]:
    blocks = [_variable("region", string(spec.region), "The spec's Region: Amazon S3 and "
                        "Amazon ECS are regional; IAM is global."),
              _variable("role_name", string(spec.role_name),
                        "The container instance role (console step 8: Role name).")]
    if "create_instance_profile" in kinds:
        blocks.append(_variable("instance_profile_name", string(spec.instance_profile_name),
                                "The instance profile that hands the role to Amazon EC2."))
    if "create_logs_policy" in kinds:
        blocks.append(_variable("logs_policy_name", string(spec.log_policy_name),
                                "The customer managed CloudWatch Logs policy."))
    if "create_config_bucket" in kinds:
        blocks.append(_variable("config_bucket", string(spec.config_bucket),
                                "The private bucket for ecs.config (bucket names are global)."))
    if "enable_trunking" in kinds:
        blocks.append(_variable("trunking_account_default", "false",
                                "Also enable awsvpcTrunking as the ACCOUNT DEFAULT, for every "
                                "principal without its own setting (not only this role).",
                                "bool"))
    return blocks


def _follow_up(kinds: set[str]) -> list[str]:
    if "enable_trunking" not in kinds:
        return []
    # Shell-quoted by Terraform itself: the ARN holds the spec's path.
    arn = "'${replace(" + RESOURCES["role"] + '.arn, "\'", "\'\\"\'\\"\'")}\''
    return [_block('output "follow_up"', [
        ("description", string("What Terraform cannot express: run after terraform apply.")),
        ("value", ("[\n    \"aws ecs put-account-setting --region ${var.region} --name "
                   f"awsvpcTrunking --value enabled --principal-arn {arn}\",\n  ]"))])]


def _outputs(kinds: set[str]) -> list[str]:
    blocks = [_block('output "role_arn"', [("value", RESOURCES["role"] + ".arn")])]
    if "create_instance_profile" in kinds:
        blocks.append(_block('output "instance_profile_arn"',
                             [("value", RESOURCES["instance_profile"] + ".arn")]))
    if "create_logs_policy" in kinds:
        blocks.append(_block('output "logs_policy_arn"',
                             [("value", RESOURCES["logs_policy"] + ".arn")]))
    if "create_config_bucket" in kinds:
        blocks.append(_block('output "config_bucket_arn"',
                             [("value", RESOURCES["bucket"] + ".arn")]))
    return blocks + _follow_up(kinds)


_PROVIDERS = """terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}"""



def export_terraform(spec: RoleSpec, the_plan: Plan | None = None) -> str:
    """A Terraform configuration (HCL, AWS provider) of ``spec``'s plan.

    Checked for syntax (``python-hcl2``) and for equality with
    :func:`~ecsrole_lib.render.cloudformation.export_cloudformation` (the same
    role, trust policy, managed policies, inline policies, bucket and tags); not
    applied by the guide's tests. ``spec`` and ``the_plan``: as
    :func:`~ecsrole_lib.render.base.checked` takes them.
    """
    spec, the_plan = checked(spec, the_plan)
    renderer = TerraformRenderer(spec)
    kinds = _kinds(the_plan)
    missing = [("awsvpcTrunking for the role's principal (aws ecs put-account-setting; "
                "output.follow_up)")] if "enable_trunking" in kinds else []
    head = ["\n".join([
        comment(f"Amazon ECS container instance IAM role {spec.role_name} ({spec.instance_kind}), "
                "as the AWS documentation creates it."),
        "# Made by ecsrole-guide from its plan, for the Terraform AWS provider. IAM is global:",
        "# apply it once per account. Checked for syntax and against the CloudFormation",
        "# template by the guide's tests; not applied by them.",
        *([comment("Not expressible in Terraform: " + "; ".join(missing) + ".")] if missing else []),
    ]),
        _PROVIDERS,
        _block('provider "aws"', [("region", "var.region")]),
        'data "aws_partition" "current" {}',
        'data "aws_caller_identity" "current" {}',
    ]
    blocks = head + _variables(spec, kinds)
    for step in the_plan:
        blocks += renderer.render(step)
    return "\n\n".join(blocks + _outputs(kinds)) + "\n"
