"""``make bench``: run the benchmarks, print their tables, write ``build/bench.json``.

    python -m benchmarks                      # everything, then issue 13's goals table
    python -m benchmarks --only calls,latency  # some of: calls, latency, process, sandbox,
                                               # notebooks, survey, decided, screens, wildcards
    python -m benchmarks --repeat 5 --no-guide

Every timed figure is the median of ``--repeat`` runs (sandbox start and fresh
processes: at least 5). Nothing here asserts a time; the goals are reported as
met or missed, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

from . import (
    calls,
    decided,
    goals,
    latency,
    notebooks,
    process,
    sandbox_start,
    screens,
    survey_scale,
    wildcards,
)
from .common import BUILD

SECTIONS = ("calls", "latency", "process", "sandbox", "notebooks", "survey", "decided", "screens",
            "wildcards")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed figure (default 3)")
    parser.add_argument("--no-guide", action="store_true", help="skip timing `make guide`")
    parser.add_argument("--json", default=str(BUILD / "bench.json"), help="where to write results")
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    # The benchmarks make their own sandboxes; a shared one from the caller would skew them.
    os.environ.pop("ECSROLE_SANDBOX_ENDPOINT", None)
    started = time.perf_counter()
    results: dict = {"meta": {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "repeat": args.repeat, "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                              "load_average_start": [round(x, 2) for x in os.getloadavg()]}}
    texts = []
    if "calls" in wanted:
        results["calls"] = calls.run(args.repeat)
        texts.append(calls.render(results["calls"]))
        print(texts[-1] + "\n", flush=True)
    if "latency" in wanted:
        results["latency"] = latency.run(args.repeat)
        texts.append(latency.render(results["latency"]))
        print(texts[-1] + "\n", flush=True)
    if "process" in wanted:
        results["process"] = process.run(max(args.repeat, 5))
        texts.append(process.render(results["process"]))
        print(texts[-1] + "\n", flush=True)
    if "sandbox" in wanted:
        results["sandbox"] = sandbox_start.run(max(args.repeat, 5))
        texts.append(sandbox_start.render(results["sandbox"]))
        print(texts[-1] + "\n", flush=True)
    if "notebooks" in wanted:
        results["notebooks"] = notebooks.run(args.repeat, guide=not args.no_guide)
        texts.append(notebooks.render(results["notebooks"]))
        print(texts[-1] + "\n", flush=True)
    if "survey" in wanted:
        results["survey"] = survey_scale.run(args.repeat)
        texts.append(survey_scale.render(results["survey"]))
        print(texts[-1] + "\n", flush=True)
    if "decided" in wanted:
        results["decided"] = decided.run()
        texts.append(decided.render(results["decided"]))
        print(texts[-1] + "\n", flush=True)
    if "screens" in wanted:
        results["screens"] = screens.run()
        texts.append(screens.render(results["screens"]))
        print(texts[-1] + "\n", flush=True)
    if "wildcards" in wanted:
        results["wildcards"] = wildcards.run(args.repeat)
        texts.append(wildcards.render(results["wildcards"]))
        print(texts[-1] + "\n", flush=True)
    texts.append(goals.render(results))
    print(texts[-1] + "\n", flush=True)
    results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    # Timings are only comparable on an otherwise idle machine: say how busy it was.
    results["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    BUILD.mkdir(exist_ok=True)
    path = args.json
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as out:
        json.dump(results, out, indent=2, sort_keys=False)
    with open(os.path.splitext(path)[0] + ".txt", "w") as out:
        out.write("\n\n".join(texts) + "\n")
    meta = results["meta"]
    print(f"wrote {os.path.relpath(path)} ({meta['seconds']} s; load average "
          f"{meta['load_average_start'][0]} at start, {meta['load_average_end'][0]} at end, "
          f"on {meta['cpus']} CPUs: timings are comparable only on an idle machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
