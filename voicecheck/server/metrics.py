"""Prometheus text exposition, hand-written: a few counters, one gauge and one histogram.

Hand-written rather than prometheus_client: the set is small and fixed, the hot path is a dict
increment under the GIL (no locks, no label objects), and the server gains no dependency. The
numbers are per process; with several workers `SharedMetrics` sums them through small files.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections import defaultdict
from pathlib import Path

from voicecheck.paths import replace_file

# seconds; the target is p99 <= 50 ms, so the buckets are dense below 0.1 s
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Metrics:
    """Counters of one server process.

    >>> m = Metrics(); m.observe("/v1/check", "POST", 200, 0.003); "voicecheck_requests_total" in m.render()
    True
    """

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[str, list[int]] = {}
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.findings: dict[tuple[str, str], int] = defaultdict(int)
        self.verdicts: dict[str, int] = defaultdict(int)
        self.in_flight = 0
        self.shed: dict[int, int] = defaultdict(int)
        self._lock = threading.Lock()  # findings are counted from worker threads

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests[(route, method, status)] += 1
        counts = self.latency.get(route)
        if counts is None:
            counts = self.latency[route] = [0] * (len(BUCKETS) + 1)
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                counts[i] += 1
                break
        else:
            counts[-1] += 1
        self.latency_sum[route] += seconds
        if status in (429, 503):
            self.shed[status] += 1

    def count_report(self, report: dict) -> None:
        with self._lock:
            self.verdicts[report["verdict"]] += 1
            for f in report["findings"]:
                self.findings[(f["code"], f["severity"])] += 1

    def render(self, guides: dict[str, str] | None = None) -> str:
        out = ["# HELP voicecheck_requests_total HTTP requests by route, method and status.",
               "# TYPE voicecheck_requests_total counter"]
        for (route, method, status), n in sorted(self.requests.items()):
            out.append(f'voicecheck_requests_total{{route="{_escape(route)}",method="{method}",'
                       f'status="{status}"}} {n}')
        out += ["# HELP voicecheck_request_duration_seconds Time from request start to the "
                "last byte of the response.",
                "# TYPE voicecheck_request_duration_seconds histogram"]
        for route, counts in sorted(self.latency.items()):
            label = f'route="{_escape(route)}"'
            running = 0
            for bound, n in zip(BUCKETS, counts):
                running += n
                out.append(f'voicecheck_request_duration_seconds_bucket{{{label},le="{bound}"}} '
                           f'{running}')
            running += counts[-1]
            out.append(f'voicecheck_request_duration_seconds_bucket{{{label},le="+Inf"}} '
                       f'{running}')
            out.append(f"voicecheck_request_duration_seconds_sum{{{label}}} "
                       f"{self.latency_sum[route]:.6f}")
            out.append(f"voicecheck_request_duration_seconds_count{{{label}}} {running}")
        out += ["# HELP voicecheck_findings_total Findings reported, by rule code and severity.",
                "# TYPE voicecheck_findings_total counter"]
        with self._lock:
            findings = sorted(self.findings.items())
            verdicts = sorted(self.verdicts.items())
        for (code, severity), n in findings:
            out.append(f'voicecheck_findings_total{{code="{code}",severity="{severity}"}} {n}')
        out += ["# HELP voicecheck_reports_total Replies checked, by verdict.",
                "# TYPE voicecheck_reports_total counter"]
        for verdict, n in verdicts:
            out.append(f'voicecheck_reports_total{{verdict="{verdict}"}} {n}')
        out += ["# HELP voicecheck_shed_total Requests refused by load shedding (429, 503).",
                "# TYPE voicecheck_shed_total counter"]
        for status in (429, 503):
            out.append(f'voicecheck_shed_total{{status="{status}"}} {self.shed.get(status, 0)}')
        out += ["# HELP voicecheck_in_flight_requests Requests being handled now.",
                "# TYPE voicecheck_in_flight_requests gauge",
                f"voicecheck_in_flight_requests {self.in_flight}"]
        if guides is not None:
            out += ["# HELP voicecheck_guide_ok 1 when the guide's file loaded, 0 when the last "
                    "load failed (an older version may still be served).",
                    "# TYPE voicecheck_guide_ok gauge"]
            for name, status in sorted(guides.items()):
                out.append(f'voicecheck_guide_ok{{guide="{_escape(name)}"}} '
                           f'{1 if status == "ok" else 0}')
        return "\n".join(out) + "\n"


def snapshot(m: Metrics) -> dict:
    """The counters of `m` as JSON-able data."""
    with m._lock:
        findings = [[c, s, n] for (c, s), n in m.findings.items()]
        verdicts = dict(m.verdicts)
    return {"requests": [[r, meth, st, n] for (r, meth, st), n in m.requests.items()],
            "latency": {r: list(c) for r, c in m.latency.items()},
            "latency_sum": dict(m.latency_sum), "findings": findings, "verdicts": verdicts,
            "shed": {str(k): v for k, v in m.shed.items()}, "in_flight": m.in_flight}


def merge(parts: list[dict]) -> Metrics:
    """One Metrics holding the sums of several snapshots (one per worker process).

    >>> a = Metrics(); a.observe("/v1/check", "POST", 200, 0.002)
    >>> merge([snapshot(a), snapshot(a)]).requests[("/v1/check", "POST", 200)]
    2
    """
    out = Metrics()
    for part in parts:
        for route, method, status, n in part["requests"]:
            out.requests[(route, method, int(status))] += n
        for route, counts in part["latency"].items():
            mine = out.latency.setdefault(route, [0] * (len(BUCKETS) + 1))
            for i, n in enumerate(counts[:len(mine)]):
                mine[i] += n
        for route, total in part["latency_sum"].items():
            out.latency_sum[route] += total
        for code, severity, n in part["findings"]:
            out.findings[(code, severity)] += n
        for verdict, n in part["verdicts"].items():
            out.verdicts[verdict] += n
        for status, n in part["shed"].items():
            out.shed[int(status)] += n
        out.in_flight += part["in_flight"]
    return out


class SharedMetrics:
    """Metrics of several worker processes: each writes its snapshot to `folder/<pid>.json` at
    most once a second after a change, and /metrics answers with the sum of all of them (its
    own live counters plus the others' last snapshots, at most about a second old). A worker
    that dies leaves its last snapshot, so the sums never go backwards."""

    def __init__(self, folder: str | Path, own: Metrics) -> None:
        self.folder = Path(folder)
        self.own = own
        self.path = self.folder / f"{os.getpid()}.json"
        self._pending = False

    def changed(self) -> None:
        """Call after each request (on the event loop): schedules one write a second later."""
        if not self._pending:
            self._pending = True
            asyncio.get_running_loop().call_later(1.0, self._write)

    def _write(self) -> None:
        self._pending = False
        try:
            replace_file(self.path, json.dumps(snapshot(self.own)).encode("utf-8"))
        except OSError:
            pass  # metrics must never fail a request; the next change retries

    def combined(self) -> Metrics:
        parts = [snapshot(self.own)]
        for path in self.folder.glob("*.json"):
            if path != self.path:
                try:
                    parts.append(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue
        return merge(parts)
