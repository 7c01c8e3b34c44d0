"""Normalising diagnostic messages: the catalogue's diagnostics with their numbers,
paths, hosts, times and ids changed fall in one group; different problems stay apart."""

from __future__ import annotations

import pytest

from failures.messages import group_messages, normalise
from jobs.synthetic import catalogue as cat

SAME_PROBLEM = [
    ("Payload ran out of memory: maxPSS=8123456 kB exceeds 8000000 kB",
     "Payload ran out of memory: maxPSS=9100234 kB exceeds 4000000 kB"),
    ("lost heartbeat : 2026-01-01 00:00:00", "lost heartbeat : 2026-11-30 17:42:09"),
    ("Failed to stage-in file: Checksum mismatch (adler32 local=0f3a1b2c remote=9d8e7f6a)",
     "Failed to stage-in file: Checksum mismatch (adler32 local=a81b22c0 remote=0077ab3f)"),
    ("Failed to stage-out file: Connection timed out after 300 seconds",
     "Failed to stage-out file: Connection timed out after 1800 seconds"),
    ("TRF_INPUT_FILE_ERROR: file EVNT.12345._000123.pool.root.1 is corrupted",
     "TRF_INPUT_FILE_ERROR: file EVNT.40977._001871.pool.root.2 is corrupted"),
    ("Payload execution failure: no such file or directory: /cvmfs/atlas.cern.ch",
     "Payload execution failure: no such file or directory: /cvmfs/sft.cern.ch/lcg/views/LCG_104"),
    ("Service not available at the moment: rucio server returned 503",
     "Service not available at the moment: rucio server returned 502"),
    ("Failed to stage-out file: could not reach srm://dcache-se-atlas.desy.de:8443/srm/managerv2?SFN=/pnfs/a/b",
     "Failed to stage-out file: could not reach srm://ccsrm.in2p3.fr:8443/srm/managerv2?SFN=/pnfs/c/d/e"),
    ("Lost connection to node wn0421.cern.ch (10.32.4.17)",
     "Lost connection to node c123-4.grid.uchicago.edu (192.170.227.9)"),
    ("Job 4616591000 of task 31245678 exited: worker 7c9e6679-7425-40de-944b-e07fc1f90ae7",
     "Job 4700000123 of task 31000001 exited: worker 16fd2706-8baf-433b-82eb-8c7fada847da"),
]


@pytest.mark.parametrize("one, other", SAME_PROBLEM)
def test_messages_differing_in_numbers_paths_hosts_group_together(one, other):
    assert one != other
    assert normalise(one) == normalise(other)


def test_different_problems_of_the_catalogue_stay_apart():
    """Every distinct catalogue diagnostic of one code is a distinct problem but the
    numbered pair (an exit code in the text): the normal forms are as many as the texts."""
    diags = {d for group in (cat.PILOT_FAILURES, cat.EXE_FAILURES, cat.DDM_FAILURES, cat.DISPATCHER_FAILURES,
                             cat.SUPERVISOR_FAILURES, cat.BROKERAGE_FAILURES) for _, _, d in group}
    assert len({normalise(d) for d in diags}) == len(diags)
    # problems that differ only in words stay apart
    assert normalise("Failed to stage-in file: rucio download failed") != \
        normalise("Failed to stage-out file: rucio upload failed")
    assert normalise("Job exceeded memory limit: maxRSS 4123 MB > 4000 MB") != \
        normalise("Job exceeded disk limit: 4123 MB > 4000 MB")


def test_the_placeholders_name_what_was_replaced():
    assert normalise("lost heartbeat : 2026-01-01 00:00:00") == "lost heartbeat : <time>"
    assert normalise("Payload ran out of memory: maxPSS=8123456 kB exceeds 8000000 kB") == \
        "Payload ran out of memory: maxPSS=<n> kB exceeds <n> kB"
    assert normalise("no such file or directory: /cvmfs/atlas.cern.ch/repo") == "no such file or directory: <path>"
    assert normalise("node wn0421.cern.ch down") == "node <host> down"
    assert normalise(None) == normalise("") == ""


def test_grouped_rows_merge_by_normal_form_and_keep_codes_apart():
    rows = [
        ("jobdispatcher", 100, "lost heartbeat : 2026-01-01 00:00:00", 5, 11),
        ("jobdispatcher", 100, "lost heartbeat : 2026-01-02 10:00:00", 3, 12),
        ("jobdispatcher", 102, "lost heartbeat : 2026-01-02 10:00:00", 2, 13),  # another code: another row
        ("pilot", 1213, "Reached batch system time limit (maxtime 172800 s)", 4, 14),
        ("pilot", 1213, None, 1, 15),
    ]
    groups = group_messages(rows)
    assert [(g["error"], g["message"], g["count"], g["variants"]) for g in groups] == [
        ("jobdispatcher:100", "lost heartbeat : <time>", 8, 2),
        ("pilot:1213", "Reached batch system time limit (maxtime <n> s)", 4, 1),
        ("jobdispatcher:102", "lost heartbeat : <time>", 2, 1),
        ("pilot:1213", "", 1, 1),
    ]
    assert groups[0]["example_pandaid"] == 11
