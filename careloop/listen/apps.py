from django.apps import AppConfig


class ListenConfig(AppConfig):
    name = "careloop.listen"
    label = "listen"
    verbose_name = "Listen (scoring and conversation analysis)"
