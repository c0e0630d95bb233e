"""Sandbox start time and memory, with and without AWS managed policies.

Each reading is taken in a fresh Python process (``python -m
benchmarks.sandbox_start --probe with|without``), which reads its own
``/proc/self/status`` after each phase:

* ``import``: ``import ecsrole_lib`` (boto3, botocore, moto's server not yet);
* ``server``: ``_Server()`` - moto's threaded server up on 127.0.0.1 and reset;
* ``first IAM call``: moto builds its IAM backend on the first IAM request; with
  ``MOTO_IAM_LOAD_MANAGED_POLICIES=true`` that parses and builds every AWS
  managed policy (about 1,400), which the guide needs (it attaches
  ``AmazonEC2ContainerServiceforEC2Role`` and reads its document);
* ``reset``: ``/moto-api/reset`` once IAM is built, as tests do before each test
  (moto rebuilds the IAM backend, managed policies included).

``_Server`` always sets ``MOTO_IAM_LOAD_MANAGED_POLICIES=true``; the
``without`` probe sets it back to ``false`` after the server starts and before
the first IAM call (moto reads it when it builds the backend), to show what
the managed policies cost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from .common import ROOT, median, memory_mib, table

MODES = ("with", "without")
PHASES = ("import", "server", "first IAM call", "reset")


def probe(mode: str) -> dict[str, Any]:
    """Run in a fresh process: time and memory after each phase."""
    out: dict[str, Any] = {"mode": mode, "seconds": {}, "rss_mib": {}}

    def mark(phase: str, started: float) -> float:
        now = time.perf_counter()
        out["seconds"][phase] = now - started
        out["rss_mib"][phase] = memory_mib()["VmRSS"]
        return now

    started = time.perf_counter()
    out["rss_mib"]["python"] = memory_mib()["VmRSS"]
    import ecsrole_lib  # noqa: F401
    from ecsrole_lib.sandbox import SandboxSession, _Server

    started = mark("import", started)
    server = _Server()
    started = mark("server", started)
    if mode == "without":
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
    iam = SandboxSession(server.endpoint_url).client("iam")
    started = time.perf_counter()  # the client's construction is not the sandbox's cost
    iam.get_account_summary()
    started = mark("first IAM call", started)
    server.reset()
    iam.get_account_summary()
    mark("reset", started)
    pages = iam.get_paginator("list_policies").paginate(Scope="AWS")
    out["managed_policies"] = sum(len(page["Policies"]) for page in pages)
    out["peak_rss_mib"] = memory_mib()["VmHWM"]
    server.stop()
    return out


def run(repeat: int = 5) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("ECSROLE_SANDBOX_ENDPOINT", None)
    results: dict[str, Any] = {}
    for mode in MODES:
        samples = []
        for _ in range(repeat):
            done = subprocess.run([sys.executable, "-m", "benchmarks.sandbox_start", "--probe", mode],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                                  check=True)
            samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        results[mode] = {
            "repeat": repeat,
            "median_seconds": {p: round(median(s["seconds"][p] for s in samples), 3) for p in PHASES},
            "median_rss_mib": {p: round(median(s["rss_mib"][p] for s in samples), 1)
                               for p in ("python",) + PHASES},
            "median_peak_rss_mib": round(median(s["peak_rss_mib"] for s in samples), 1),
            "ready_seconds": round(median(s["seconds"]["server"] + s["seconds"]["first IAM call"]
                                          for s in samples), 3),
            "managed_policies_listed": samples[0]["managed_policies"],
        }
    return results


def render(results: dict[str, Any]) -> str:
    rows = []
    for phase in PHASES:
        row = [phase]
        for mode in MODES:
            row += [f"{results[mode]['median_seconds'][phase]:.3f}",
                    f"{results[mode]['median_rss_mib'][phase]:.0f}"]
        rows.append(row)
    rows.append(["ready (server + first IAM call)",
                 f"{results['with']['ready_seconds']:.3f}", "",
                 f"{results['without']['ready_seconds']:.3f}", ""])
    rows.append(["peak RSS", "", f"{results['with']['median_peak_rss_mib']:.0f}",
                 "", f"{results['without']['median_peak_rss_mib']:.0f}"])
    repeat = results["with"]["repeat"]
    return table(["phase", "with s", "with RSS MiB", "without s", "without RSS MiB"], rows,
                 f"Sandbox start (median of {repeat} fresh processes; RSS after the phase; "
                 "with/without AWS managed policies)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        print(json.dumps(probe(sys.argv[2])))
    else:
        print(render(run()))
