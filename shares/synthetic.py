"""The share tree and JEDI work queues for the demo and the tests (generate_jobs),
holding every share name and work queue id the generated jobs carry."""

from __future__ import annotations

# (name, parent, value: percent of the parent, prodsourcelabel, queue_id)
SHARES = (
    ("Production", None, 70, "managed", 9000),
    ("MC Simulation", "Production", 50, "managed", 9001),
    ("MC Reconstruction", "Production", 30, "managed", 9002),
    ("Data Derivations", "Production", 20, "managed", 9003),
    ("Analysis", None, 20, "user|panda", 9004),
    ("User Analysis", "Analysis", 90, "user|panda", 9005),
    ("Express Analysis", "Analysis", 10, "user|panda", 9006),
    ("Express", None, 2, "managed", 9007),
    ("Test", None, 2, "test|prod_test|ptest", 9008),
    ("LSST", None, 3, None, 9009),
    ("CHARMM", None, 3, None, 9010),
)
# (queue_id, queue_name, queue_type, vo, queue_order, criteria)
WORK_QUEUES = (
    (1, "user", "user", "atlas", 1, ""),
    (9, "mcore_simul", "managed", "atlas", 2, "processingType='simul' AND coreCount>1"),
    (11, "score_simul", "managed", "atlas", 3, "processingType='simul' AND coreCount=1"),
    (19, "reprocessing", "managed", "atlas", 4, "processingType LIKE 'reprocessing%'"),
    (21, "derivation", "managed", "atlas", 5, "processingType='deriv'"),
    (2, "managed", "managed", "wlcg", 10, ""),
    (3, "test", "test", "wlcg", 11, ""),
)


def global_share_rows() -> list[dict]:
    return [{"name": name, "parent": parent, "value": value, "prodsourcelabel": label, "queue_id": queue_id,
             "vo": "atlas" if name not in ("LSST", "CHARMM") else name.lower(), "throttled": "N", "rtype": "grid"}
            for name, parent, value, label, queue_id in SHARES]


def work_queue_rows() -> list[dict]:
    return [{"queue_id": qid, "queue_name": name, "queue_type": qtype, "vo": vo, "status": "active",
             "queue_order": order, "criteria": criteria, "stretchable": 0, "queue_function": "Resource"}
            for qid, name, qtype, vo, order, criteria in WORK_QUEUES]
