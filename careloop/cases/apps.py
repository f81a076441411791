from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "careloop.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads the models after apps.py.
        from careloop.cases import mentions, outbox, tasks

        outbox.use_task(tasks.deliver_task)  # a message is queued as the task that delivers it (see use_task)
        mentions.use_task(tasks.email_mention_task)  # a teammate's @mention is e-mailed off the request
