"""Headless runs of each guide notebook and of ``make guide``, against a floor.

The floor is a notebook that only starts a kernel, imports ``ecsrole_lib`` and
starts the sandbox (``connect("sandbox")``, then one IAM read, because moto
builds its IAM backend - the AWS managed policies - on the first IAM request,
and every guide notebook pays for that once). A bare floor without that read
is measured too, to show what the managed policies add.

Each notebook runs alone, as a learner would run it: a fresh kernel from this
venv, its default parameters, its own sandbox (``ECSROLE_SANDBOX_ENDPOINT``
unset), in a scratch folder under ``build/bench/``. The time is the whole of
``nbclient``'s ``execute()``: kernel start, every cell, kernel shutdown.

``make guide`` runs all the notebooks against one shared sandbox; its floor is
the floor notebook run once per guide notebook.

Goal (issue 6): each guide notebook within 1.5x its floor.
"""

from __future__ import annotations

import os
import subprocess
from functools import partial
from pathlib import Path
from typing import Any

from .common import BUILD, ROOT, median, table, timed

GOAL = 1.5
NOTEBOOKS = ROOT / "notebooks"
FLOOR_SOURCE = {
    "floor": ("import ecsrole_lib\n"
              "session = ecsrole_lib.connect(\"sandbox\")\n"
              "session.client(\"iam\").get_account_summary()[\"SummaryMap\"][\"Policies\"]"),
    "bare floor": ("import ecsrole_lib\n"
                   "session = ecsrole_lib.connect(\"sandbox\")"),
    # Not the floor: also the first call to S3 and to ECS, where moto imports and
    # builds those backends (ECS pulls in moto's EC2). Shows how much of a notebook's
    # excess over the floor is moto's one-time cost rather than the guide's own work.
    "services floor": ("import ecsrole_lib\n"
                       "session = ecsrole_lib.connect(\"sandbox\")\n"
                       "session.client(\"iam\").get_account_summary()\n"
                       "session.client(\"s3\").list_buckets()\n"
                       "session.client(\"ecs\").list_account_settings()"),
}


def guide_notebooks() -> list[Path]:
    """The guide's notebooks in order (``NN_name.ipynb``), whatever exist now."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _floor_notebook(source: str):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


def _execute(notebook, workdir: Path, timeout: int = 600) -> float:
    """Seconds for nbclient to run ``notebook`` (kernel start to shutdown); it gets outputs."""
    from nbclient import NotebookClient

    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    # The kernel's own warnings (ZMQ over TCP) would only clutter the table.
    seconds, _ = timed(partial(client.execute, stderr=subprocess.DEVNULL))
    return seconds


def _clean_environment() -> dict[str, str | None]:
    """Unset what would make a kernel join another sandbox or reach AWS; return the old values."""
    saved = {}
    for name in ("ECSROLE_SANDBOX_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        saved[name] = os.environ.pop(name, None)
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is not None:
            os.environ[name] = value


def run(repeat: int = 3, guide: bool = True) -> dict[str, Any]:
    import nbformat

    workdir = BUILD / "bench" / "run"
    workdir.mkdir(parents=True, exist_ok=True)
    saved = _clean_environment()
    results: dict[str, Any] = {"repeat": repeat, "goal": GOAL, "notebooks": {}}
    try:
        _execute(_floor_notebook(FLOOR_SOURCE["floor"]), workdir)  # warm the disk cache
        for name, source in FLOOR_SOURCE.items():
            seconds = [_execute(_floor_notebook(source), workdir) for _ in range(repeat)]
            results[name] = {"seconds": [round(s, 3) for s in seconds],
                             "median_seconds": round(median(seconds), 3)}
        floor = results["floor"]["median_seconds"]
        for path in guide_notebooks():
            seconds, errors, runs = [], [], []
            for _ in range(repeat):
                notebook = nbformat.read(path, as_version=4)
                try:
                    seconds.append(_execute(notebook, workdir))
                    runs.append(notebook)
                except Exception as err:  # noqa: BLE001 - a failing notebook is reported, not fatal
                    errors.append(f"{type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}")
                    break
            entry: dict[str, Any] = {"seconds": [round(s, 3) for s in seconds]}
            if seconds:
                entry["median_seconds"] = round(median(seconds), 3)
                entry["ratio"] = round(entry["median_seconds"] / floor, 2)
                entry["ratio_services_floor"] = round(
                    entry["median_seconds"] / results["services floor"]["median_seconds"], 2)
                entry["within_goal"] = entry["ratio"] <= GOAL
                middle = sorted(range(len(seconds)), key=seconds.__getitem__)[len(seconds) // 2]
                entry["cells"] = cell_seconds(runs[middle])
                entry["cells_total_seconds"] = round(sum(c[0] for c in entry["cells"]), 3)
            if errors:
                entry["error"] = errors[0]
            results["notebooks"][path.name] = entry
        if guide:
            results["make guide"] = _make_guide(repeat, floor, len(guide_notebooks()))
    finally:
        _restore(saved)
    return results


def cell_seconds(notebook) -> list[tuple[float, str]]:
    """(seconds, first line) of each code cell, from nbclient's timing metadata."""
    from datetime import datetime

    found = []
    for cell in notebook.cells:
        timing = cell.metadata.get("execution", {})
        started, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type == "code" and started and ended:
            took = (datetime.fromisoformat(ended)
                    - datetime.fromisoformat(started)).total_seconds()
            found.append((round(took, 3), (cell.source.splitlines() or [""])[0][:80]))
    return found


