"""`careloop worker` on one "host" of the many-hosts test (tests/engine/test_many_hosts.py), in its own network
namespace: careloop's own worker, with its batch task's two steps written to a log and the recording connector
as the platform the outbox sends to.

Run as `python -m tests.engine.netns_worker` with the environment the test gives each host (DATABASE_URL and
CARELOOP_BROKER_URL through the host's veth, CARELOOP_TEST_TASK_LOG, CARELOOP_TEST_SENT_FILE, CARELOOP_TEST_HOST).
Each batch task writes "scoring" as its scoring starts, "scored" with how many scores it wrote, "listening" as its
thread update starts and "listened" when it is done (the task then returns and is acknowledged); every line
carries the host, the process and the batch (its first post id and size). The work itself is careloop's own.
"""

import json
import os
import time

from careloop.bootstrap import setup
from careloop.cli import main

HOST = os.environ.get("CARELOOP_TEST_HOST", "?")


def log(event: str, post_ids: list[int], **fields: object) -> None:
    line = {"event": event, "host": HOST, "pid": os.getpid(), "at": time.time(),
            "batch": f"{min(post_ids)}+{len(post_ids)}" if post_ids else "-", "posts": len(post_ids), **fields}
    with open(os.environ["CARELOOP_TEST_TASK_LOG"], "a") as f:
        f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    setup()
    from careloop.connectors import base
    from careloop.listen import incremental, tasks
    from tests.cases.recording import KIND, RecordingConnector

    base.register(KIND, RecordingConnector)
    real_score, real_update = tasks.score_posts, incremental.update_threads

    def score_posts(post_ids: list[int]) -> int:
        log("scoring", post_ids)
        written = real_score(post_ids)
        log("scored", post_ids, written=written)
        return written

    def update_threads(post_ids, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the real one's signature
        log("listening", list(post_ids))
        outcome = real_update(post_ids, *args, **kwargs)
        log("listened", list(post_ids), opened=len(outcome.opened))
        return outcome

    tasks.score_posts = score_posts  # what score_posts_task calls
    incremental.update_threads = update_threads  # what update_threads_task imports when it runs
    main(["worker", "--threads", os.environ.get("CARELOOP_TEST_THREADS", "2")])
