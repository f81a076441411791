"""`careloop worker` with the recording connector registered: the real worker process of the SIGKILL test.

Run as `python -m tests.cases.recording_worker` with the environment of the `process_env` fixture.
"""

from careloop.cli import main
from careloop.connectors import base
from tests.cases.recording import KIND, RecordingConnector

if __name__ == "__main__":
    base.register(KIND, RecordingConnector)
    main(["worker", "--workers", "1"])
