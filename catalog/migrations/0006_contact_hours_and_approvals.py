# Contact hours on courses and sessions, and other certifiers' approvals of a course.

import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_title_trigram_index'),
        ('tracker', '0008_drop_old_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='course',
            name='contact_hours',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
        ),
        migrations.AddField(
            model_name='session',
            name='contact_hours',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('contact_hours__isnull', True), ('contact_hours__gt', 0), _connector='OR'), name='course_contact_hours_positive'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.CheckConstraint(condition=models.Q(('contact_hours__isnull', True), ('contact_hours__gt', 0), _connector='OR'), name='session_contact_hours_positive'),
        ),
        migrations.CreateModel(
            name='CourseApproval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=30)),
                ('credit', models.DecimalField(blank=True, decimal_places=1, max_digits=6, null=True)),
                ('category', models.CharField(blank=True, max_length=20)),
                ('valid_from', models.DateField(blank=True, null=True)),
                ('valid_to', models.DateField(blank=True, null=True)),
                ('added_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ('added_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('certifier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='course_approvals', to='tracker.certifier')),
                ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approvals', to='catalog.course')),
            ],
            options={
                'ordering': ['course_id', 'certifier_id'],
                'indexes': [models.Index(fields=['number'], name='courseapproval_number')],
                'constraints': [
                    models.UniqueConstraint(fields=('certifier', 'number'), name='courseapproval_number_unique'),
                    models.UniqueConstraint(fields=('course', 'certifier'), name='courseapproval_one_per_certifier'),
                    models.CheckConstraint(condition=models.Q(('credit__isnull', True), ('credit__gt', 0), _connector='OR'), name='courseapproval_credit_positive'),
                    models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_from__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='courseapproval_window_ordered'),
                ],
            },
        ),
    ]
