from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "careloop.api"
    label = "api"
    verbose_name = "JSON API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads the models after apps.py.
        from careloop.api import scoring_jobs, tasks

        scoring_jobs.use_task(tasks.score_job)  # a job is queued as the task that runs it (see use_task)
