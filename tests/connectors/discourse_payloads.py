"""Discourse webhook bodies, shaped as Discourse sends them.

Sources (discourse/discourse on GitHub):
- app/jobs/regular/emit_web_hook_event.rb: the body is {"<event type>": <payload>} ("post", "topic",
  "flag"; {"ping": "OK"} for a ping); headers X-Discourse-Instance, X-Discourse-Event-Id,
  X-Discourse-Event-Type, X-Discourse-Event, X-Discourse-Event-Signature = "sha256=" + HMAC-SHA256 hex of
  the body with the webhook's secret.
- app/serializers/web_hook_post_serializer.rb (PostSerializer plus topic_posts_count,
  topic_filtered_posts_count, topic_archetype, category_slug; raw, topic_title and category_id included).
- app/serializers/web_hook_topic_view_serializer.rb (topic events) and web_hook_flag_serializer.rb (id,
  post (BasicPostSerializer), flag_type, created_by, created_at, resolved_at, resolved_by).
Values are invented; keys and types follow those serializers.
"""

from __future__ import annotations

import copy


def post(id: int = 1201, *, number: int = 1, topic_id: int = 311, username: str = "anna_b", raw: str = "",
         reply_to: int | None = None, archetype: str = "regular", staff: bool = False,
         updated_at: str = "2026-05-03T12:02:00.000Z") -> dict:
    return {"post": {
        "id": id, "name": "Anna Becker", "username": username,
        "avatar_template": f"/user_avatar/forum.example.org/{username}/{{size}}/12_2.png",
        "created_at": "2026-05-03T12:02:00.000Z", "cooked": f"<p>{raw}</p>", "post_number": number,
        "post_type": 1, "posts_count": 3, "updated_at": updated_at, "reply_count": 0,
        "reply_to_post_number": reply_to, "quote_count": 0, "incoming_link_count": 0, "reads": 1,
        "readers_count": 0, "score": 0.2, "yours": False, "topic_id": topic_id,
        "topic_slug": "login-fails-on-android", "topic_title": "Login fails on Android since 3.2",
        "topic_html_title": "Login fails on Android since 3.2", "category_id": 5, "display_username": "Anna Becker",
        "primary_group_name": None, "flair_name": None, "version": 1, "user_title": None, "bookmarked": False,
        "raw": raw, "moderator": staff, "admin": False, "staff": staff, "user_id": 17, "hidden": False,
        "trust_level": 1, "deleted_at": None, "user_deleted": False, "edit_reason": None, "wiki": False,
        "reviewable_id": None, "reviewable_score_count": 0, "reviewable_score_pending_count": 0,
        "topic_posts_count": 3, "topic_filtered_posts_count": 3, "topic_archetype": archetype,
        "category_slug": "support",
    }}


TOPIC_CREATED = {"topic": {
    "tags": [], "tags_descriptions": {}, "id": 311, "title": "Login fails on Android since 3.2",
    "fancy_title": "Login fails on Android since 3.2", "posts_count": 1, "created_at": "2026-05-03T12:02:00.000Z",
    "views": 0, "reply_count": 0, "like_count": 0, "last_posted_at": "2026-05-03T12:02:00.000Z", "visible": True,
    "closed": False, "archived": False, "archetype": "regular", "slug": "login-fails-on-android", "category_id": 5,
    "word_count": 12, "deleted_at": None, "user_id": 17, "featured_link": None, "pinned_globally": False,
    "pinned_at": None, "pinned_until": None, "unpinned": None, "pinned": False, "highest_post_number": 1,
    "deleted_by": None, "has_deleted": False, "bookmarked": False, "participant_count": 1, "thumbnails": None,
    "created_by": {"id": 17, "username": "anna_b", "name": "Anna Becker",
                   "avatar_template": "/user_avatar/forum.example.org/anna_b/{size}/12_2.png"},
    "last_poster": {"id": 17, "username": "anna_b", "name": "Anna Becker",
                    "avatar_template": "/user_avatar/forum.example.org/anna_b/{size}/12_2.png"},
}}

FLAG_CREATED = {"flag": {
    "id": 88,
    "post": {"id": 1202, "name": "Troll", "username": "troll99",
             "avatar_template": "/user_avatar/forum.example.org/troll99/{size}/3_2.png",
             "created_at": "2026-05-03T12:10:00.000Z", "cooked": "<p>lol get a real phone</p>"},
    "flag_type": "inappropriate", "created_by": "anna_b", "created_at": "2026-05-03T12:11:00.000Z",
}}

# What POST /posts.json answers (a PostSerializer of the new post); the test server fills in ids.
CREATED_POST_ANSWER = {
    "id": 0, "name": "Community Team", "username": "community", "avatar_template": "", "created_at": "",
    "cooked": "", "post_number": 1, "post_type": 1, "updated_at": "", "reply_count": 0,
    "reply_to_post_number": None, "quote_count": 0, "topic_id": 0, "topic_slug": "a-message", "version": 1,
}


def answer(post_id: int, topic_id: int, number: int = 1) -> dict:
    body = copy.deepcopy(CREATED_POST_ANSWER)
    body.update(id=post_id, topic_id=topic_id, post_number=number)
    return body
