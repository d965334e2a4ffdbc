"""gunicorn's settings for Helpsquare, read from the folder gunicorn is started in (`gunicorn
wsgi:app` in the repository; from elsewhere: `gunicorn -c /path/to/gunicorn.conf.py wsgi:app`).

Only what /metrics needs with several workers (app/ops.py): each worker writes its counters to
files in PROMETHEUS_MULTIPROC_DIR and whichever worker answers /metrics sums them all. When
the variable is unset, a fresh folder is made for this gunicorn and removed when it stops; set
it to a folder of this gunicorn's own (never shared by two gunicorns) to choose where. Files
left by an earlier run are cleared at start, and a worker that exits is marked dead (its
connections no longer count). Command-line options (--workers, --bind, …) still apply.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile

_MADE_HERE = "HELPSQUARE_METRICS_DIR_MADE"

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Read here, in the master, before any worker imports prometheus_client.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="helpsquare-metrics-")
    os.environ[_MADE_HERE] = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for stale in glob.glob(os.path.join(folder, "*.db")):
        os.remove(stale)


def child_exit(server, worker) -> None:  # noqa: ANN001 - gunicorn's Arbiter and Worker
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:  # noqa: ANN001
    made = os.environ.get(_MADE_HERE)
    if made and made == os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(made, ignore_errors=True)
