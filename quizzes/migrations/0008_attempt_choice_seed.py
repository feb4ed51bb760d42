"""Each attempt draws the order it shows choices in from a seed of its own (choice_order.py).

Adding the column gives every existing attempt the same seed (the default is computed once for
the table), so each is given its own after: its order is drawn from then on, like a new one's.
"""

from django.db import migrations, models

import quizzes.choice_order

BATCH = 2000


def seed_each_attempt(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    batch = []
    for attempt in Attempt.objects.only("id").order_by("id").iterator(chunk_size=BATCH):
        attempt.choice_seed = quizzes.choice_order.new_seed()
        batch.append(attempt)
        if len(batch) == BATCH:
            Attempt.objects.bulk_update(batch, ["choice_seed"])
            batch = []
    Attempt.objects.bulk_update(batch, ["choice_seed"])


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0007_attempt_preview'),
    ]

    operations = [
        migrations.AddField(
            model_name='attempt',
            name='choice_seed',
            field=models.PositiveBigIntegerField(default=quizzes.choice_order.new_seed, editable=False),
        ),
        migrations.RunPython(seed_each_attempt, migrations.RunPython.noop, elidable=True),
    ]
