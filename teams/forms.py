from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from lessons.models import Course
from shared.ids import parse_id

from .models import RESERVED_SLUGS, Team


class CourseChoiceField(forms.ModelMultipleChoiceField):
    """Courses by id, each read as the site reads every id a browser sends (shared.ids): a
    value that is not one (letters, a sign, more digits than an id has) is an unknown course.
    Queried as it came, a number too large for 64 bits made SQLite fail (a 500)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class TeamForm(forms.ModelForm):
    courses = CourseChoiceField(
        queryset=Course.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The team's dashboard reports on these courses. Drafts can be assigned early; "
        "learners see a course once it is published.",
    )

    class Meta:
        model = Team
        fields = ["name", "slug", "courses"]
        help_texts = {"slug": "Leave empty to make one from the name."}

    def __init__(self, *args, drafts: bool = False, **kwargs):
        """`drafts`: offer draft courses too (to staff, who see drafts everywhere on the site)."""
        super().__init__(*args, **kwargs)
        if not drafts:
            self.fields["courses"].queryset = Course.objects.published()
            self.fields["courses"].help_text = "The team's dashboard reports on these courses."
        self.fields["slug"].required = False
        self.fields["courses"].label_from_instance = lambda course: (
            course.title if course.published else f"{course.title} (draft)"
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name") and "slug" not in self.errors:
            cleaned["slug"] = self.free_slug_for_name()
            self.instance.slug = cleaned["slug"]
        return cleaned

    def free_slug_for_name(self) -> str:
        """A slug made from the name that no team has yet."""
        return self._free_slug(slugify(self.cleaned_data["name"])[:45] or "team")

    @staticmethod
    def _free_slug(base: str) -> str:
        taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        taken |= RESERVED_SLUGS
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug


class TeamCoursesForm(forms.Form):
    """The published courses a team trains on, changed by its instructors on the site.

    Published only, for everyone: a draft is assigned early by staff (new team, admin), and
    stays assigned when this form is saved. No course at all is allowed, as on TeamForm.
    """

    # Both errors name no value: what was posted may be anything, and the list is right there.
    _not_offered = "A chosen course is a draft or no longer exists. Choose from the courses listed."

    courses = CourseChoiceField(
        queryset=Course.objects.published(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Courses the team trains on",
        help_text="Untick a course to take it off the team's dashboard and export.",
        error_messages={
            "invalid_choice": _not_offered,
            "invalid_pk_value": _not_offered,
            "invalid_list": "Choose courses from the list.",
        },
    )
