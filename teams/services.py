"""Writes to teams: create a team, join one, revoke an invite link, change its courses. Each in
one transaction."""

from django.db import IntegrityError, transaction

from .course_set import CourseChange, course_change
from .models import Membership, Team, new_invite_token


class SlugTaken(Exception):
    """Another team took the slug between the form's check and this insert."""


@transaction.atomic
def team_create(*, name: str, slug: str, courses, creator) -> Team:
    """A new team; its creator becomes its first instructor. Raises SlugTaken on a clash."""
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, slug=slug)
    except IntegrityError:  # the form checked the slug, but a second request got there first
        raise SlugTaken(slug) from None
    team.courses.set(courses)
    Membership.objects.create(team=team, user=creator, role=Membership.Role.INSTRUCTOR)
    return team


def membership_join(*, team: Team, user) -> tuple[Membership, bool]:
    """Join as a learner. Joining twice is a no-op and never demotes an instructor."""
    try:
        with transaction.atomic():
            return Membership.objects.get_or_create(
                team=team, user=user, defaults={"role": Membership.Role.LEARNER}
            )
    except IntegrityError:  # two clicks at once: the other request created it
        return Membership.objects.get(team=team, user=user), False


def membership_leave(*, team: Team, user) -> bool:
    """Leave a team one joined as a learner (or be removed by its instructors); False if not a
    learner in it. Progress stays the learner's own: only the team's view of it ends."""
    left, _ = Membership.objects.filter(team=team, user=user, role=Membership.Role.LEARNER).delete()
    return bool(left)


def team_regenerate_invite(*, team: Team) -> str:
    """A new secret; the old link stops working at once."""
    team.invite_token = new_invite_token()
    Team.objects.filter(pk=team.pk).update(invite_token=team.invite_token)
    return team.invite_token


@transaction.atomic
def team_set_published_courses(*, team: Team, courses) -> CourseChange:
    """Make `courses` (published ones) the team's published courses; drafts staff assigned stay.

    Only the team's rows in the course link table change: read marks and quiz attempts are the
    learners' own, so a course removed and added back shows their progress again.
    """
    # Two saves of one team at once would both add the same link and one would fail on the
    # unique pair; the lock on the team's row makes the second wait and see the first's result.
    Team.objects.select_for_update().filter(pk=team.pk).values_list("pk", flat=True).first()
    change = course_change(team.courses.filter(published=True), courses)
    if change.removed:
        team.courses.remove(*change.removed)
    if change.added:
        team.courses.add(*change.added)
    return change
