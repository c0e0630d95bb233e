"""The workshop kit's answer key, made from the question catalog (``make workshop``).

Writes ``answer-key.en.md`` and ``answer-key.ko.md`` into the folder given (default
``build/workshop``): every "check your understanding" question of the notebooks with its
answer, by notebook, from ``ecsrole_lib/notebook/questions.toml``, so the key can never disagree
with what the notebooks ask. The kit itself is ``notebooks/workshop/README.md`` (and
``README.ko.md``).

    python tools/workshop.py [FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

from ecsrole_lib.notebook.quiz import answer_key

TITLES = {"en": "# Answer key: the guide's questions, by notebook",
          "ko": "# 정답지: 노트북별 가이드 문제"}


def write(folder: Path) -> list[Path]:
    """Write one answer key per language into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lang, title in TITLES.items():
        path = folder / f"answer-key.{lang}.md"
        path.write_text(f"{title}\n\n{answer_key(lang)}", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "build/workshop")):
        print(path)
