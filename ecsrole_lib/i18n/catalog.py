"""Messages by id: an English and a Korean catalog, and Korean particles by construction.

A producer writes ``message("converge.rerun")`` or ``message("audit.findings", n=3)``.
The value is a :class:`Message`: a ``str`` holding the English text (so every English
output stays as it was) plus the message's id and fields. :func:`render` writes it in
another language from that language's catalog, by id: the Korean is written, not
derived from the English, and rewording the English cannot lose it.

The catalogs
    ``en/*.toml`` and ``ko/*.toml`` in this package (one file per part of the library,
    ``core.toml`` for the plan, steps and converge): one table per area, each key a
    message (``[audit] findings = "{n} finding(s)."`` is the id ``audit.findings``).
    An id held by two files of one language is an error.
    Both hold the same ids with the same fields; ``tests/test_messages.py`` checks it.
    A field that is itself a :class:`Message` is rendered in the same language; a
    plain text field goes through the older pattern table (``messages.KO``) until its
    producer is migrated too.

Korean particles
    A Korean template writes a particle after a field's name, ``{role:이}``,
    ``{name:을}``, ``{x:은}``, ``{x:과}``, ``{x:으로}`` (either form of the pair may be
    written), and the formatter picks the form that follows the value's last sound
    as it is read aloud (:func:`coda`): 이/을/은/과 after a final consonant,
    가/를/는/와 after a vowel; 으로 after a final consonant other than ㄹ, 로 after a
    vowel or ㄹ. Never "을(를)".

>>> text = message("audit.findings", n=3)
>>> text, text.id, text.fields
('3 finding(s).', 'audit.findings', {'n': 3})
>>> render(text, "ko")
'발견 사항 3개.'
>>> korean("{role:이} 없습니다", role="ecsInstanceRole"), korean("{p:을} 씁니다", p="정책")
('ecsInstanceRole이 없습니다', '정책을 씁니다')
"""

from __future__ import annotations

import re
import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Message", "catalog", "coda", "fields_of", "join", "korean", "message", "particle",
           "render", "template"]

LANGS = ("en", "ko")


class Message(str):
    """A message's English text, with the id and fields it was made from.

    ``str`` operations (``+``, slicing, ``.format``) give a plain ``str``: the result
    is English text again, and translated (if at all) by the older patterns.
    """

    def __new__(cls, text: str = "", id: str = "", fields: dict[str, Any] | None = None):
        self = super().__new__(cls, text)
        self.id = id
        self.fields = dict(fields or {})
        return self


class _Joined(Message):
    """Messages joined by a separator; each part is rendered on its own."""


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


@cache
def _names(lang: str) -> tuple[str, ...]:
    """The catalog files of ``lang``, in order."""
    return tuple(sorted(f.name for f in resources.files(__package__).joinpath(lang).iterdir()
                        if f.name.endswith(".toml")))


@cache
def _source(lang: str, name: str) -> str:
    return resources.files(__package__).joinpath(lang, name).read_text(encoding="utf-8")


@cache
def _file(lang: str, name: str) -> dict[str, str]:
    return _flatten(tomllib.loads(_source(lang, name)))


@cache
def catalog(lang: str) -> dict[str, str]:
    """Message id to template, from every ``{lang}/*.toml`` of this package.

    >>> catalog("en")["converge.rerun"] == message("converge.rerun")
    True
    """
    merged: dict[str, str] = {}
    for name in _names(lang):
        table = _file(lang, name)
        twice = sorted(table.keys() & merged.keys())
        if twice:
            raise ValueError(f"{lang}/{name}: message ids already in another file: {twice}")
        merged.update(table)
    return merged


#: A table's header in a catalog file: ``[converge]``, ``[doctor.fix]``.
_TABLE = re.compile(r"^\[(\w+)[.\]]", re.MULTILINE)


@cache
def _files_of(lang: str) -> dict[str, tuple[str, ...]]:
    """Each top-level table of ``lang``'s catalog and the files that hold it, from their
    headers alone: a message is looked up in its own file, not in all of them parsed."""
    holders: dict[str, tuple[str, ...]] = {}
    for name in _names(lang):
        for table in set(_TABLE.findall(_source(lang, name))):
            holders[table] = (*holders.get(table, ()), name)
    return holders


def template(lang: str, id: str) -> str:
    """The template of message ``id`` in ``lang``; ``KeyError`` for an id it does not hold.

    >>> template("ko", "audit.findings")
    '발견 사항 {n}개.'
    """
    for name in _files_of(lang).get(id.split(".", 1)[0], ()):
        found = _file(lang, name).get(id)
        if found is not None:
            return found
    return catalog(lang)[id]  # a key outside any table: the whole catalog, or KeyError


