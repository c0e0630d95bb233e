"""Shell text from values, safe by construction: a value is data, never code.

Every rendering that writes bash (the plan's AWS CLI commands, the exported
script, the CloudFormation follow-up, the StackSets recipe) builds its words
here. There is one rule: a value from the spec is quoted, always, whatever it
holds; ``$(...)``, backticks, ``${...}``, newlines and other line separators
reach the command as the characters they are. The only things the shell
expands are the script's own variables and reads, and those are not strings:
they are :class:`ShellVar` and :class:`Subst` objects, made by the code that
defines them, never recognised by looking at a string.

>>> print(command("aws", "iam", "create-role", role_name="r", description="$(touch pwned)"))
aws iam create-role \\
    --role-name r \\
    --description '$(touch pwned)'
>>> print(command("aws", "iam", "attach-role-policy", policy_arn=ShellVar("POLICY_ARN")))
aws iam attach-role-policy --policy-arn "$POLICY_ARN"
>>> print(Word("arn:aws:iam::", ShellVar("ACCOUNT_ID"), ":role/$x").render())
"arn:aws:iam::$ACCOUNT_ID:role/\\$x"
"""

from __future__ import annotations

import json
import re
import shlex
import unicodedata
from dataclasses import dataclass
from typing import Any

__all__ = ["Assign", "FileRef", "ShellVar", "Subst", "Word", "command", "comment", "heredoc",
           "in_double_quotes", "option", "quote"]

_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")

# The AWS CLI reads a parameter that starts with one of these from a file or URL
# (awscli's paramfile handling), so such a value must not reach it as an argument.
_PARAMFILE_PREFIXES = ("file://", "fileb://", "http://", "https://")


@dataclass(frozen=True)
class ShellVar:
    """A variable the script itself defines (``ACCOUNT_ID``, ``POLICY_ARN`` ...).

    It is the only thing, besides :class:`Subst`, that the shell expands.
    """

    name: str

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"not a shell variable name the guide defines: {self.name!r}")

    def render(self) -> str:
        return '"$' + self.name + '"'

    def __str__(self) -> str:
        return "${" + self.name + "}"


@dataclass(frozen=True)
class Subst:
    """``$(...)`` of a command the guide built itself (its words already quoted)."""

    text: str

    def render(self) -> str:
        return '"$(' + self.text + ')"'


@dataclass(frozen=True)
class FileRef:
    """``file://name``: a file the commands write beside themselves (the page's documents)."""

    name: str

    def render(self) -> str:
        return quote_text("file://" + self.name)

    def __str__(self) -> str:
        return "file://" + self.name


@dataclass(frozen=True)
class Word:
    """One shell word made of literal text and the script's own variables.

    Literal parts are escaped for double quotes; a :class:`ShellVar` expands.
    """

    parts: tuple[Any, ...]

    def __init__(self, *parts: Any):
        object.__setattr__(self, "parts", tuple(p for p in parts if p != ""))

    def render(self) -> str:
        out = []
        for index, part in enumerate(self.parts):
            if isinstance(part, ShellVar):
                after = self.parts[index + 1] if index + 1 < len(self.parts) else ""
                # Braces only where a name character follows: "${" then appears in the
                # script only where a value put it (which a CloudFormation linter reads).
                joined = isinstance(after, str) and re.match(r"[A-Za-z0-9_]", after)
                out.append("${" + part.name + "}" if joined else "$" + part.name)
            elif isinstance(part, Subst):
                out.append("$(" + part.text + ")")
            else:
                out.append(in_double_quotes(str(part)))
        return '"' + "".join(out) + '"'

    def __str__(self) -> str:
        return "".join(str(p) for p in self.parts)


@dataclass(frozen=True)
class Assign:
    """``NAME=$(command)``: the script reads a value and keeps it in its variable."""

    variable: ShellVar
    command: str

    def render(self) -> str:
        return f"{self.variable.name}=$({self.command})"

    def __str__(self) -> str:
        return self.render()


def quote(value: Any) -> str:
    """One shell word holding exactly ``value``'s characters; nothing in it expands.

    >>> print(quote("it's $HOME"))
    'it'"'"'s $HOME'
    """
    if isinstance(value, (ShellVar, Subst, Word, FileRef)):
        return value.render()
    return quote_text(str(value))


def quote_text(text: str) -> str:
    """``text`` as one literal shell word (single quotes where needed)."""
    return shlex.quote(text)


def in_double_quotes(text: str) -> str:
    r"""``text`` for use inside a double-quoted shell word: nothing in it expands.

    >>> in_double_quotes('cost $5 for "${ACCOUNT_ID}"')
    'cost \\$5 for \\"\\${ACCOUNT_ID}\\"'
    """
    return "".join("\\" + c if c in '\\"`$' else c for c in text)


