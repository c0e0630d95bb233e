"""A picture of a container instance role: who may assume it, its instance profile, its policies.

:func:`role_picture` reads what the target holds (read only) and compares it
with what the spec asks for: each box is ``ok``, ``missing`` (the spec asks
for it, the target lacks it), ``extra`` (held, not asked for) or ``wrong``
(a trusted principal that is not the one the spec names). In Jupyter the
picture is an SVG; as text it is a tree. Its words are in ``lang`` (messages
``diagram.*`` of the catalogs).

>>> from ecsrole_lib import RoleSpec
>>> picture = RolePicture(RoleSpec(), account="123456789012", exists=False)
>>> print(picture)
role ecsInstanceRole  [missing]
  trusted by ec2.amazonaws.com  [missing]
  instance profile ecsInstanceRole-profile  [missing]
  policy AmazonEC2ContainerServiceforEC2Role (AWS managed)  [missing]
>>> print(RolePicture(RoleSpec(), exists=False, lang="ko"))
역할 ecsInstanceRole  [없음]
  신뢰하는 보안 주체 ec2.amazonaws.com  [없음]
  인스턴스 프로파일 ecsInstanceRole-profile  [없음]
  정책 AmazonEC2ContainerServiceforEC2Role (AWS 관리형)  [없음]
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .. import policies
from ..i18n.catalog import message, render
from ..plan import plan
from ..spec import RoleSpec
from .evidence import role_holdings

__all__ = ["Box", "RolePicture", "role_picture"]

_COLOUR = {"ok": "#1a7f37", "missing": "#cf222e", "extra": "#9a6700", "wrong": "#cf222e",
           "other": "#57606a"}
_FILL = {"ok": "#dafbe1", "missing": "#ffebe9", "extra": "#fff8c5", "wrong": "#ffebe9",
         "other": "#f6f8fa"}


@dataclass(frozen=True)
class Box:
    """One thing in the picture and its state (``ok``, ``missing``, ``extra``, ``wrong``, ``other``)."""

    kind: str
    label: str
    state: str
    detail: str = ""


@dataclass
class RolePicture:
    """The role as the target holds it, against the spec."""

    spec: RoleSpec
    account: str = ""
    exists: bool = True
    principals: list[Box] = field(default_factory=list)
    profiles: list[Box] = field(default_factory=list)
    policies: list[Box] = field(default_factory=list)
    lang: str = "en"

    def __post_init__(self) -> None:
        if not self.exists and not (self.principals or self.profiles or self.policies):
            self.principals = [Box("principal", _expected_principal(self.spec), "missing")]
            if self.spec.instance_profile_name:
                self.profiles = [Box("profile", self.spec.instance_profile_name, "missing")]
            self.policies = [Box("policy", _policy_label(a), "missing")
                             for a in _expected_policies(self.spec, self.account or "${ACCOUNT_ID}")]

    @property
    def role_state(self) -> str:
        return "ok" if self.exists else "missing"

    def boxes(self) -> list[Box]:
        return [Box("role", self.spec.role_name, self.role_state),
                *self.principals, *self.profiles, *self.policies]

    def say(self, id: str, **fields) -> str:
        """Message ``diagram.<id>`` in the picture's language."""
        return render(message(f"diagram.{id}", **fields), self.lang)

    def _line(self, kind: str, box: Box) -> str:
        line = self.say(f"line_{kind}", label=render(box.label, self.lang),
                        state=self.say(f"state.{box.state}"))
        return "  " + line + (f"  {render(box.detail, self.lang)}" if box.detail else "")

    def __str__(self) -> str:
        lines = [self.say("line_role", role=self.spec.role_name,
                          state=self.say(f"state.{self.role_state}"))]
        lines += [self._line("principal", b) for b in self.principals]
        lines += [self._line("profile", b) for b in self.profiles]
        lines += [self._line("policy", b) for b in self.policies]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_svg_(self) -> str:
        return svg(self)


def _expected_principal(spec: RoleSpec) -> str:
    return "ec2.amazonaws.com" if spec.instance_kind == "ec2" else "ssm.amazonaws.com"


def _expected_policies(spec: RoleSpec, account: str) -> list[str]:
    """The plan's managed policies, then the inline policies its steps write."""
    the_plan = plan(spec, account=account)
    return the_plan.managed_policy_arns() + [
        f"inline:{name}" for step in the_plan for name in step.action.inline_checked]


def _policy_label(arn: str) -> str:
    if arn.startswith("inline:"):
        return message("diagram.inline", name=arn[len("inline:"):])
    kind = "aws_managed" if ":iam::aws:policy/" in arn else "customer_managed"
    return message(f"diagram.{kind}", name=arn.rsplit("/", 1)[-1])


def role_picture(spec: RoleSpec, session, lang: str = "en") -> RolePicture:
    """Read the role of ``spec`` on ``session``'s target (read only) and picture it, its
    words in ``lang``."""
    held = role_holdings(spec, session)
    account, role = held.account, held.role
    if role is None:
        return RolePicture(spec, account, exists=False, lang=lang)
    expected = _expected_principal(spec)
    principals: list[Box] = []
    document = policies.parse(role["AssumeRolePolicyDocument"])
    for statement in document.get("Statement", []):
        services = statement.get("Principal", {}).get("Service", [])
        for service in [services] if isinstance(services, str) else services:
            principals.append(Box("principal", service, "ok" if service == expected else "wrong",
                                  "" if service == expected else
                                  message("diagram.expected", principal=expected)))
    if not any(b.label == expected for b in principals):
        principals.append(Box("principal", expected, "missing"))
    profiles: list[Box] = []
    if spec.instance_profile_name:
        profiles.append(Box("profile", spec.instance_profile_name,
                            "ok" if spec.instance_profile_name in held.profiles else "missing"))
    profiles += [Box("profile", name, "other", message("diagram.not_spec")) for name in held.profiles
                 if name != spec.instance_profile_name]
    attached, inline = held.attached, [f"inline:{n}" for n in held.inline]
    wanted = _expected_policies(spec, account)
    boxes = [Box("policy", _policy_label(a), "ok" if a in attached + inline else "missing")
             for a in wanted]
    boxes += [Box("policy", _policy_label(a), "extra") for a in attached + inline if a not in wanted]
    return RolePicture(spec, account, True, principals, profiles, boxes, lang)


