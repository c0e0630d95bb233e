"""The guide's marks on what it creates, which teardown looks for.

>>> OWNER_TAG
('created-by', 'ecsrole-guide')
"""

from __future__ import annotations

__all__ = ["ADDED_TAG", "INTENT", "OWNER_TAG", "USED_BY_TAG"]

#: The tag that marks what the guide created; teardown removes only what carries it.
OWNER_TAG = ("created-by", "ecsrole-guide")
#: On a role that existed before the guide: what the guide added to it, so teardown
#: removes exactly that (space-separated tokens, see ``ecsrole_lib.steps.record``).
ADDED_TAG = "ecsrole-guide-added"
#: A token of ``ADDED_TAG`` with this prefix is an intent, noted before the change: the
#: prefix is dropped once the change is made. Teardown undoes only a token without it.
INTENT = "adding:"
#: On the guide's ``ecs.config``: the roles (space-separated) of the guide setups whose
#: instances copy it at launch. Teardown of one keeps it while another is listed.
USED_BY_TAG = "ecsrole-guide-used-by"
