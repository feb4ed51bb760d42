"""Who counts as an instructor, and the "Instructors" group's permissions.

An instructor is a staff user in the Instructors group (or a superuser): they author content in
the admin and may create teams. Seeing a team's dashboard needs more: the instructor role in
that team (see teams/access.py).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

GROUP_NAME = "Instructors"

# app label → models an instructor authors; each gets add/change/delete/view.
# Learners' records (read marks, attempts, responses) and user accounts are deliberately absent.
AUTHORED_MODELS = {
    "lessons": ("course", "lesson", "section", "configexample"),
    "quizzes": ("quiz", "question", "choice"),
    "teams": ("team", "membership"),
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
