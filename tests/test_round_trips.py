"""Round trips: the requests a user on AWS waits for one after another.

Every request gets a fixed delay before it is sent (as the network adds on AWS),
in the thread that sends it, so requests made at once overlap. The critical path
is the longest chain of requests each sent after the one before it answered. It is
a count, not a time (``benchmarks/latency.py`` times it).
"""

from __future__ import annotations

import threading
import time

from ecsrole_lib import RoleSpec, apply
from ecsrole_lib.aws.client import is_read

LATENCY = 0.1  # far above the sandbox's own answer time, so overlapping requests overlap


class Latency:
    """Delays each request of ``session``'s clients; records when it was sent and answered."""

    def __init__(self, session, seconds: float = LATENCY):
        self.seconds = seconds
        self.spans: list[tuple[float, float, str]] = []
        self._local = threading.local()
        self._lock = threading.Lock()
        session.events.register("before-send", self._send)
        session.events.register("response-received", self._answered)

    def _send(self, event_name: str = "", **_) -> None:
        self._local.sent = (time.perf_counter(), event_name.rsplit(".", 1)[-1])
        time.sleep(self.seconds)

    def _answered(self, **_) -> None:
        sent, operation = self._local.sent
        with self._lock:
            self.spans.append((sent, time.perf_counter(), operation))

    def critical_path(self) -> list[str]:
        """The longest chain of requests, each sent after the one before it answered."""
        spans = sorted(self.spans)
        chains: list[list[str]] = []
        for start, _, operation in spans:
            before = [chains[j] for j, span in enumerate(spans[:len(chains)]) if span[1] <= start]
            chains.append(max(before, key=len, default=[]) + [operation])
        return max(chains, key=len, default=[])


def test_a_fresh_base_apply_waits_for_six_round_trips(session):
    """One round of reads before the first write, the page's 4 writes in its order (the
    wait's look at the new instance profile made while the role goes into it), and one
    round reading back what was written: 6, from 7."""
    latency = Latency(session)
    report = apply(RoleSpec(), session)
    chain = latency.critical_path()
    assert len(chain) <= 6, chain
    assert [op for _, _, op in sorted(latency.spans) if not is_read(op)] == [
        "CreateRole", "CreateInstanceProfile", "AddRoleToInstanceProfile", "AttachRolePolicy"]
    assert report["wait_instance_profile"].outcome == "waited"
    assert len(latency.spans) == report.reads + report.writes  # every request is counted
    assert report.writes == 4 and report.reads <= 8, (report.reads, report.writes)
    again = apply(RoleSpec(), session)
    assert again.writes == 0