def _make_guide(repeat: int, floor: float, count: int) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)
    seconds, failed = [], ""
    for _ in range(repeat):
        took, done = timed(partial(subprocess.run, ["make", "--no-print-directory", "guide"],
                                   cwd=ROOT, env=env, capture_output=True, text=True,
                                   timeout=1800, check=False))
        if done.returncode != 0:
            failed = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["failed"]
            failed = f"exit {done.returncode}: {failed[0][:200]}"
            break
        seconds.append(took)
    entry: dict[str, Any] = {"seconds": [round(s, 3) for s in seconds], "notebooks": count,
                             "floor_seconds": round(floor * max(count, 1), 3)}
    if seconds:
        entry["median_seconds"] = round(median(seconds), 3)
        entry["ratio"] = round(entry["median_seconds"] / entry["floor_seconds"], 2)
        entry["within_goal"] = entry["ratio"] <= GOAL
    if failed:
        entry["error"] = failed
    return entry


def render(results: dict[str, Any]) -> str:
    floor = results["floor"]["median_seconds"]
    rows = [["floor (kernel, import, sandbox, first IAM read)", floor, "", "1.00x", "", ""]]
    for name, what in (("bare floor", "bare floor (no IAM read)"),
                       ("services floor", "services floor (+ first S3 and ECS call)")):
        rows.append([what, results[name]["median_seconds"], "",
                     f"{results[name]['median_seconds'] / floor:.2f}x", "", ""])
    for name, entry in results["notebooks"].items():
        rows.append(_row(name, entry, floor))
    if "make guide" in results:
        guide = results["make guide"]
        rows.append(_row(f"make guide ({guide['notebooks']} notebooks)", guide,
                         guide["floor_seconds"]))
    if not results["notebooks"]:
        rows.append(["(no notebooks/NN_*.ipynb yet)", "", "", "", "", ""])
    text = table(["run", "median s", "floor s", "ratio", "vs services floor", f"goal {GOAL}x"],
                 rows, f"Headless runs (median of {results['repeat']}; each notebook alone with "
                 "its own sandbox; fresh kernel each run)")
    slow = []
    for name, entry in results["notebooks"].items():
        if entry.get("cells"):
            top = sorted(entry["cells"], reverse=True)[:3]
            slow.append(f"  {name}: cells {entry['cells_total_seconds']:.1f} s; slowest: "
                        + "; ".join(f"{t:.2f} s {src!r}" for t, src in top))
    if slow:
        text += "\nwhere the time goes (median run):\n" + "\n".join(slow)
    return text


def _row(name: str, entry: dict[str, Any], floor: float) -> list[Any]:
    if "median_seconds" not in entry:
        return [name, "", floor, "", "", entry.get("error", "failed")]
    services = (f"{entry['ratio_services_floor']:.2f}x" if "ratio_services_floor" in entry
                else "")
    return [name, entry["median_seconds"], floor, f"{entry['ratio']:.2f}x", services,
            "met" if entry["within_goal"] else "MISSED"
            + (f" ({entry['error']})" if entry.get("error") else "")]