def _text(x: int, y: int, text: str, size: int = 12, weight: str = "normal",
          anchor: str = "start", colour: str = "#24292f") -> str:
    return (f'<text x="{x}" y="{y}" font-family="sans-serif" font-size="{size}" '
            f'font-weight="{weight}" text-anchor="{anchor}" fill="{colour}">'
            f"{html.escape(text)}</text>")


def _box(picture: RolePicture, x: int, y: int, w: int, h: int, box: Box, title: str) -> str:
    dash = ' stroke-dasharray="5,3"' if box.state == "missing" else ""
    room = (w - 16) // 7  # characters that fit, roughly, at 12 px
    label = render(box.label, picture.lang)
    label = label if len(label) <= room else label[:room - 1] + "…"
    detail = (_text(x + 8, y + 46, render(box.detail, picture.lang), 10,
                    colour=_COLOUR[box.state]) if box.detail else "")
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{_FILL[box.state]}" '
            f'stroke="{_COLOUR[box.state]}" stroke-width="1.5"{dash}/>'
            + _text(x + 8, y + 15, title, 10, colour="#57606a")
            + (_text(x + w - 8, y + 15, picture.say(f"state.{box.state}"), 10, "bold",
                     anchor="end", colour=_COLOUR[box.state]) if box.state != "other" else "")
            + _text(x + 8, y + 32, label, 12, "bold") + detail)


def _arrow(x1: int, y1: int, x2: int, y2: int, label: str) -> str:
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#57606a" stroke-width="1.5" '
            f'marker-end="url(#arrow)"/>'
            + _text((x1 + x2) // 2, min(y1, y2) - 5, label, 10, anchor="middle", colour="#57606a"))


def svg(picture: RolePicture) -> str:
    """The picture as an SVG document (deterministic: same state, same bytes)."""
    say = picture.say
    width, box_w, box_h = 1000, 260, 54
    left, middle, right = 10, 400, 730
    top = 40
    rows = max(len(picture.principals), len(picture.profiles), 1)
    policies_top = top + rows * (box_h + 12) + 40
    height = policies_top + max(len(picture.policies), 1) * (box_h + 10) + 50
    # As wide as the notebook lets it be, never wider than drawn: no horizontal scroll.
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" '
              f'style="max-width:{width}px" viewBox="0 0 {width} {height}">'),
             ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
              'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/>'
              '</marker></defs>'),
             '<rect width="100%" height="100%" fill="white"/>',
             _text(left, 20, say("title", role=picture.spec.role_name,
                                 kind=picture.spec.instance_kind), 14, "bold")]
    role_y = top + (rows - 1) * (box_h + 12) // 2
    parts.append(_box(picture, middle, role_y, box_w, box_h,
                      Box("role", picture.spec.role_name, picture.role_state), say("role")))
    for index, box in enumerate(picture.principals):
        y = top + index * (box_h + 12)
        parts.append(_box(picture, left, y, box_w, box_h, box, say("principal")))
        parts.append(_arrow(left + box_w, y + box_h // 2, middle, role_y + box_h // 2,
                            "sts:AssumeRole"))
    carrier = say("ec2_instance" if picture.spec.instance_kind == "ec2" else "external_instance")
    if not picture.profiles:
        parts.append(_box(picture, right, role_y, box_w, box_h,
                          Box("instance", carrier, "other", say("no_profile")), say("uses")))
        parts.append(_arrow(right, role_y + box_h // 2, middle + box_w, role_y + box_h // 2,
                            say("registers")))
    for index, box in enumerate(picture.profiles):
        y = top + index * (box_h + 12)
        parts.append(_box(picture, right, y, box_w, box_h, box, say("profile", carrier=carrier)))
        parts.append(_arrow(right, y + box_h // 2, middle + box_w, role_y + box_h // 2,
                            say("carries")))
    parts.append(_text(middle, policies_top - 12, say("policies"), 11, "bold"))
    last = policies_top + max(len(picture.policies) - 1, 0) * (box_h + 10) + box_h // 2
    parts.append(f'<line x1="{middle + 12}" y1="{role_y + box_h}" x2="{middle + 12}" '
                 f'y2="{last}" stroke="#57606a" stroke-width="1.5"/>')
    for index, box in enumerate(picture.policies):
        y = policies_top + index * (box_h + 10)
        parts.append(f'<line x1="{middle + 12}" y1="{y + box_h // 2}" x2="{middle + 30}" '
                     f'y2="{y + box_h // 2}" stroke="#57606a" stroke-width="1.5"/>')
        parts.append(_box(picture, middle + 30, y, width - middle - 40, box_h, box, say("policy")))
    legend_y = height - 18
    x = left
    for state in ("ok", "missing", "extra", "wrong"):
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
                     f'fill="{_FILL[state]}" stroke="{_COLOUR[state]}"/>')
        parts.append(_text(x + 16, legend_y, say(f"state.{state}"), 11))
        x += 90
    parts.append("</svg>")
    return "\n".join(parts)
