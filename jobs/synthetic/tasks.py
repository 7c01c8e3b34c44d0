"""JEDI tasks: planned up front (small: one per ~20-60 jobs), in creation order,
so jobs can be generated and written task by task."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from jobs.synthetic import catalogue as cat

HOUR = 3600.0
DAY = 86400.0
TASK_ID_BASE = 29_000_000


@dataclass
class Task:
    jeditaskid: int
    vo: str
    label: str  # prodsourcelabel
    size: int  # jobs including retries
    created: float  # epoch seconds
    spread: float  # seconds over which its first attempts are created
    analysis: bool
    username: str = ""
    login: str = ""
    dn: str = ""
    taskname: str = ""
    processingtype: str = ""
    transformation: str = ""
    runtime: float = 0.0  # typical payload seconds
    events: int = 0
    outtype: str = ""
    release: tuple[str, str, str] = ("", "", "")
    queues: list = field(default_factory=list)
    campaign: str | None = None
    gshare: str = ""
    workinggroup: str | None = None
    priority: int = 0
    corecount: int = 1
    reqid: int | None = None
    jobsetid: int = 0
    input_dataset: str = ""
    output_dataset: str = ""
    container: str | None = None


def _weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights)[0]


def plan_tasks(rng: random.Random, n_jobs: int, now: float, days: int, big_task: int = 0) -> list[Task]:
    """Tasks whose sizes add up to exactly n_jobs, sorted by creation time.

    Creation density is uniform over the window plus an exponential bump over
    the last day or so, so recent hours are the busiest (as a shifter's default
    12-hour view expects). `big_task` > 0 adds one ATLAS production task of that
    many jobs (beyond the usual cap of 800), to time the pages of a big task.
    """
    sizes: list[tuple[str, str, int]] = []
    total = 0
    if big_task > 0:
        sizes.append(("atlas", "managed", min(big_task, n_jobs)))
        total = sizes[0][2]
    while total < n_jobs:
        vo = _weighted(rng, cat.VO_WEIGHTS)
        label = _weighted(rng, cat.LABELS[vo])
        median = {"managed": 25, "user": 10, "panda": 1.5}.get(label, 3)
        size = max(1, min(800, int(rng.lognormvariate(math.log(median), 0.9))))
        size = min(size, n_jobs - total)
        sizes.append((vo, label, size))
        total += size
    window = days * DAY
    tasks = []
    for vo, label, size in sizes:
        if rng.random() < 0.35:
            age = min(rng.expovariate(1 / (0.6 * DAY)), window)
        else:
            age = rng.uniform(0, window)
        created = now - age
        analysis = label in ("user", "panda")
        spread = rng.uniform(60, 1800) if analysis else rng.uniform(0.5 * HOUR, 10 * HOUR)
        # A task created an hour ago has released its jobs within that hour.
        spread = min(spread, max(0.0, (now - created) * 0.9))
        tasks.append(Task(0, vo, label, size, created, spread, analysis))
    tasks.sort(key=lambda t: t.created)
    for i, task in enumerate(tasks):
        task.jeditaskid = TASK_ID_BASE + i * 7 + rng.randint(0, 6)
        _describe(rng, task)
    return tasks


def _describe(rng: random.Random, task: Task) -> None:
    """Fill in who runs the task, what it runs and where."""
    vo = task.vo
    if task.analysis or task.label in ("test", "ptest", "rc_test2"):
        users = {"atlas": cat.USERS, "lsst": cat.LSST_USERS, "charmm": cat.CHARMM_USERS}[vo]
        task.username, task.login = users[min(int(rng.expovariate(1 / 8)), len(users) - 1)]
    else:
        task.username, task.login = rng.choice(cat.PRODUCTION_USERS[vo])
    task.dn = cat.dn_of(task.username, task.login)
    if vo == "atlas":
        types = cat.ANALYSIS_TYPES if task.analysis else cat.PRODUCTION_TYPES
        task.release = rng.choice(cat.RELEASES)
    else:
        types = cat.LSST_TYPES if vo == "lsst" else cat.CHARMM_TYPES
        task.release = cat.OTHER_RELEASES[vo]
    task.processingtype = rng.choice(sorted(types))
    trf, minutes, events, outtype = types[task.processingtype]
    task.transformation = "buildJob-00-00-03" if task.label == "panda" else trf
    task.runtime = minutes * 60.0
    task.events = events
    task.outtype = outtype
    queue_type = "analysis" if task.analysis else "production"
    candidates = cat.queues_for(vo, queue_type)
    weights = [{"online": 1.0, "test": 0.15, "brokeroff": 0.1}[q.status] for q in candidates]
    task.queues = list(dict.fromkeys(rng.choices(candidates, weights, k=rng.randint(1, 3))))
    task.corecount = task.queues[0].corecount if not task.analysis else 1
    task.jobsetid = rng.randint(10_000, 99_999)
    created = dt.datetime.fromtimestamp(task.created, dt.UTC)
    if vo == "atlas" and not task.analysis:
        physics = rng.choice(cat.PHYSICS)
        task.campaign = rng.choice(cat.CAMPAIGNS)
        dsid = 600_000 + rng.randint(0, 99_999)
        tag = f"e{rng.randint(8000, 8600)}_s{rng.randint(3900, 4200)}"
        task.taskname = f"mc23_13p6TeV.{dsid}.PhPy8EG_{physics}.{task.processingtype}.{tag}"
        task.input_dataset = f"mc23_13p6TeV:mc23_13p6TeV.{dsid}.PhPy8EG_{physics}.evgen.EVNT.{tag[:5]}"
        task.output_dataset = f"mc23_13p6TeV:mc23_13p6TeV.{dsid}.PhPy8EG_{physics}.{task.processingtype}." \
                              f"{task.outtype}.{tag}_tid{task.jeditaskid:08d}_00"
        task.reqid = 40_000 + task.jeditaskid % 9000
        task.gshare = rng.choice(cat.GSHARES[:3])
        task.workinggroup = rng.choice(cat.WORKING_GROUPS)
        task.priority = rng.choice((700, 800, 900, 950, 1000))
        task.container = None
    elif vo == "atlas":
        stamp = created.strftime("%Y%m%d%H%M%S")
        task.taskname = f"user.{task.login}.{rng.choice(cat.PHYSICS)}.{stamp}/"
        task.input_dataset = "data24_13p6TeV:data24_13p6TeV.periodAllYear.physics_Main.PhysCont.DAOD_PHYS.p6266"
        task.output_dataset = f"user.{task.login}:user.{task.login}.{stamp}.{task.jeditaskid}_{task.outtype}"
        task.gshare = "User Analysis"
        task.priority = 1000 - rng.randint(0, 400)
        task.container = rng.choice((None, None, "docker://gitlab-registry.cern.ch/atlas/athena/analysisbase:25.2.12"))
    else:
        stamp = created.strftime("%Y%m%dT%H%M%SZ")
        prefix = "u" if task.analysis else "prod"
        task.taskname = f"{vo}.{prefix}.{task.login}.{task.processingtype}.{stamp}"
        task.input_dataset = f"{vo}:{vo}.input.{task.processingtype}.{created:%Y%m%d}"
        task.output_dataset = f"{vo}:{task.taskname}.out"
        task.gshare = "Test" if task.label == "test" else task.vo.upper()
        task.priority = 900
        task.container = f"docker://{vo}/stack:{task.release[0]}" if vo == "lsst" else None
