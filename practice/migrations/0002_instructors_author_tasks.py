"""Instructors author practice tasks: the "Instructors" group gets add/change/delete/view on
Task (not on TaskProgress, a learner's record). After teams' migration that creates the group
and sets its permissions, so that one does not take these away; teams/instructors.py holds the
same list for `createinstructor`."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("practice")
    app_config.models_module = True  # historical app configs have none; create_* need one
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Instructors")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="practice",
            codename__in=[f"{action}_task" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Instructors"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="practice", codename__endswith="_task"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_tasks_and_progress"),
        ("teams", "0002_instructors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
