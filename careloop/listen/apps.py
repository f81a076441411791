from django.apps import AppConfig


class ListenConfig(AppConfig):
    name = "careloop.listen"
    label = "listen"
    verbose_name = "Listen (scoring and conversation analysis)"

    def ready(self) -> None:
        """Listening plugs itself into the layers below it, which know nothing of it
        (../shared/design/layers.json): posts a connector stores are queued for scoring, and a member's answer
        to a follow-up can be read by the sentiment model."""
        # Imported here, not at the top: Django loads the models after apps.py (AppConfig.ready).
        from careloop.cases import satisfaction
        from careloop.community.signals import posts_stored

        posts_stored.connect(queue_scoring_of_stored, dispatch_uid="careloop.listen.scoring")
        satisfaction.use_sentiment(sentiment_probs)


def queue_scoring_of_stored(sender: object, new_ids: list[int], changed_ids: list[int], **kwargs: object) -> None:
    """community.signals.posts_stored → one scoring task per batch (listen.tasks.queue_scoring)."""
    from careloop.listen import tasks  # not at the top: apps.py is imported before the models are loaded

    tasks.queue_scoring(new_ids, changed_ids)


def sentiment_probs(text: str) -> dict[str, float]:
    """The fast models' sentiment of one text: {"negative": p, "neutral": p, "positive": p}."""
    from careloop.listen.scoring import score  # not at the top (as above); numpy and the models load on first use

    return score([text])[0].sentiment_probs
