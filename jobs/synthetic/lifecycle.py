"""One job's life along PanDA's state machine (fact sheet §3): the states it
passes through with their times, its fate, and the error that ended it.

A job's whole path is drawn first, then cut at the reference time: where the
cut falls decides the job's current state, so live states appear in the
proportions the durations imply (queued ≲ running, as brokerage keeps it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from jobs.synthetic import catalogue as cat

MINUTE = 60.0
HOUR = 3600.0

ENDED = ("finished", "failed", "cancelled", "closed")
PRE_ACTIVATION = ("pending", "defined", "assigned", "waiting")


@dataclass
class Fate:
    """How a job ends and which error fields say why."""

    status: str  # finished / failed / cancelled / closed
    stage: str  # the state in which it ends
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # (component, code, diag)
    transexitcode: str | None = None
    jobsubstatus: str | None = None
    commandtopilot: str | None = None


@dataclass
class Life:
    path: list[tuple[str, float]]  # (state, entered at), the final state last
    fate: Fate
    started: float | None  # payload start
    ended: float | None  # payload end (or the moment it was stopped)


def draw_fate(rng: random.Random, fail_rate: float, analysis: bool) -> Fate:
    r = rng.random()
    if r < fail_rate:
        return _failure(rng)
    r -= fail_rate
    if r < 0.02:
        stage = rng.choice(("activated", "activated", "running", "defined", "starting"))
        code, diag = (100, "killed by user") if analysis else (103, "task aborted by owner")
        return Fate("cancelled", stage, [("taskbuffer", code, diag)], commandtopilot="tobekilled")
    if r < 0.045:
        stage = rng.choice(("activated", "activated", "assigned", "defined", "starting"))
        kind = rng.random()
        if kind < 0.6:
            return Fate("closed", stage, [("taskbuffer", 105, "reassigned by JEDI: site blacklisted")],
                        jobsubstatus="toreassign")
        if kind < 0.85:
            return Fate("closed", stage, [("taskbuffer", 106, "retried by JEDI with new pandaid")])
        return Fate("closed", stage, [("taskbuffer", 102, "expired in the queue: task done")],
                    jobsubstatus="taskdone")
    return Fate("finished", "done", transexitcode="0")


def _failure(rng: random.Random) -> Fate:
    r = rng.random()
    if r < 0.10:  # stage-in
        comp, code, diag = rng.choice(cat.PILOT_FAILURES[1:3])
        return Fate("failed", "starting", [(comp, code, diag)])
    if r < 0.42:  # pilot errors while running
        comp, code, diag = rng.choice(cat.PILOT_FAILURES[5:])
        fate = Fate("failed", "running", [(comp, code, diag)])
        if code == 1305:
            fate.transexitcode = "8"
        return fate
    if r < 0.65:  # the payload itself
        comp, code, diag = rng.choice(cat.EXE_FAILURES)
        return Fate("failed", "running", [(comp, code, diag), ("pilot", 1305, "Payload execution failure")],
                    transexitcode=cat.TRANSEXIT_OF_EXE[code])
    if r < 0.74:  # lost heartbeat
        return Fate("failed", "running", [cat.DISPATCHER_FAILURES[0]])
    if r < 0.78:
        return Fate("failed", "sent", [cat.DISPATCHER_FAILURES[1]])
    if r < 0.86:  # stage-out
        comp, code, diag = rng.choice(cat.PILOT_FAILURES[3:5])
        return Fate("failed", "holding", [(comp, code, diag)], transexitcode="0")
    if r < 0.93:  # Adder / Setupper
        comp, code, diag = rng.choice(cat.DDM_FAILURES)
        stage = "assigned" if code == 100 else "holding"
        return Fate("failed", stage, [(comp, code, diag)], transexitcode="0" if stage == "holding" else None)
    if r < 0.96:
        return Fate("failed", "holding", [cat.DISPATCHER_FAILURES[2]], transexitcode="0")
    if r < 0.98:
        return Fate("failed", "running", [cat.SUPERVISOR_FAILURES[0]])
    return Fate("failed", "defined", [cat.BROKERAGE_FAILURES[0]])


def live(rng: random.Random, created: float, fate: Fate, runtime: float, *, analysis: bool,
         needs_transfer: bool, waits: bool, throttles: bool, merges: bool, black_hole: bool) -> Life:
    """The full path from creation to the final state."""
    path = [("pending", created)]
    t = created + _short(rng, 60, 0.08, 3 * HOUR)
    path.append(("defined", t))
    t += _short(rng, 90, 0.04, 5 * HOUR)
    if needs_transfer:
        path.append(("assigned", t))
        t += rng.expovariate(1 / (20 * MINUTE)) + (rng.uniform(HOUR, 8 * HOUR) if rng.random() < 0.05 else 0)
    if waits:
        path.append(("waiting", t))
        t += rng.uniform(HOUR, 10 * HOUR)
    started = ended = None
    stop = fate.stage
    if stop in PRE_ACTIVATION:
        t = _stop_in(path, stop, t, rng)
        return _end(path, fate, t, None, None)
    path.append(("activated", t))
    t += min(rng.lognormvariate(7.8, 1.0), 30 * HOUR)  # queue wait, median ~40 min
    if throttles:
        path.append(("throttled", t))
        t += rng.uniform(0.5 * HOUR, 6 * HOUR)
        path.append(("activated", t))
        t += rng.expovariate(1 / (15 * MINUTE))
    if stop == "activated":
        return _end(path, fate, t, None, None)
    path.append(("sent", t))
    if stop == "sent":  # the pilot never reported back: sent timeout
        return _end(path, fate, t + 30 * MINUTE + rng.uniform(0, 600), None, None)
    t += rng.expovariate(1 / (3 * MINUTE))
    path.append(("starting", t))
    t += rng.expovariate(1 / (4 * MINUTE))
    if stop == "starting":  # stage-in failed (or killed while staging in)
        stopped = t + rng.uniform(60, 20 * MINUTE)
        return _end(path, fate, stopped, t, stopped)
    started = t
    path.append(("running", t))
    run = runtime * rng.lognormvariate(0, 0.45)
    if black_hole or (fate.status == "failed" and fate.stage == "running"):
        run *= rng.uniform(0.02, 0.2) if black_hole else rng.uniform(0.05, 1.2)
    if fate.status == "cancelled":
        run *= rng.uniform(0.1, 0.9)
    t += max(run, 45.0)
    ended = t
    if stop == "running":
        if fate.errors and fate.errors[0][1] == 100 and fate.errors[0][0] == "jobdispatcher":
            t += 2 * HOUR + rng.uniform(0, 1800)  # the watcher notices the silence
        return _end(path, fate, t + rng.uniform(5, 120), started, ended)
    path.append(("holding", t))
    t += rng.expovariate(1 / (6 * MINUTE)) + (rng.uniform(HOUR, 4 * HOUR) if rng.random() < 0.03 else 0)
    if stop == "holding":
        if fate.errors and fate.errors[0][1] == 103:
            t += 3 * HOUR
        return _end(path, fate, t, started, ended)
    if merges:
        path.append(("merging", t))
        t += rng.expovariate(1 / (40 * MINUTE))
    elif rng.random() < 0.55:
        path.append(("transferring", t))
        t += rng.expovariate(1 / (30 * MINUTE)) + (rng.uniform(HOUR, 6 * HOUR) if rng.random() < 0.04 else 0)
    return _end(path, fate, t, started, ended)


def _short(rng: random.Random, mean: float, p_long: float, long_max: float) -> float:
    d = rng.expovariate(1 / mean)
    if rng.random() < p_long:
        d += rng.uniform(0.3 * HOUR, long_max)
    return d


def _stop_in(path, stop: str, t: float, rng: random.Random) -> float:
    """Cut a path that ends before activation at the state the job was killed in."""
    states = [s for s, _ in path]
    if stop in states:
        i = states.index(stop)
        entered = path[i][1]
        following = path[i + 1][1] if i + 1 < len(path) else t
        del path[i + 1:]
        return entered + (following - entered) * rng.uniform(0.3, 1.0)
    return t


def _end(path, fate: Fate, t: float, started, ended) -> Life:
    path.append((fate.status, t))
    return Life(path, fate, started, ended)


# The normal path, in order (throttled sits between two activated).
CANONICAL = ("pending", "defined", "assigned", "waiting", "activated", "throttled", "sent", "starting",
             "running", "holding", "merging", "transferring")
_SKIPPED = {"assigned": ("waiting",), "waiting": ("assigned",), "merging": ("transferring",),
            "transferring": ("merging",)}


def pinned(created: float, now: float, state: str) -> Life:
    """A live path that is in `state` at `now`, its steps spread since creation.

    Used for a few recent jobs so every live state shows up even in a small
    run, where the short-lived ones (sent, throttled, merging...) could be
    missed by chance."""
    skip = {"assigned", "waiting", "throttled", "merging", "transferring"} - {state}
    skip.update(_SKIPPED.get(state, ()))
    states = [s for s in CANONICAL[: CANONICAL.index(state) + 1] if s not in skip]
    span = now - created
    path = [(s, created + span * i / len(states)) for i, s in enumerate(states)]
    started = next((t for s, t in path if s == "running"), None)
    return Life(path, Fate("finished", "done"), started, None)


def state_at(life: Life, now: float) -> tuple[int, str]:
    """Index in the path and state of the job at `now`."""
    index = 0
    for i, (_, entered) in enumerate(life.path):
        if entered <= now:
            index = i
        else:
            break
    return index, life.path[index][0]
