"""What `createinstructor` and `createteamlead` share: make a user, or promote one, into a role.

A subclass names the role, the group, the password variable and whether the role needs staff
status (the admin). Promoting never takes anything away: an existing user keeps their password
(unless one is given), their staff status and their other groups.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction


class RoleCommand(BaseCommand):
    role: str  # "instructor"
    password_env: str  # "DJANGO_INSTRUCTOR_PASSWORD"
    make_staff: bool  # the role works in the admin

    def ensure_group(self) -> Group:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help=f"the {self.role}'s email address")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"never prompt: a new user then needs ${self.password_env}",
        )

    def handle(self, *args, username: str, email: str, interactive: bool, **options):
        User = get_user_model()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise CommandError(f"'{email}' is not a valid email address.") from exc
        user = User.objects.filter(username=username).first()
        password = os.environ.get(self.password_env) or None
        if user is None:
            try:
                User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
            except ValidationError as exc:
                raise CommandError(f"Username '{username}': {' '.join(exc.messages)}") from exc
            if password is None and not interactive:
                raise CommandError(f"Set ${self.password_env} or run without --no-input.")
            if password is None:
                password = self._ask_password()
        if password is not None:  # an existing user keeps theirs unless one is given
            try:
                validate_password(password, user or User(username=username, email=email))
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            group = self.ensure_group()
            created = user is None
            if created:
                user = User.objects.create_user(username, email, password)
            elif email:
                user.email = email
            if not created and password:
                user.set_password(password)
            if self.make_staff:
                user.is_staff = True
            user.save()
            user.groups.add(group)
        verb = "Created" if created else "Made"
        self.stdout.write(self.style.SUCCESS(f"{verb} {self.role} '{username}'."))

    def _ask_password(self) -> str:
        for _ in range(3):
            first = getpass.getpass("Password: ")
            if first and first == getpass.getpass("Password (again): "):
                return first
            self.stderr.write("The passwords were empty or did not match; try again.")
        raise CommandError("No password given.")
