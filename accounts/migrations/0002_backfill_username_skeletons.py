from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    from accounts.usernames import skeleton

    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    UsernameSkeleton = apps.get_model("accounts", "UsernameSkeleton")
    rows = [
        UsernameSkeleton(user_id=pk, skeleton=skeleton(username))
        for pk, username in User.objects.values_list("pk", "username").iterator()
    ]
    UsernameSkeleton.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
