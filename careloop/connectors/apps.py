from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "careloop.connectors"
    label = "connectors"
    verbose_name = "Connectors (Matrix, Discourse, e-mail, webhooks, files)"

    def ready(self) -> None:
        from careloop.connectors.registry import register_builtin

        register_builtin()
