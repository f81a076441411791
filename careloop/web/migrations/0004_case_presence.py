# Who has a case page open (careloop/web/presence.py).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_service_levels'),
        ('web', '0003_saved_views'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CasePresence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('viewing', 'Viewing'), ('writing', 'Writing'), ('noting', 'Noting')], default='viewing', max_length=8)),
                ('seen_at', models.DateTimeField(help_text='The latest heartbeat.')),
                ('writing_since', models.DateTimeField(blank=True, help_text='When they began writing (None: not writing).', null=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='presence', to='cases.case')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['seen_at'], name='presence_seen')],
                'constraints': [models.UniqueConstraint(fields=('case', 'user'), name='presence_once')],
            },
        ),
    ]
