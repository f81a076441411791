"""The connectors careloop ships, registered under their Source.kind (tests may register others)."""

from __future__ import annotations

from careloop.connectors.base import register


def register_builtin() -> None:
    from careloop.connectors.discord.connector import DiscordConnector
    from careloop.connectors.discourse.connector import DiscourseConnector
    from careloop.connectors.email.connector import EmailConnector
    from careloop.connectors.files.connector import FilesConnector
    from careloop.connectors.github.connector import GitHubDiscussionsConnector
    from careloop.connectors.mastodon.connector import MastodonConnector
    from careloop.connectors.matrix.connector import MatrixConnector
    from careloop.connectors.reddit.connector import RedditConnector
    from careloop.connectors.slack.connector import SlackConnector
    from careloop.connectors.webhook.connector import WebhookConnector

    register("files", FilesConnector)
    register("webhook", WebhookConnector)
    register("matrix", MatrixConnector)
    register("discourse", DiscourseConnector)
    register("email", EmailConnector)
    register("mastodon", MastodonConnector)
    register("slack", SlackConnector)
    register("reddit", RedditConnector)
    register("discord", DiscordConnector)
    register("github", GitHubDiscussionsConnector)
