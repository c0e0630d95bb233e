"""``survey`` as the account grows: 10, 100 and 1,000 roles on the sandbox.

Each size starts from an empty sandbox seeded with plain boto3
(``benchmarks/seed.py``): half the roles are container instance roles, cycling
through the seeded faults (and the documented setup), half are other roles.
Reported: the survey's wall time (median of ``repeat``), its reads, reads per
role and milliseconds per role, and the growth from one size to the next
against linear (10x the roles: 10x the time is linear). The per-role cost is
the slope between the two largest sizes, so the fixed cost (listing, the
caller) falls out.
"""

from __future__ import annotations

import itertools
from typing import Any

from .common import median, table, timed

SIZES = (10, 100, 1000)


def run(repeat: int = 3, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    from ecsrole_lib import sandbox, survey

    from .calls import _reset, warm
    from .seed import plan_roles, seed

    results: dict[str, Any] = {"sizes": {}}
    with sandbox() as session:
        for size in sizes:
            _reset(session.endpoint_url)
            warm(session)
            roles = plan_roles(size)
            seed(session, roles)
            samples = []
            for _ in range(max(1, repeat if size < 1000 else 1)):
                seconds, found = timed(lambda: survey(session))
                samples.append((seconds, found))
            seconds = median(s for s, _ in samples)
            found = samples[-1][1]
            results["sizes"][str(size)] = {
                "roles": size, "ecs_roles": len(found.rows), "seconds": round(seconds, 3),
                "reads": found.reads, "reads_per_role": round(found.reads / size, 2),
                "ms_per_role": round(seconds * 1000 / size, 2),
                "verdicts_ok": sum(r.verdict == "ok" for r in found.rows)}
    sized = [results["sizes"][str(s)] for s in sizes]
    for smaller, larger in itertools.pairwise(sized):
        larger["time_growth"] = round(larger["seconds"] / smaller["seconds"], 2)
        larger["role_growth"] = round(larger["roles"] / smaller["roles"], 2)
    if len(sized) >= 2:
        a, b = sized[-2], sized[-1]
        results["ms_per_role_marginal"] = round((b["seconds"] - a["seconds"]) * 1000
                                                / (b["roles"] - a["roles"]), 2)
        results["reads_per_role_marginal"] = round((b["reads"] - a["reads"]) / (b["roles"] - a["roles"]), 2)
    return results


def render(results: dict[str, Any]) -> str:
    rows = []
    for entry in results["sizes"].values():
        growth = (f"{entry['time_growth']:.1f}x for {entry['role_growth']:.0f}x roles"
                  if "time_growth" in entry else "")
        rows.append([entry["roles"], entry["ecs_roles"], entry["seconds"], entry["reads"],
                     f"{entry['reads_per_role']:.2f}", f"{entry['ms_per_role']:.1f}", growth])
    text = table(["roles", "ECS roles", "s", "reads", "reads/role", "ms/role", "growth"], rows,
                 "survey() on the sandbox as the account grows (half the roles ECS instance roles)")
    if "ms_per_role_marginal" in results:
        text += (f"\nper role (slope between the two largest sizes): "
                 f"{results['ms_per_role_marginal']:.1f} ms, {results['reads_per_role_marginal']:.2f} reads")
    return text
