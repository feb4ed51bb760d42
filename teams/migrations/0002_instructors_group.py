"""Create the "Instructors" group with exactly the permissions to author content and run teams.

Permissions are normally created after all migrations run (post_migrate); they are created here
first so the group gets them on a fresh database too. The list is frozen in this migration on
purpose: teams/instructors.py may grow later, and `createinstructor` re-applies the live list.
"""

from django.db import migrations

AUTHORED_MODELS = {
    "lessons": ("course", "lesson", "section", "configexample"),
    "quizzes": ("quiz", "question", "choice"),
    "teams": ("team", "membership"),
}
ACTIONS = ("add", "change", "delete", "view")


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for label in AUTHORED_MODELS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # historical app configs have none; create_* need one
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Instructors")
    perms = []
    for label, models in AUTHORED_MODELS.items():
        for model in models:
            for action in ACTIONS:
                perms.append(
                    Permission.objects.get(
                        content_type__app_label=label, codename=f"{action}_{model}"
                    )
                )
    group.permissions.set(perms)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Instructors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lessons", "0001_initial"),
        ("quizzes", "0001_initial"),
        ("teams", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
