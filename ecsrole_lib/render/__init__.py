"""The renderings of the plan, each one :class:`~ecsrole_lib.render.base.Renderer`.

- ``base.py``: the interface, one method per action kind.
- ``cli.py``: the guarded AWS CLI script (``export_cli``).
- ``cloudformation.py``: the template, its follow-up script, the StackSets recipe.
- ``terraform.py``: HCL for the Terraform AWS provider (``export_terraform``).

Nothing is imported here: ``import ecsrole_lib.render`` loads no renderer (and no YAML).
"""
