"""Admin forms whose validation messages say what to fix, not only what is wrong."""

from django import forms

from lessons.models import Lesson, Section

from .sources import SourcesField
from .text import AuthorTextField, KeepsUnchangedText


class LessonAdminForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["course", "slug", "order", "title", "summary", "published"]

    def clean(self):
        cleaned = super().clean()
        course, slug = cleaned.get("course"), cleaned.get("slug")
        if course and slug:
            taken = Lesson.objects.filter(course=course, slug=slug).exclude(pk=self.instance.pk)
            other = taken.only("title").first()
            if other is not None:
                self.add_error(
                    "slug",
                    f"The lesson “{other.title}” of {course} already uses the slug '{slug}'. "
                    "Slugs are part of a lesson's address, so each lesson of a course needs "
                    f"its own: change this one (for example to '{slug}-2') or rename the other.",
                )
        return cleaned


class SectionAdminForm(KeepsUnchangedText, forms.ModelForm):
    """A section, on its own page and in its lesson's inline: sources as "Title | https://…"
    lines (admin_sources.py); the model checks them against the course file's rule. The body
    is kept as typed (admin_text.py), so an unchanged save exports as it was."""

    sources = SourcesField()

    class Meta:
        model = Section
        fields = ["lesson", "slug", "order", "title", "kind", "body_markdown", "sources"]
        field_classes = {"body_markdown": AuthorTextField}  # kept as typed: no strip
