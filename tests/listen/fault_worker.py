"""`careloop worker` that writes each task's start and end to a file: the real worker of the SIGKILL test.

Run as `python -m tests.listen.fault_worker` with the environment of the `process_env` fixture and
CARELOOP_TEST_TASK_LOG naming the file. Nothing about the work changes; the test only learns which tasks
were in flight when it killed the process.
"""

import json
import os
import threading
import time

from careloop.bootstrap import setup
from careloop.cli import main

_lock = threading.Lock()


def log_task(signal: str, task, *args) -> None:  # noqa: ANN001 - huey's signal handler signature
    line = json.dumps({"signal": signal, "task": task.name, "id": task.id, "at": time.time()})
    with _lock, open(os.environ["CARELOOP_TEST_TASK_LOG"], "a") as f:
        f.write(line + "\n")
        f.flush()


if __name__ == "__main__":
    setup()
    from huey.contrib.djhuey import HUEY

    HUEY.signal()(log_task)  # every signal: executing, then complete, error, locked, retrying …
    main(["worker", "--workers", "2"])
