"""The guide's marks on what it creates, which teardown looks for.

>>> OWNER_TAG
('created-by', 'ecsrole-guide')
"""

from __future__ import annotations

__all__ = ["ADDED_TAG", "OWNER_TAG"]

#: The tag that marks what the guide created; teardown removes only what carries it.
OWNER_TAG = ("created-by", "ecsrole-guide")
#: On a role that existed before the guide: what the guide added to it, so teardown
#: removes exactly that (space-separated tokens, see ``ecsrole_lib.steps.record``).
ADDED_TAG = "ecsrole-guide-added"
