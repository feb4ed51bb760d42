"""Create the "Team leads" group: people who create and run teams without authoring content.

It holds no permission on purpose: a team lead needs no admin (they are not staff), and the site
checks membership of the group by name (teams/instructors.py `can_create_teams`). A group of the
same name made by hand before this migration is emptied of permissions, as
`ensure_team_leads_group` (used by `createteamlead`) does.
"""

from django.db import migrations

GROUP_NAME = "Team leads"


def create_group(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP_NAME)
    group.permissions.clear()


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("teams", "0003_help_texts"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
