"""The home page's "Your teams" block: each team with its assigned, published courses."""

from dataclasses import dataclass

from .models import Membership, Team


@dataclass
class HomeTeam:
    team: Team
    is_instructor: bool
    courses: list  # CourseProgress of the home page, for the team's published courses


def teams_on_home(user, course_progress: list) -> list[HomeTeam]:
    """Reuses the catalogue's progress, so this costs one query (two when in a team)."""
    if not user.is_authenticated:
        return []
    memberships = list(
        Membership.objects.filter(user=user).select_related("team").order_by("team__name")
    )
    if not memberships:
        return []
    through = Team.courses.through.objects.filter(team_id__in=[m.team_id for m in memberships])
    assigned: dict[int, set[int]] = {}
    for team_id, course_id in through.values_list("team_id", "course_id"):
        assigned.setdefault(team_id, set()).add(course_id)
    return [
        HomeTeam(
            team=m.team,
            is_instructor=m.role == Membership.Role.INSTRUCTOR,
            courses=[p for p in course_progress if p.course.id in assigned.get(m.team_id, ())],
        )
        for m in memberships
    ]
