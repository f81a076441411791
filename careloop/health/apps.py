from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "careloop.health"
    label = "health"
    verbose_name = "Health of careloop itself (workers)"
