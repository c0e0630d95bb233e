"""Save every rendering of a dozen specs, and the committed notebooks' text outputs.

``python tools/snapshot.py OUTDIR`` writes one folder per spec and language (with and
without an account id) and one text file per notebook; ``diff -r A B`` compares two
snapshots. It is the check behind a change that must not change what anyone reads
(issue 20: moving the modules into subpackages), so it reads the library only
through names that exist in both layouts: the package's own (``ecsrole_lib.plan``
...) and, for a rendering without one, the module path after the move, then before.
Nothing here starts a sandbox or calls AWS: every file is a pure function of a spec.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ecsrole_lib as L

ACCOUNT = "111122223333"
BUCKET = "ecsrole-guide-config-snapshot"
#: name -> RoleSpec keyword arguments: each instance kind and feature, a custom name and path.
SPECS = {
    "base": {},
    "external": {"instance_kind": "external"},
    "external_logs": {"instance_kind": "external", "features": ["cloudwatch_logs"]},
    "ecr": {"features": ["ecr"]},
    "s3_config": {"features": ["s3_config"], "config_bucket": BUCKET},
    "s3_config_least": {"features": ["s3_config"], "config_bucket": BUCKET,
                        "config_key": "cfg/ecs.config", "least_privilege": True,
                        "cluster_name": "prod"},
    "cloudwatch_logs": {"features": ["cloudwatch_logs"]},
    "cloudwatch_logs_least": {"features": ["cloudwatch_logs"], "least_privilege": True,
                              "log_policy_name": "my-logs", "region": "eu-west-1"},
    "trunking": {"trunking": True, "role_name": "ecsTrunkRole"},
    "spot_draining": {"features": ["spot_draining"]},
    "extra": {"extra_policy_arns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                                    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]},
    "custom_names": {"role_name": "team-a-ecs", "instance_profile_name": "team-a-profile",
                     "path": "/ecs/", "tags": {"team": "a", "cost-center": "42"},
                     "description": "Team A's container instances",
                     "permissions_boundary": "arn:aws:iam::111122223333:policy/boundary"},
    "everything": {"features": ["ecr", "s3_config", "cloudwatch_logs", "spot_draining"],
                   "config_bucket": BUCKET, "trunking": True, "least_privilege": True,
                   "extra_policy_arns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]},
    "china": {"features": ["ecr", "cloudwatch_logs"], "region": "cn-north-1"},
}


def _find(name: str, *modules: str):
    """``name`` from the first of ``modules`` that has it (new layout first, then old)."""
    for module in modules:
        try:
            found = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(found, name):
            return getattr(found, name)
    raise LookupError(f"{name} in none of {modules}")


def _value(obj):
    """A JSON-ready form of a step's field (tuples as lists, mappings as dicts)."""
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {str(k): _value(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_value(v) for v in obj]
    return obj if isinstance(obj, (str, int, float, bool, type(None))) else repr(obj)


def _steps(the_plan) -> str:
    """Every field of every step (console, CLI, files, notes, findings), and its action's kind."""
    rows = []
    for step in the_plan:
        row = {f.name: _value(getattr(step, f.name)) for f in dataclasses.fields(step)
               if f.name != "action"}
        row["action"] = type(step.action).__name__
        row["render_as"] = getattr(step.action, "render_as", None)
        row["attaches"] = step.action.attaches(None)
        row["inline_documents"] = _value(step.action.inline_documents)
        rows.append(row)
    return json.dumps(rows, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _exports(spec) -> dict[str, str]:
    """What ``write_exports`` writes, by file name."""
    write_exports = _find("write_exports", "ecsrole_lib.render.export", "ecsrole_lib.render.export")
    with tempfile.TemporaryDirectory() as folder:
        written = write_exports(spec, folder, accounts=[ACCOUNT])
        return {f"export.{key}.{path.name}": path.read_text(encoding="utf-8")
                for key, path in sorted(written.items())}


def renderings(spec, lang: str, account: str | None) -> dict[str, str]:
    """Every rendering of ``spec`` in ``lang``, by file name."""
    cli = "ecsrole_lib.render.cli"
    cfn = "ecsrole_lib.render.cloudformation"
    tf = "ecsrole_lib.render.terraform"
    launch = ("ecsrole_lib.diagnose.launch", "ecsrole_lib.diagnose.launch")
    the_plan = L.plan(spec, lang=lang, account=account)
    launch_plan = _find("launch_plan", *launch)(spec)
    out = {
        "plan.txt": str(the_plan),
        "plan.html": the_plan._repr_html_(),
        "steps.json": _steps(the_plan),
        "console.txt": "\n".join(the_plan.console()),
        "commands.sh": "\n".join(the_plan.commands()),
        "files.json": json.dumps(the_plan.files(), indent=1, ensure_ascii=False),
        "managed_policy_arns.json": json.dumps(the_plan.managed_policy_arns(), indent=1),
        "inline_documents.json": json.dumps(the_plan.inline_documents(), indent=1),
        "export_cli.sh": _find("export_cli", cli)(spec, the_plan),
        "cloudformation.yaml": L.export_cloudformation(spec, the_plan),
        "cfn_follow_up.sh": _find("cloudformation_follow_up", cfn)(spec, the_plan),
        "cfn_follow_up_commands.txt": "\n".join(_find("follow_up_commands", cfn)(spec, the_plan)),
        "terraform.tf": _find("export_terraform", tf)(spec, the_plan),
        "stacksets.sh": _find("rollout_commands", cfn)(spec, accounts=[ACCOUNT]),
        "stacksets_org.sh": _find("rollout_commands", cfn)(
            spec, organization=True, organizational_unit_ids=["ou-abcd-12345678"]),
        "user_data.sh": L.user_data(spec),
        "ecs.config": L.ecs_config(spec),
        "launch_plan.txt": str(launch_plan),
        "launch_plan.html": launch_plan._repr_html_(),
    }
    if account is None and lang == "en":
        out.update(_exports(spec))
    return out


def errata_text() -> str:
    """The page's errors as the library lists them."""
    return json.dumps([dataclasses.asdict(e) for e in L.errata()], indent=1,
                      ensure_ascii=False) + "\n"


def _output_text(output: dict) -> str:
    """One cell output as text: streams, every text-like MIME type, errors."""
    if output.get("output_type") == "stream":
        return f"[stream {output.get('name')}]\n" + "".join(output.get("text", ""))
    if output.get("output_type") == "error":
        return f"[error {output.get('ename')}] {output.get('evalue')}"
    parts = []
    for mime, data in sorted(output.get("data", {}).items()):
        if mime.startswith("text/") or mime.endswith("json"):
            text = data if isinstance(data, str) else "".join(data) if isinstance(data, list) \
                else json.dumps(data, sort_keys=True)
            parts.append(f"[{output.get('output_type')} {mime}]\n{text}")
    return "\n".join(parts)


def notebook_text(path: Path) -> str:
    """The text outputs of every code cell of one committed notebook, cell by cell."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    blocks = []
    for number, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        outputs = "\n".join(_output_text(o) for o in cell.get("outputs", []))
        blocks.append(f"=== cell {number} ===\n{outputs}")
    return "\n".join(blocks) + "\n"


def save(out: Path) -> int:
    """Write the snapshot into ``out`` (emptied first); the number of files written."""
    if out.exists():
        shutil.rmtree(out)
    count = 0
    for name, options in SPECS.items():
        spec = L.RoleSpec(**options)
        for lang in ("en", "ko"):
            for account in (None, ACCOUNT):
                folder = out / "specs" / f"{name}.{lang}.{'account' if account else 'no-account'}"
                folder.mkdir(parents=True)
                for file, text in renderings(spec, lang, account).items():
                    (folder / file).write_text(text, encoding="utf-8")
                    count += 1
    (out / "errata.json").write_text(errata_text(), encoding="utf-8")
    for path in sorted(ROOT.glob("notebooks/**/*.ipynb")) + sorted(ROOT.glob("app/*.ipynb")):
        target = out / "notebooks" / (str(path.relative_to(ROOT)) + ".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(notebook_text(path), encoding="utf-8")
        count += 1
    return count + 1


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python tools/snapshot.py OUTDIR")
    print(f"{save(Path(argv[0]))} files in {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
