"""`careloop worker` that writes each task's start and end to a file: the real worker of the SIGKILL test.

Run as `python -m tests.listen.fault_worker` with the environment of the `process_env` fixture and
CARELOOP_TEST_TASK_LOG naming the file. Nothing about the work changes; the test only learns which tasks
were in flight when it killed the process. A thread update runs inside its scoring task (listen/tasks.py), so
each run of incremental.update_threads is logged as a task of its own, "update_threads_task".
"""

import json
import os
import threading
import time
import uuid

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
    from careloop.listen import incremental

    real_update = incremental.update_threads

    class Listening:
        name = "update_threads_task"

        def __init__(self) -> None:
            self.id = uuid.uuid4().hex

    def update_threads(post_ids, **kwargs):  # noqa: ANN001, ANN202 - incremental.update_threads' own signature
        step = Listening()
        log_task("executing", step)
        try:
            outcome = real_update(post_ids, **kwargs)
        except BaseException:
            log_task("error", step)
            raise
        log_task("complete", step)
        return outcome

    incremental.update_threads = update_threads  # what the tasks import when they run
    main(["worker", "--workers", "2"])
