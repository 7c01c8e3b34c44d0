"""Job log folders on disk: `<log_root>/<pandaid>/` with payload.stdout,
payload.stderr and pilotlog.txt, for a capped sample of jobs that started.

At most `cap` jobs get a folder (three files each), so a million-job run does
not write millions of files: jobs that started in the last three days are
sampled with a probability sized to the run. One failed job gets a pilot log of
a few MB so the log viewer has something big to page through.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from jobs.synthetic.jobs import Job, at
from jobs.synthetic.lifecycle import ENDED
from jobs.synthetic.tasks import DAY

BIG_LOG_BYTES = 3 * 1024 * 1024


def clear(root: Path) -> None:
    """Remove the pandaid folders an earlier run left (other files are kept)."""
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.is_dir() and child.name.isdigit():
            shutil.rmtree(child)


class LogWriter:
    def __init__(self, root: Path, seed: int, now: float, n_jobs: int, cap: int = 5000) -> None:
        self.root = root
        self.seed = seed
        self.now = now
        self.cap = cap
        # About 40% of a run's jobs start within the last three days.
        self.probability = min(1.0, 1.5 * cap / max(1, 0.4 * n_jobs))
        self.sample = random.Random(f"logs-{seed}")
        self.written = 0
        self.big_written = False

    def offer(self, job: Job) -> bool:
        """Write the job's log folder if it is sampled; True if written."""
        row = job.row
        if self.written >= self.cap or row["starttime"] is None:
            return False
        if (self.now - job.path[-1][1]) > 3 * DAY or self.sample.random() >= self.probability:
            return False
        big = not self.big_written and row["jobstatus"] == "failed"
        self._write(job, big)
        self.written += 1
        self.big_written = self.big_written or big
        return True

    def _write(self, job: Job, big: bool) -> None:
        row = job.row
        pandaid = row["pandaid"]
        # Seeded per job: the files do not depend on which other jobs were sampled.
        rng = random.Random(f"{self.seed}-{pandaid}")
        folder = self.root / str(pandaid)
        folder.mkdir(parents=True, exist_ok=True)
        state = row["jobstatus"]
        site, node = row["computingsite"], row["modificationhost"]
        lines = []
        for s, t in job.path:
            stamp = f"{at(t):%Y-%m-%d %H:%M:%S},{rng.randint(0, 999):03d}"
            lines.append(f"{stamp} | INFO     | pilot.control.job    | job {pandaid} status changed to {s}")
            if s == "starting":
                lines += [
                    f"{stamp} | INFO     | pilot.util.harvester | queue {site} node {node}",
                    f"{stamp} | INFO     | pilot.control.data   | stage-in of {job.ninputs} file(s) started",
                    f"{stamp} | INFO     | pilot.copytool.rucio | rucio download --no-subdir "
                    f"--rse {site}_DATADISK ({job.ninputs} files)",
                ]
            elif s == "running":
                lines += [
                    f"{stamp} | INFO     | pilot.control.payload | executing command: "
                    f"{row['transformation']} (release {row['atlasrelease']}, {row['cmtconfig']})",
                    f"{stamp} | INFO     | pilot.util.monitoring | looping limit set to 7200 s",
                ]
        if big:
            t = job.path[-1][1] - 3600
            size = sum(map(len, lines))
            while size < BIG_LOG_BYTES:
                t += 1
                lines.append(
                    f"{at(t):%Y-%m-%d %H:%M:%S},{rng.randint(0, 999):03d} | DEBUG    | pilot.util.monitoring "
                    f"| memory: rss={rng.randint(900_000, 3_000_000)} kB vmem={rng.randint(2_000_000, 6_000_000)} kB "
                    f"cpu={rng.uniform(0.5, 1.0):.3f} events processed={rng.randint(0, 5000)}"
                )
                size += len(lines[-1]) + 1
        errors = [row.get(f"{p}errordiag") for p in ("pilot", "exe", "ddm", "jobdispatcher", "taskbuffer")]
        diag = next((d for d in errors if d), "")
        final = f"{at(job.path[-1][1]):%Y-%m-%d %H:%M:%S},000"
        if state == "failed":
            code = row.get("piloterrorcode") or row.get("exeerrorcode") or row.get("ddmerrorcode") or 0
            lines.append(f"{final} | ERROR    | pilot.control.job    | job {pandaid} failed: error {code}: {diag}")
        elif state in ENDED:
            lines.append(f"{final} | INFO     | pilot.control.job    | job {pandaid} {state}")
        (folder / "pilotlog.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

        events = row["nevents"] or rng.randint(10, 200)
        stdout = [
            f"Py:Athena            INFO using release [{row['atlasrelease']}] [{row['cmtconfig']}]",
            f"ApplicationMgr       INFO Application Manager Configured successfully ({row['transformation']})",
        ]
        for n in range(min(events, 200)):
            stdout.append(f"AthenaEventLoopMgr   INFO   ===>>>  done processing event #{1000 + n}, run #410000 "
                          f"{n + 1} events processed so far  <<<===")
        if state == "finished":
            stdout.append("ApplicationMgr       INFO Application Manager Terminated successfully")
        (folder / "payload.stdout").write_text("\n".join(stdout) + "\n", encoding="utf-8")

        stderr = ["WARNING: setting up release from CVMFS", f"INFO: running on {node}"]
        if state == "failed":
            stderr += [
                "Traceback (most recent call last):",
                '  File "/srv/workDir/transform.py", line 42, in <module>',
                f"RuntimeError: {diag or 'payload failed'}",
            ]
        (folder / "payload.stderr").write_text("\n".join(stderr) + "\n", encoding="utf-8")
