"""Make an instructor: a staff user in the Instructors group, able to author and run teams."""

from teams.instructors import GROUP_NAME, ensure_instructors_group
from teams.management.role_command import RoleCommand

PASSWORD_ENV = "DJANGO_INSTRUCTOR_PASSWORD"


class Command(RoleCommand):
    role = "instructor"
    password_env = PASSWORD_ENV
    make_staff = True
    help = (
        f"Create an instructor (staff, in the '{GROUP_NAME}' group), or make an existing user "
        f"one. The password comes from ${PASSWORD_ENV}, or is asked for."
    )

    def ensure_group(self):
        return ensure_instructors_group()
