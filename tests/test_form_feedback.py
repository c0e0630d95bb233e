"""Issue 19: the form says what is wrong in words, and never says "ready" while it is wrong.

The rule is IAM's own (botocore's model: role names are ``[\\w+=,.@-]+``, where ``\\w``
is a letter, a digit or ``_``); the test writes what a learner must read, not the pattern.
"""

from __future__ import annotations

import pytest

from ecsrole_lib import RoleSpec, ValidationError
from ecsrole_lib.notebook.forms import RoleForm


def test_a_bad_role_name_is_said_in_words_naming_the_characters():
    with pytest.raises(ValidationError) as err:
        RoleSpec(role_name="my role!")
    text = str(err.value)
    assert "role_name" in text
    assert "letters, digits and + = , . @ _ -" in text
    assert "' '" in text and "'!'" in text
    assert "[\\w" not in text and "pattern" not in text  # no regular expression for a learner


@pytest.mark.parametrize("lang, ready, not_ready, words", [
    ("en", "Ready:", "Not ready", "letters, digits and"),
    ("ko", "준비됨", "준비되지 않음", "영문자, 숫자와"),
])
def test_the_form_is_not_ready_while_a_field_is_invalid(lang, ready, not_ready, words):
    form = RoleForm(lang=lang)
    assert form.status.value.startswith(ready)  # the default choices make a plan
    form.w_role_name.value = "my role!"
    assert not form.status.value.startswith(ready), form.status.value
    assert not_ready in form.status.value
    assert form.button.disabled
    assert words in form.problems.value and "[\\w" not in form.problems.value
    form.w_role_name.value = "ecsInstanceRole"
    assert form.status.value.startswith(ready) and not form.button.disabled


@pytest.mark.cli
def test_a_cli_apply_says_it_applied_then_audited(endpoint):
    """Issue 19 ("each report says what happened"): the AWS CLI made the writes, an audit read
    them back; the summary says apply first, not "audit on sandbox"."""
    from ecsrole_lib.notebook.forms import RoleForm

    result = RoleForm(method="cli").run()
    assert result.summary.startswith("apply with the AWS CLI, then audited: audit on sandbox"), \
        result.summary


def test_a_language_change_shows_the_last_report_again_in_that_language(endpoint):
    form = RoleForm()
    form.run()
    assert "apply on sandbox" in form.output.outputs[0]["data"]["text/plain"]
    form.w_lang.value = "ko"
    shown = form.output.outputs[0]["data"]["text/plain"]
    assert "샌드박스에서 적용" in shown and "apply on sandbox" not in shown, shown


@pytest.mark.parametrize("lang, ready", [("en", "Ready:"), ("ko", "준비됨")])
def test_the_live_form_after_a_run_starts_afresh_and_its_apply_still_works(endpoint, lang, ready):
    """Issue 19 ("each thing once"): 01 shows ``form.run()``'s report in its cell, then the
    form; the form must not show that report again, and its button still applies."""
    form = RoleForm(lang=lang)
    form.run()
    assert form.output.outputs  # what run() showed under the button
    live = form.live()
    assert live is form and form.output.outputs == ()
    assert form.status.value.startswith(ready) and form.tabs.selected_index is None
    form.w_role_name.value = "ecsLiveRole"
    form.button.click()
    shown = form.output.outputs[0]["data"]["text/plain"]
    assert "role/ecsLiveRole" in shown, shown
    assert form.session.client("iam").get_role(RoleName="ecsLiveRole")["Role"]["RoleName"] == "ecsLiveRole"
