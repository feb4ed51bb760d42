"""Writes to teams: create a team, join one, revoke an invite link. Each in one transaction."""

from django.db import IntegrityError, transaction

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
