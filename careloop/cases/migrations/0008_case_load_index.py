# Each teammate's open-case load (careloop/cases/load.py) read from an index.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_mentions_and_contact'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('assignee__isnull', False)), fields=['state', 'assignee', 'overdue_at', 'follow_up_due_at'], name='case_load'),
        ),
    ]
