"""Sandbox start time and memory: the sandbox as users get it, moto's eager load, no policies.

Each reading is taken in a fresh Python process (``python -m
benchmarks.sandbox_start --probe MODE``), which reads its own
``/proc/self/status`` after each phase:

* ``import``: ``import ecsrole_lib`` (boto3, botocore; moto's server not yet);
* ``server``: the moto server up on 127.0.0.1 and reset (``_Server()``);
* ``first IAM call``: ``GetAccountSummary``; moto builds its IAM backends on the
  first request (one per partition);
* ``first ECS call``, ``first S3 call``: the other backends the guide touches
  (Amazon ECS imports moto's Amazon EC2 models);
* ``reset``: ``/moto-api/reset`` once the backends are built, as tests do.

Modes:

``sandbox``
    ``_Server()`` as users get it: corrected moto, AWS managed policies built
    when first referenced, IAM, STS and Amazon S3 warmed in a background thread.
``sandbox, no warm-up``
    the same without the background thread (IAM, STS and Amazon S3 warmed).
``moto eager``
    what the sandbox was before: a plain ``ThreadedMotoServer`` with
    ``MOTO_IAM_LOAD_MANAGED_POLICIES=true`` (every AWS managed policy built in
    every IAM backend).
``no managed policies``
    a plain ``ThreadedMotoServer`` without AWS managed policies: the floor.
``standalone``
    ``python -m ecsrole_lib.sandbox.server`` in its own process (``make guide``):
    ``server`` is the time until it prints its endpoint; memory is that
    process's (its CPU is not counted in "ready, CPU s", which is the probe's
    own); the first calls come 1 s after the endpoint (a kernel starting,
    not counted), while the process builds its backends on its own core.

Every mode then lists the AWS managed policies (``ListPolicies`` ``Scope=AWS``,
paginated) to show they are all served. The goal (issue 13): ready (server +
first IAM call) <= 0.3 s and peak memory at ready <= 100 MiB, every AWS
managed policy served.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from .common import ROOT, median, memory_mib, table

MODES = ("sandbox", "sandbox, no warm-up", "moto eager", "no managed policies", "standalone")
PHASES = ("import", "server", "first IAM call", "first ECS call", "first S3 call", "reset")
GOAL_SECONDS, GOAL_MIB = 0.3, 100.0


def _plain_server():
    """moto's own ThreadedMotoServer, uncorrected (what ``_Server`` was before)."""
    import logging

    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    from ecsrole_lib.sandbox.server import _free_port

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    server.endpoint_url = f"http://{host}:{port}"
    server.reset = lambda: _reset(server.endpoint_url)
    return server


def _reset(endpoint_url: str) -> None:
    import urllib.request

    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()


