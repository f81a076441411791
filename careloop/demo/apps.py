from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "careloop.demo"
    label = "demo"
    verbose_name = "Demo community"

    def ready(self) -> None:
        from careloop.demo.delivery import install

        install()  # after careloop.connectors (listed before it): the demo's sources record, in every process
