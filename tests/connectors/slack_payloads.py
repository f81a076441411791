"""Slack Events API bodies as Slack documents them, for tests/connectors/test_slack.py.

Copied from (keys, nesting and example values as published; `text`, `user`, `channel` and `ts` are the
parameters a test changes, so a complaint can be scored and a reply can come after the message it answers):
- ENVELOPE: the event_callback wrapper's example in Slack's Events API schema
  (specs/slack/event-wrapper.schema.json, slackapi/slack-api-specs `events-api/` at bc08db4), with
  `authed_users`, which that schema requires, from api.slack.com/apis/connections/events-api ("Callback field
  overview").
- DM_EXAMPLE: the example event of the same schema (`event.examples[0]`: a message to the app, channel D…).
- URL_VERIFICATION: api.slack.com/events/url_verification.
- CHANNEL_MESSAGE: api.slack.com/events/message.channels; IM_MESSAGE: api.slack.com/events/message.im;
  THREAD_REPLY: api.slack.com/events/message (the "Threaded messages" reply, with thread_ts and parent_user_id).
- MESSAGE_CHANGED: api.slack.com/events/message/message_changed; MESSAGE_DELETED:
  api.slack.com/events/message/message_deleted (with previous_message, as the Events API schema lists);
  BOT_MESSAGE: api.slack.com/events/message/bot_message; CHANNEL_JOIN: api.slack.com/events/message/channel_join.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SCHEMA = json.loads((Path(__file__).parent / "specs/slack/event-wrapper.schema.json").read_text())

URL_VERIFICATION = {"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
                    "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                    "type": "url_verification"}

ENVELOPE = {"token": "XXYYZZ", "team_id": "TXXXXXXXX", "api_app_id": "AXXXXXXXXX", "event": {},
            "type": "event_callback", "authed_teams": [], "event_id": "EvXXXXXXXX", "event_time": 1234567890,
            "authed_users": ["UXXXXXXX1"]}

DM_EXAMPLE = SCHEMA["properties"]["event"]["examples"][0]  # channel_type "app_home", channel D0PNCRP9N

CHANNEL_MESSAGE = {"type": "message", "channel": "C2147483705", "user": "U2147483697",
                   "text": "Hello world", "ts": "1355517523.000005", "event_ts": "1355517523.000005",
                   "channel_type": "channel"}

IM_MESSAGE = {"type": "message", "channel": "D024BE91L", "user": "U2147483697",
              "text": "Hello hello can you hear me?", "ts": "1355517523.000005",
              "event_ts": "1355517523.000005", "channel_type": "im"}

THREAD_REPLY = {"type": "message", "channel": "C061EG9SL", "user": "U061F1EUR", "text": "Yeah, same here.",
                "ts": "1483037603.017503", "thread_ts": "1482960137.003543", "parent_user_id": "U061F7AUR",
                "event_ts": "1483037603.017503", "channel_type": "channel"}

MESSAGE_CHANGED = {"type": "message", "subtype": "message_changed", "hidden": True, "channel": "C2147483705",
                   "ts": "1358878755.000001",
                   "message": {"type": "message", "user": "U2147483697", "text": "Hello, world!",
                               "ts": "1355517523.000005",
                               "edited": {"user": "U2147483697", "ts": "1358878755.000001"}},
                   "event_ts": "1358878755.000001", "channel_type": "channel"}

MESSAGE_DELETED = {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": "C2147483705",
                   "ts": "1358878755.000001", "deleted_ts": "1358878749.000002",
                   "previous_message": {"type": "message", "user": "U2147483697", "text": "Hello world",
                                        "ts": "1358878749.000002"},
                   "event_ts": "1358878755.000001", "channel_type": "channel"}

BOT_MESSAGE = {"type": "message", "subtype": "bot_message", "ts": "1358877455.000010",
               "text": "Pushing is the answer", "bot_id": "BB12033", "username": "github", "icons": {},
               "channel": "C2147483705", "event_ts": "1358877455.000010", "channel_type": "channel"}

CHANNEL_JOIN = {"type": "message", "subtype": "channel_join", "ts": "1358877458.000011", "user": "U2147483828",
                "text": "<@U2147483828|cal> has joined the channel", "channel": "C2147483705",
                "event_ts": "1358877458.000011", "channel_type": "channel"}


def event(example: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of a documented event with a test's own values (text, user, channel, ts …)."""
    found = copy.deepcopy(example)
    if "ts" in changes and "event_ts" in found and "event_ts" not in changes:
        changes["event_ts"] = changes["ts"]
    found.update(changes)
    return found


def callback(the_event: dict[str, Any], event_id: str, event_time: int = 1234567890) -> dict[str, Any]:
    """The event_callback envelope around one event; checked against the schema's required fields."""
    body = copy.deepcopy(ENVELOPE)
    body.update(event=the_event, event_id=event_id, event_time=event_time)
    missing = [key for key in SCHEMA["required"] if key not in body]
    assert not missing, f"the envelope lacks what Slack's schema requires: {missing}"
    assert all(key in the_event for key in SCHEMA["properties"]["event"]["required"]), the_event
    return body
