"""The admin's user pages: Django's, with "Add user" refusing look-alike usernames."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model

from .forms import AdminSignupForm

User = get_user_model()


class UserAdmin(auth_admin.UserAdmin):
    add_form = AdminSignupForm


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
