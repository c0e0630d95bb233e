"""Issue 13's table: each row's figure from this run, its goal, met or missed.

Read from the results of the other benchmarks of the same run; a row whose
benchmark did not run says so. Nothing here asserts anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .common import table

NOTEBOOK_GOAL = 1.5
GUIDE_GOAL = 1.2


def _process_apply(r: dict[str, Any]) -> tuple[str, bool]:
    a = r["process"]["apply"]
    return f"{a['ratio']:.2f}x ({a['guide_median']:.2f} s vs {a['raw_median']:.2f} s)", a["met"]


def _imports(r: dict[str, Any]) -> tuple[str, bool]:
    imports = r["process"]["imports"]
    package = imports["import ecsrole_lib"]["median_ms"]
    boto3 = imports["import boto3"]["median_ms"]
    run = imports["from ecsrole_lib import RoleSpec, apply"]["median_ms"]
    return (f"{package:.0f} ms vs {boto3:.0f} ms (RoleSpec and apply loaded: {run:.0f} ms)",
            r["process"]["import_goal_met"])


def _round_trips(spec: str, operation: str) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    def row(r: dict[str, Any]) -> tuple[str, bool]:
        entry = r["latency"]["runs"][f"{spec}/{operation}"]
        return (f"{entry['ahead']['round_trips']} (one by one: {entry['one by one']['round_trips']})",
                entry["met"])
    return row


def _converged(r: dict[str, Any]) -> tuple[str, bool]:
    base, full = (r["latency"]["runs"][f"{s}/converged apply"] for s in ("base", "full"))
    return ((f"{base['ahead']['round_trips']} / {full['ahead']['round_trips']} (one by one: "
            f"{base['one by one']['round_trips']} / {full['one by one']['round_trips']})"),
            base["met"] and full["met"])


def _sandbox(r: dict[str, Any]) -> tuple[str, bool]:
    """From ``sandbox_start.run()`` as it is: the sandbox as users get it, and its goal."""
    found = r["sandbox"]["sandbox"]
    ready, peak = found["ready_seconds"], found["median_peak_at_ready_mib"]
    served = found.get("managed_policies_listed")
    return (f"{ready:.2f} s (best {found.get('best_ready_seconds', ready):.2f} s), {peak:.0f} MiB"
            + (f", {served} managed policies served" if served else ""),
            r["sandbox"]["goal"]["met"])


def _notebooks(r: dict[str, Any]) -> tuple[str, bool]:
    entries = r["notebooks"]["notebooks"]
    ratios = [e["ratio"] for e in entries.values() if "ratio" in e]
    failed = [name.split("_")[0] for name, e in entries.items() if "error" in e]
    if not ratios:
        raise KeyError("no notebook ran")
    text = f"{min(ratios):.2f}x - {max(ratios):.2f}x" + (f"; failed: {', '.join(failed)}" if failed else "")
    return text, max(ratios) <= NOTEBOOK_GOAL and not failed


def _guide(r: dict[str, Any]) -> tuple[str, bool]:
    entry = r["notebooks"]["make guide"]
    if "ratio" not in entry:
        return f"failed ({entry.get('error', 'no run')})", False
    return f"{entry['ratio']:.2f}x", entry["ratio"] <= GUIDE_GOAL


def _survey(r: dict[str, Any]) -> tuple[str, bool]:
    sizes = list(r["survey"]["sizes"].values())
    last = sizes[-1]
    growth = last.get("time_growth", 0)
    return ((f"{r['survey']['ms_per_role_marginal']:.0f} ms and "
            f"{r['survey']['reads_per_role_marginal']:.1f} reads per role; {growth:.1f}x time for "
            f"{last.get('role_growth', 0):.0f}x roles"), growth <= last.get("role_growth", 0) * 1.2)


ROWS: list[tuple[str, str, Callable[[dict[str, Any]], tuple[str, bool]]]] = [
    ("fresh process applying the base spec vs raw boto3's 4 calls (same moto server)",
     "<= 1.3x", _process_apply),
    ("import ecsrole_lib vs import boto3", "<= boto3 + 30 ms", _imports),
    ("sequential round trips, fresh base apply (page: 4 writes)", "<= 6",
     _round_trips("base", "fresh apply")),
    ("sequential round trips, converged re-apply, base / full", "<= 2 / <= 3", _converged),
    ("sandbox ready (server + first IAM call), peak memory", "<= 0.3 s, <= 100 MiB", _sandbox),
    ("each guide notebook headless vs the floor notebook", f"<= {NOTEBOOK_GOAL}x each", _notebooks),
    ("make guide vs six floors", f"<= {GUIDE_GOAL}x", _guide),
    ("survey as the account grows (10, 100, 1,000 roles)", "linear", _survey),
]


def render(results: dict[str, Any]) -> str:
    rows = []
    for what, goal, figure in ROWS:
        try:
            now, met = figure(results)
            verdict = "met" if met else "missed"
        except KeyError:
            now, verdict = "not run", ""
        rows.append([what, now, goal, verdict])
    load = os.getloadavg()
    meta = results.get("meta", {})
    start = meta.get("load_average_start", ["?"])[0]
    return table(["what", "now", "goal", ""], rows,
                 f"Issue 13's goals, this run (load average {start} at start, {load[0]:.2f} now, "
                 f"on {os.cpu_count()} CPUs; timings compare only on an idle machine)")