def json_value(value: Any) -> str:
    """``value`` as JSON for the AWS CLI (the form that carries any character exactly)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _api_member(option: str) -> str:
    """``role_name`` -> ``RoleName``: the API member an AWS CLI option stands for."""
    return "".join(part[:1].upper() + part[1:] for part in option.split("_"))


def option(name: str, value: Any) -> str:
    """One ``--name value`` of an AWS CLI command that delivers ``value`` exactly.

    A value the AWS CLI would read as a file or URL travels in
    ``--cli-input-json``; one that starts with ``-`` is written ``--name=value``.

    >>> print(option("key", "file://x"))
    --cli-input-json '{"Key":"file://x"}'
    >>> print(option("key", "-x"))
    --key=-x
    """
    flag = "--" + name.replace("_", "-")
    if isinstance(value, str) and value.startswith(_PARAMFILE_PREFIXES):
        return f"--cli-input-json {quote(json_value({_api_member(name): value}))}"
    if isinstance(value, str) and value.startswith("-"):
        return f"{flag}={quote(value)}"
    return f"{flag} {quote(value)}"


def command(*words: str, **options: Any) -> str:
    """An AWS CLI command the way the page writes it (one option a line).

    Every value is quoted (:func:`quote`); a :class:`ShellVar`, :class:`Subst`
    or :class:`Word` expands as the script defines it. A list gives the option
    several words. A value the AWS CLI would read as a file or URL
    (``file://...``, ``http://...``) travels in ``--cli-input-json`` instead, and
    one that starts with ``-`` is written ``--option=value``, so that every
    value arrives as it is.

    >>> print(command("aws", "iam", "create-instance-profile", instance_profile_name="p"))
    aws iam create-instance-profile --instance-profile-name p
    >>> print(command("aws", "iam", "update-role", role_name="r", description="-x"))
    aws iam update-role \\
        --role-name r \\
        --description=-x
    """
    parts = []
    as_json: dict[str, Any] = {}
    for key, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + key.replace("_", "-")
        if value is True:
            parts.append(flag)
        elif isinstance(value, (list, tuple)):
            parts.append(" ".join([flag] + [quote(v) for v in value]))
        elif isinstance(value, str) and value.startswith(_PARAMFILE_PREFIXES):
            as_json[_api_member(key)] = value  # one --cli-input-json for all of them
        else:
            parts.append(option(key, value))
    if as_json:
        parts.append(f"--cli-input-json {quote(json_value(as_json))}")
    head = " ".join(words)
    if len(parts) <= 1:
        return " ".join([head] + parts)
    return " \\\n    ".join([head] + parts)


def comment(text: str) -> str:
    r"""A ``#`` comment line holding ``text``, which can never end the comment early.

    Line breaks of every kind and other control characters are written as
    escapes, so a value can only ever be read, never run.

    >>> comment("key a\nrm -rf ~")
    '# key a\\nrm -rf ~'
    """
    safe = []
    for char in text:
        if char in "\n\r\t" or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            safe.append(char.encode("unicode_escape").decode("ascii"))
        else:
            safe.append(char)
    return "# " + "".join(safe)


def heredoc(name: str, text: str | tuple[Any, ...]) -> str:
    r"""A ``cat > name`` that writes ``text`` exactly, with a final newline.

    ``text`` is a string, written literally, or a tuple of literal strings and
    :class:`ShellVar` parts: then only those variables are filled in by the
    shell, and every literal character stays as it is.

    >>> print(heredoc("a.json", '{"Resource": "arn:aws:s3:::b/$HOME"}'))
    cat > a.json <<'EOF'
    {"Resource": "arn:aws:s3:::b/$HOME"}
    EOF
    >>> print(heredoc("b.txt", ("cost $5 in ", ShellVar("ACCOUNT_ID"))))
    cat > b.txt <<EOF
    cost \$5 in ${ACCOUNT_ID}
    EOF
    """
    parts = (text,) if isinstance(text, str) else tuple(text)
    literal = "".join(p for p in parts if isinstance(p, str))
    if literal.endswith("\n") and isinstance(parts[-1], str):
        parts = parts[:-1] + (parts[-1][:-1],)
    delimiter = "EOF"
    while delimiter in literal.split("\n"):  # bash ends a here-document only at a "\n"
        delimiter += "_"
    if all(isinstance(p, str) for p in parts):  # a quoted delimiter: every character literal
        return f"cat > {quote(name)} <<'{delimiter}'\n{''.join(parts)}\n{delimiter}"
    body = "".join("${" + p.name + "}" if isinstance(p, ShellVar)
                   else "".join("\\" + c if c in "\\`$" else c for c in p) for p in parts)
    return f"cat > {quote(name)} <<{delimiter}\n{body}\n{delimiter}"
