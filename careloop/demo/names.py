"""The demo's fixed names: the marker file that makes a folder a demo folder, and the demo's two sources.

The seed (careloop.demo.seed) writes them; delivery (careloop.demo.delivery) recognises a demo folder and the
demo's sources by them. They live here, below both, so neither module imports the other for a name.
"""

from __future__ import annotations

MARKER = "demo.json"
SOURCES = {  # one sign-on for forum and chat: the same member id is the same person in both
    "lumen-forum": {"display_name": "Lumen Community Forum", "settings": {"identity_realm": "lumen"}},
    "lumen-chat": {"display_name": "Lumen Chat", "settings": {"identity_realm": "lumen"}},
}
