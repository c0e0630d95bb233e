"""IAM wildcard matching (issue 17): the hostile ``*?`` x N pattern against long values.

The worst case issue 17 found: a Resource ``arn:aws:ecs:us-east-1:ACCOUNT:`` + ``*?`` x N
+ ``X`` against an ARN whose last segment is long and holds no colon (every ``*`` can
take any part of it, and the ``X`` never comes). Reported, in microseconds per match
(median of ``repeat`` runs, each the mean of enough matches to last ~20 ms):

- ``ecsrole_lib.wildcards`` for N = 1 ... 30 against a segment of 1,000 characters, and for
  N = 30 against 100, 1,000 and 10,000 characters, with the cost per character of value;
- the same in text style (a ``StringLike`` value, an action name);
- ``evaluate()`` on a policy holding that Deny (the pattern compiled once, as the
  evaluator's cache keeps it);
- the regular expression the guide used before (``[^:]*[^:]`` per ``*?``), one match for
  N up to 5 on a 100-character segment only: each ``*?`` multiplied its time by 25-40
  here (N = 6 took 28 s).

Nothing is asserted: linear is the time growing with the value's length (10x the
characters, about 10x the time) and growing slowly with N (the state is one integer of
about ``len(pattern)`` bits).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from .common import median, table

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:ecs:us-east-1:{ACCOUNT}:"
STARS = (1, 2, 5, 10, 20, 30)
LENGTHS = (100, 1000, 10000)
OLD_STARS = (1, 2, 3, 4, 5)


def _per_call_us(call: Callable[[], Any], repeat: int, budget: float = 0.02) -> float:
    """Median over ``repeat`` runs of the mean microseconds per call (each run ~budget s)."""
    started = time.perf_counter()
    call()
    once = max(time.perf_counter() - started, 1e-7)
    count = max(1, min(10_000, int(budget / once)))
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(count):
            call()
        samples.append((time.perf_counter() - started) / count * 1e6)
    return median(samples)


def _once_us(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1e6


def _hostile(stars: int) -> str:
    return PREFIX + "*?" * stars + "X"


def _value(length: int) -> str:
    return PREFIX + "container-instance/" + "a" * length


def run(repeat: int = 3) -> dict[str, Any]:
    from ecsrole_lib.diagnose.access import evaluate
    from ecsrole_lib.wildcards import wildcard

    rows = []
    cases = [(n, 1000) for n in STARS] + [(30, length) for length in LENGTHS if length != 1000]
    for stars, length in cases:
        pattern, value = _hostile(stars), _value(length)
        arn, text = wildcard(pattern, "arn"), wildcard(pattern, "text")
        assert not arn.fullmatch(value) and not text.fullmatch(value)  # the miss is the worst
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ecs:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ecs:*", "Resource": pattern}]}
        rows.append({"stars": stars, "pattern_chars": len(pattern), "value_chars": len(value),
                     "arn_us": _per_call_us(partial(arn.fullmatch, value), repeat),
                     "text_us": _per_call_us(partial(text.fullmatch, value), repeat),
                     "evaluate_us": _per_call_us(
                         partial(evaluate, policy, "ecs:Poll", value), repeat)})
    old = []
    for stars in OLD_STARS:
        regex = re.compile(re.escape(PREFIX) + "[^:]*[^:]" * stars + "X", re.DOTALL)
        value = _value(100)
        old.append({"stars": stars, "value_chars": len(value),
                    "regex_us": _once_us(partial(regex.fullmatch, value))})
    return {"rows": rows, "old_regex": old}


def render(results: dict[str, Any]) -> str:
    rows = [[r["stars"], r["pattern_chars"], r["value_chars"], f"{r['arn_us']:.0f}",
             f"{r['arn_us'] / r['value_chars'] * 1000:.0f}", f"{r['text_us']:.0f}",
             f"{r['evaluate_us']:.0f}"] for r in results["rows"]]
    text = table(["*? x N", "pattern chars", "value chars", "arn us", "arn ns/char", "text us",
                  "evaluate() us"], rows,
                 "IAM wildcards: the hostile pattern of issue 17 against a long segment (no match; "
                 "microseconds per match, median)")
    old = [[r["stars"], r["value_chars"], f"{r['regex_us']:.0f}"] for r in results["old_regex"]]
    text += "\n\n" + table(["*? x N", "value chars", "old regex us"], old,
                           "Before: the regular expression the evaluator compiled ([^:]*[^:] per *?), "
                           "one match each")
    return text


if __name__ == "__main__":
    print(render(run()))