class _Standalone:
    """``python -m ecsrole_lib.sandbox.server`` as ``make guide`` starts it."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "ecsrole_lib.sandbox.server"], cwd=ROOT,
                                        stdout=subprocess.PIPE, text=True)
        self.endpoint_url = self.process.stdout.readline().strip()

    def reset(self) -> None:
        _reset(self.endpoint_url)

    def memory(self) -> dict[str, float]:
        return memory_mib(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def probe(mode: str) -> dict[str, Any]:
    """Run in a fresh process: time and memory after each phase."""
    out: dict[str, Any] = {"mode": mode, "seconds": {}, "rss_mib": {}}
    standalone: _Standalone | None = None

    def memory() -> dict[str, float]:
        return standalone.memory() if standalone else memory_mib()

    def mark(phase: str, started: float) -> None:
        out["seconds"][phase] = time.perf_counter() - started
        out["rss_mib"][phase] = memory()["VmRSS"]

    started = time.perf_counter()
    import ecsrole_lib  # noqa: F401
    from ecsrole_lib.sandbox.server import SandboxSession, _Server

    mark("import", started)
    if mode == "no managed policies":
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
    elif mode == "moto eager":
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "standalone":
        server = standalone = _Standalone()
    elif mode in ("moto eager", "no managed policies"):
        server = _plain_server()
    else:
        server = _Server() if mode == "sandbox" else _Server(warm=())
    mark("server", started)
    session = SandboxSession(server.endpoint_url)
    iam = session.client("iam")
    if standalone:
        time.sleep(1.0)  # a kernel starting meanwhile (make guide starts them after the endpoint)
    started = time.perf_counter()  # the client's construction is not the sandbox's cost
    iam.get_account_summary()
    mark("first IAM call", started)
    # CPU seconds of this process (every thread) to ready: what a busy machine disturbs least.
    out["ready_cpu_seconds"] = time.process_time() - cpu
    out["peak_at_ready_mib"] = memory()["VmHWM"]
    ecs, s3 = session.client("ecs"), session.client("s3")
    started = time.perf_counter()
    ecs.list_clusters()
    mark("first ECS call", started)
    started = time.perf_counter()
    s3.list_buckets()
    mark("first S3 call", started)
    started = time.perf_counter()
    server.reset()
    iam.get_account_summary()
    mark("reset", started)
    pages = iam.get_paginator("list_policies").paginate(Scope="AWS")
    out["managed_policies"] = sum(len(page["Policies"]) for page in pages)
    out["peak_rss_mib"] = memory()["VmHWM"]
    server.stop()
    return out


def run(repeat: int = 5) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("ECSROLE_SANDBOX_ENDPOINT", None)
    env["PYTHONPATH"] = str(ROOT)
    results: dict[str, Any] = {"load_average": [round(x, 2) for x in os.getloadavg()]}
    for mode in MODES:
        samples = []
        for _ in range(repeat):
            done = subprocess.run([sys.executable, "-m", "benchmarks.sandbox_start", "--probe", mode],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                                  check=True)
            samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        readies = [s["seconds"]["server"] + s["seconds"]["first IAM call"] for s in samples]
        ready = round(median(readies), 3)
        peak_at_ready = round(median(s["peak_at_ready_mib"] for s in samples), 1)
        listed = samples[0]["managed_policies"]
        results[mode] = {
            "repeat": repeat,
            "median_seconds": {p: round(median(s["seconds"][p] for s in samples), 3) for p in PHASES},
            "median_rss_mib": {p: round(median(s["rss_mib"][p] for s in samples), 1) for p in PHASES},
            "median_peak_at_ready_mib": peak_at_ready,
            "median_peak_rss_mib": round(median(s["peak_rss_mib"] for s in samples), 1),
            "ready_seconds": ready,
            "best_ready_seconds": round(min(readies), 3),  # the least disturbed run, on a busy machine
            "ready_cpu_seconds": round(median(s["ready_cpu_seconds"] for s in samples), 3),
            "managed_policies_listed": listed,
        }
    eager = results["moto eager"]["managed_policies_listed"]
    mine = results["sandbox"]
    results["goal"] = {
        "ready_seconds": GOAL_SECONDS, "peak_at_ready_mib": GOAL_MIB,
        "met": (mine["ready_seconds"] <= GOAL_SECONDS and mine["median_peak_at_ready_mib"] <= GOAL_MIB
                and mine["managed_policies_listed"] == eager),
    }
    return results


def render(results: dict[str, Any]) -> str:
    headers = ["phase"] + [f"{m} s / MiB" for m in MODES]
    rows = []
    for phase in PHASES:
        rows.append([phase] + [f"{results[m]['median_seconds'][phase]:.3f} / "
                               f"{results[m]['median_rss_mib'][phase]:.0f}" for m in MODES])
    rows.append(["ready (server + first IAM call)"] + [f"{results[m]['ready_seconds']:.3f}"
                                                       for m in MODES])
    rows.append(["ready, best run"] + [f"{results[m]['best_ready_seconds']:.3f}" for m in MODES])
    rows.append(["ready, CPU s of this process"] + [f"{results[m]['ready_cpu_seconds']:.3f}"
                                                   for m in MODES])
    rows.append(["peak RSS at ready"] + [f"{results[m]['median_peak_at_ready_mib']:.0f}"
                                         for m in MODES])
    rows.append(["peak RSS at the end"] + [f"{results[m]['median_peak_rss_mib']:.0f}" for m in MODES])
    rows.append(["AWS managed policies listed"] + [str(results[m]["managed_policies_listed"])
                                                   for m in MODES])
    repeat = results["sandbox"]["repeat"]
    mine, goal = results["sandbox"], results["goal"]
    verdict = (f"goal: ready <= {goal['ready_seconds']} s and <= {goal['peak_at_ready_mib']:.0f} MiB "
               f"peak, every AWS managed policy served: sandbox {mine['ready_seconds']:.3f} s "
               f"(best {mine['best_ready_seconds']:.3f} s, CPU {mine['ready_cpu_seconds']:.3f} s; "
               "moto's eager load "
               f"{results['moto eager']['ready_seconds']:.3f} s), "
               f"{mine['median_peak_at_ready_mib']:.0f} MiB, "
               f"{mine['managed_policies_listed']} of {results['moto eager']['managed_policies_listed']}"
               f" policies -> {'met' if goal['met'] else 'missed'}"
               f" (load average {results['load_average'][0]})")
    return table(headers, rows,
                 f"Sandbox start (median of {repeat} fresh processes; seconds / RSS MiB after the "
                 "phase; standalone: the sandbox process's memory)") + "\n" + verdict


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        print(json.dumps(probe(sys.argv[2])))
    else:
        print(render(run(int(os.environ.get("REPEAT", "5")))))
