"""Who may see what of a team. One rule, used by every team view and the admin.

Outsiders get a 404, never a 403, so a team's slug or a member's name does not leak.
"""

from django.http import Http404

from .models import Membership, Team


def role_in(team: Team, user) -> str | None:
    """The user's role in the team, or None when they are not a member."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(team=team, user=user).values_list("role", flat=True).first()


def can_manage(team: Team, user) -> bool:
    """The team's instructors and superusers see its dashboard, member pages and export."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or role_in(team, user) == Membership.Role.INSTRUCTOR


def managed_team_or_404(user, slug: str) -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None or not can_manage(team, user):
        raise Http404("No such team.")
    return team


def managed_teams(user):
    """The teams a user may manage: all of them for a superuser."""
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.INSTRUCTOR
    ).distinct()
