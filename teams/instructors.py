"""Who may author content and who may run teams: the "Instructors" and "Team leads" groups.

An instructor is a staff user in the Instructors group (or a superuser): they author content in
the admin and may create teams. A team lead is any active user in the Team leads group: they
may create teams and run them on the site's /teams/ pages, and nothing more; they need no staff
status, and the group holds no permission, so it opens nothing in the admin. Someone in both
groups has both roles. Seeing a team's dashboard needs more: the instructor role in that team
(see teams/access.py), which whoever creates a team gets.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

GROUP_NAME = "Instructors"
TEAM_LEADS_GROUP = "Team leads"

# app label → models an instructor authors; each gets add/change/delete/view.
# Learners' records (read marks, attempts, responses) and user accounts are deliberately absent.
AUTHORED_MODELS = {
    "lessons": ("course", "lesson", "section", "configexample"),
    "quizzes": ("quiz", "question", "choice"),
    "teams": ("team", "membership"),
    "practice": ("task",),  # granted by practice/migrations/0002_instructors_author_tasks.py
}
ACTIONS = ("add", "change", "delete", "view")


def instructor_permission_codes() -> set[tuple[str, str]]:
    """(app_label, codename) of every permission the group holds."""
    return {
        (app, f"{action}_{model}")
        for app, models in AUTHORED_MODELS.items()
        for model in models
        for action in ACTIONS
    }


def is_instructor(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=GROUP_NAME).exists()


def can_create_teams(user) -> bool:
    """Instructors and team leads create teams (one query: both groups at once)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    groups = set(
        user.groups.filter(name__in=[GROUP_NAME, TEAM_LEADS_GROUP]).values_list("name", flat=True)
    )
    return TEAM_LEADS_GROUP in groups or (user.is_staff and GROUP_NAME in groups)


@transaction.atomic
def ensure_instructors_group() -> Group:
    """Create the group if needed and give it exactly the authoring permissions."""
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = instructor_permission_codes()
    perms = [
        perm
        for perm in Permission.objects.filter(
            content_type__app_label__in=AUTHORED_MODELS
        ).select_related("content_type")
        if (perm.content_type.app_label, perm.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in perms}
    if missing:  # would mean a model was renamed without updating AUTHORED_MODELS
        raise LookupError(f"permissions not found: {sorted(missing)}")
    group.permissions.set(perms)
    return group


@transaction.atomic
def ensure_team_leads_group() -> Group:
    """Create the group if needed; it holds no permission (what it allows, the site checks)."""
    group, _ = Group.objects.get_or_create(name=TEAM_LEADS_GROUP)
    group.permissions.clear()
    return group
