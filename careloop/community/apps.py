from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "careloop.community"
    label = "community"
    verbose_name = "Community (sources, members, threads, posts)"
