"""`careloop worker` whose scoring task writes what it did to a file: the real worker of the engine's SIGKILL test.

Run as `python -m tests.engine.logged_worker` with the environment of the `process_env` fixture,
CARELOOP_BROKER_URL, and CARELOOP_TEST_TASK_LOG naming the file. Each run of the scoring step writes a "scoring"
line as it starts and a "scored" line with how many scores it wrote; then, when CARELOOP_TEST_PAUSE is set, it
waits that long before it returns (and before the task is acknowledged), so the test can kill it there.
CARELOOP_TEST_THREADS: its threads (default 1). The work itself is careloop's own.
"""

import json
import os
import time

from careloop.bootstrap import setup
from careloop.cli import main


def log(event: str, **fields: object) -> None:
    with open(os.environ["CARELOOP_TEST_TASK_LOG"], "a") as f:
        f.write(json.dumps({"event": event, "pid": os.getpid(), "at": time.time(), **fields}) + "\n")


if __name__ == "__main__":
    setup()
    from careloop.listen import tasks

    real = tasks.score_posts

    def score_posts(post_ids: list[int]) -> int:
        log("scoring", posts=len(post_ids))
        written = real(post_ids)
        log("scored", posts=len(post_ids), written=written)
        time.sleep(float(os.environ.get("CARELOOP_TEST_PAUSE", "0")))
        return written

    tasks.score_posts = score_posts  # what score_posts_task calls
    main(["worker", "--threads", os.environ.get("CARELOOP_TEST_THREADS", "1")])
