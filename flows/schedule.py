"""`alambic schedule` that always stops on SIGINT (Ctrl-C) or SIGTERM.

Prefect's `serve()` pauses the deployments' schedules on shutdown, through the Prefect API: when
that API has gone away (a Prefect server restarted or stopped), the shutdown waits on it and the
process seemed to ignore Ctrl-C and SIGTERM. So the runner lives in a child process, and this
parent, which holds no Prefect state, stops it: it passes the signal on (a clean shutdown when
the API answers), waits `GRACE_SECONDS`, then kills it. Nothing of the warehouse is lost: every
write is one transaction (warehouse/connection.py).

`python -m flows.schedule CONFIG` runs the runner itself (the child).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = float(os.environ.get("ALAMBIC_SCHEDULE_GRACE_SECONDS", "10"))
REPO = Path(__file__).resolve().parent.parent


def run_schedule(config_path: Path) -> int:
    """Serve the deployments in a child process until it ends or a signal stops it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, "-m", "flows.schedule", str(Path(config_path).resolve())], env=env)
    received: list[int] = []

    def stop(signum, _frame):
        received.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while child.poll() is None and not received:
            time.sleep(0.1)
        if received:
            print("Arrêt des planifications…", file=sys.stderr)
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
            try:
                child.wait(GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                print(f"Le serveur Prefect ne répond pas : arrêt forcé après {GRACE_SECONDS:g} s.", file=sys.stderr)
                child.kill()
                child.wait()
            return 0
        return child.returncode
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _child(config_path: str) -> int:
    from flows.runtime import prefect_defaults

    prefect_defaults()
    from alambic.config import load_config
    from flows.deployments import serve_schedules

    serve_schedules(load_config(config_path))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
