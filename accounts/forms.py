"""Sign-up forms that refuse a username passing for another member or for the site."""

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserCreationForm

from .models import UsernameSkeleton
from .usernames import is_reserved, skeleton


def check_not_a_look_alike(username: str) -> None:
    if UsernameSkeleton.objects.filter(skeleton=skeleton(username)).exists():
        raise forms.ValidationError(
            "This name looks the same as an existing member's name (letters from another "
            "alphabet, other capitals, 0 for O…). Choose a name that reads differently.",
            code="look_alike",
        )


class SignupForm(UserCreationForm):
    def clean_username(self):
        username = super().clean_username()  # None once Django found the name taken
        if not username:
            return username
        if is_reserved(username):
            raise forms.ValidationError(
                "This name is kept for the site and its staff. Choose another.", code="reserved"
            )
        check_not_a_look_alike(username)
        return username


class AdminSignupForm(AdminUserCreationForm):
    """The admin's "Add user": staff may choose a reserved name, never a look-alike."""

    def clean_username(self):
        username = super().clean_username()
        if username:
            check_not_a_look_alike(username)
        return username