def fields_of(template: str) -> set[str]:
    """The field names a template uses (particle specs left out).

    >>> sorted(fields_of("{role:이} {policy}을 {{not}}"))
    ['policy', 'role']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def message(id: str, **fields: Any) -> Message:
    """The message ``id`` with ``fields``, in English; :func:`render` gives other languages.

    Raises ``KeyError`` for an id the English catalog does not hold.
    """
    return Message(template("en", id).format(**fields), id, fields)


def join(sep: str, parts) -> Message:
    """``sep.join(parts)``, keeping each part a message for :func:`render`.

    >>> render(join("; ", [message("converge.rerun"), "x"]), "ko").endswith("; x")
    True
    """
    parts = list(parts)
    return _Joined(sep.join(parts), "", {"sep": sep, "parts": parts})


def render(text: Any, lang: str) -> Any:
    """``text`` in ``lang``: a :class:`Message` from that language's catalog, by id.

    English (and any text that is not a message) comes back as it is.
    """
    if lang == "en" or not isinstance(text, Message):
        return text
    if isinstance(text, _Joined):
        return text.fields["sep"].join(str(_field(p, lang)) for p in text.fields["parts"])
    return korean(template(lang, text.id), **{k: _field(v, lang) for k, v in text.fields.items()})


def _field(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, str):
        from .messages import tr  # a text not migrated yet: the older patterns

        return tr(value, lang)
    return value


# ---------------------------------------------------------------------------------------
# Korean particles
# ---------------------------------------------------------------------------------------
#: Each particle pair: (after a final consonant, after a vowel).
PAIRS = {"이": ("이", "가"), "은": ("은", "는"), "을": ("을", "를"), "과": ("과", "와"),
         "으로": ("으로", "로")}
_FORMS = {form: pair for pair in PAIRS.values() for form in pair}
#: Sino-Korean readings' final consonant, per last digit: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ",
          "8": "ㄹ", "9": ""}
#: A number ending in zeros is read by its last unit: 십 백 천 만.
_UNIT = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 0: "ㄴ"}
#: Letters read by name (an acronym, a single letter): 엘 엠 엔 알 end in a consonant.
_LETTER = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}
#: The end of an English word as Korean writes it (role 롤, name 네임, stack 스택, spec 스펙, bucket 버킷).
_ENDINGS = [(r"ng$", "ㅇ"), (r"(l|le)$", "ㄹ"), (r"(m|me)$", "ㅁ"), (r"(n|ne)$", "ㄴ"),
            (r"[bp]$", "ㅂ"), (r"(ck|ec)$", "ㄱ"), (r"(^|[^aeiou])[aeiou]t$", "ㅅ")]
_JONG = "_ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_TAIL = re.compile(r"\s*\([^()]*\)$|[\s.,;:!?'\"`)\]}>*]$")


def coda(text: str) -> str:
    """The final consonant of ``text`` as it is read ("" after a vowel).

    - Hangul: the last syllable's final consonant (받침).
    - Digits: the number read in Sino-Korean (``2`` 이, ``3`` 삼, ``10`` 십, ``100`` 백).
    - Latin: an acronym (all capitals) or a single letter by the last letter's name
      (``IAM`` 엠, ``ARN`` 엔, ``ECS`` 에스); a word by how Korean writes its end: the
      last part of camelCase or of a name with ``-``/``_``/``/`` (``ecsInstanceRole``
      롤, ``my-config-bucket`` 버킷, ``cluster`` 클러스터).
    - A closing parenthesis, quote or stop is skipped: the particle follows the word
      before it, as in Korean writing.

    >>> [coda(w) for w in ("역할", "정책", "ecsInstanceRole", "ECS", "IAM", "10", "2", "cluster")]
    ['ㄹ', 'ㄱ', 'ㄹ', '', 'ㅁ', 'ㅂ', '', '']
    """
    while _TAIL.search(text):
        text = _TAIL.sub("", text)
    if not text:
        return ""
    last = text[-1]
    if "\uac00" <= last <= "\ud7a3":
        return _JONG[(ord(last) - 0xAC00) % 28].replace("_", "")
    if last in _DIGIT:
        digits = re.search(r"[0-9]+$", text).group()
        zeros = len(digits) - len(digits.rstrip("0"))
        return _DIGIT[last] if not zeros or zeros == len(digits) else _UNIT[zeros % 4]
    word = re.search(r"[A-Za-z]*$", text).group()
    word = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", word)[-1] if word else ""
    if not word:
        return ""
    if len(word) == 1 or word.isupper():
        return _LETTER.get(word[-1].lower(), "")
    return next((sound for pattern, sound in _ENDINGS if re.search(pattern, word.lower())), "")


def particle(value: str, form: str) -> str:
    """The form of ``form``'s pair that follows ``value``.

    >>> particle("역할", "로"), particle("정책", "로"), particle("ecsInstanceRole", "을")
    ('로', '으로', '을')
    """
    after_consonant, after_vowel = _FORMS[form]
    sound = coda(str(value))
    if after_consonant == "으로":
        return after_vowel if sound in ("", "ㄹ") else after_consonant
    return after_consonant if sound else after_vowel


#: A particle hedged both ways, as older templates write it, and the pair it belongs to.
_HEDGED = {"이(가)": "이", "을(를)": "을", "은(는)": "은", "과(와)": "과", "(으)로": "으로"}
_HEDGED_RE = re.compile("|".join(re.escape(h) for h in _HEDGED))


def settle(text: str) -> str:
    """``text`` with each hedged particle ("이(가)", "을(를)" ...) in the one form that
    follows the word before it (the older pattern table still writes them hedged).

    >>> settle('역할 ecsInstanceRole이(가) 없고 "ecr:BatchGetImage"을(를) 씁니다')
    '역할 ecsInstanceRole이 없고 "ecr:BatchGetImage"를 씁니다'
    """
    return _HEDGED_RE.sub(lambda m: particle(m.string[:m.start()], _HEDGED[m.group()]), text)


class _Korean(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in _FORMS:
            return f"{value}{particle(str(value), format_spec)}"
        return super().format_field(value, format_spec)


_FORMATTER = _Korean()


def korean(template: str, **fields: Any) -> str:
    """``template`` formatted with ``fields``, particles chosen by :func:`particle`."""
    return _FORMATTER.format(template, **fields)
