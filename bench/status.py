"""Time /api/jobs/status/ for 1,000 and 10,000 ids spread over every job table.

    PANDA_DB_URL=mysql://root@127.0.0.1:3306/pandamon_bench \\
    PANDAMON_DB_URL=mysql://root@127.0.0.1:3306/pandamon_bench_mon \\
    .venv/bin/python bench/status.py [--sizes 1000,10000] [--repeat 5]

Ids are drawn at random from each table in proportion to its size (so the
archive, the fast buffer and the live tables all answer), plus 1% unknown ids.
Each size is timed through the whole view (POST, JSON body, parsing, the query,
the coarse mapping, errorinfo, serialisation) with Django's test client, and
the query alone (jobs.query.status.latest_rows); the first run warms caches and
is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pandamon.settings")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from jobs.models import JOB_MODELS  # noqa: E402
from jobs.query.status import latest_rows  # noqa: E402

WINDOWS = 10


def sample_ids(n: int, rng: random.Random) -> list[int]:
    """n pandaids, drawn from every table in proportion to its rows, 1% unknown."""
    connection = connections["panda"]
    quote = connection.ops.quote_name
    sizes = {}
    with connection.cursor() as cursor:
        for model in JOB_MODELS:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(model._meta.db_table)}")
            sizes[model._meta.db_table] = cursor.fetchone()[0]
    total = sum(sizes.values())
    known = n - n // 100
    ids: list[int] = []
    highest = 0
    with connection.cursor() as cursor:
        for table, size in sizes.items():
            want = max(1, round(known * size / total)) if size else 0
            # Random rows without ORDER BY RAND() over a million rows: ten random
            # windows of the primary-key order.
            for part in range(WINDOWS):
                count = want // WINDOWS + (1 if part < want % WINDOWS else 0)
                offset = rng.randrange(max(1, size - count))
                cursor.execute(f"SELECT pandaid FROM {quote(table)} ORDER BY pandaid LIMIT %s OFFSET %s",
                               [count, offset])
                ids.extend(r[0] for r in cursor.fetchall())
            cursor.execute(f"SELECT MAX(pandaid) FROM {quote(table)}")
            highest = max(highest, cursor.fetchone()[0] or 0)
    ids = list(dict.fromkeys(ids))[:known]
    ids += [highest + 1 + i for i in range(n - len(ids))]
    rng.shuffle(ids)
    return ids


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    client = Client()
    connection = connections["panda"]
    print(f"backend: {connection.vendor} {connection.settings_dict['NAME']}")
    for n in map(int, args.sizes.split(",")):
        ids = sample_ids(n, rng)
        body = json.dumps({"pandaids": ids})

        def view(body=body):
            response = client.post("/api/jobs/status/", body, content_type="application/json")
            assert response.status_code == 200, response.content[:200]
            return response

        answer = view().json()
        median, best = timed(view, args.repeat)
        q_median, q_best = timed(lambda ids=ids: latest_rows(ids), args.repeat)
        tables = sorted({r["table"] for r in latest_rows(ids).values()})
        print(f"{n:>6} ids: view median {median * 1000:7.1f} ms (best {best * 1000:.1f}); "
              f"query median {q_median * 1000:7.1f} ms (best {q_best * 1000:.1f}); "
              f"{len(answer['jobs'])} found, {len(answer['missing'])} missing; "
              f"tables {', '.join(tables)}")


if __name__ == "__main__":
    main()
