"""The four role groups: admin, manager, agent, viewer (see careloop/web/roles.py)."""

from django.db import migrations

ROLES = ("admin", "manager", "agent", "viewer")


def create_roles(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("web", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
