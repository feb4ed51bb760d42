"""New rows go after their siblings in the admin, not ahead of them.

Every `order` field defaults to 0, and the course loader numbers rows 10, 20, 30…, so a section
added without touching Order used to land first. Inline rows now start 10 past the last sibling,
and a row added on its own page with Order left at 0 is placed after its siblings on save.
"""

from django.db.models import Max

STEP = 10


def next_order(model, **parent) -> int:
    """The order that puts a new row after every row of `model` under `parent` (10 for none)."""
    last = model._default_manager.filter(**parent).aggregate(last=Max("order"))["last"]
    return STEP if last is None else last + STEP


class AppendedInline:
    """An inline whose new rows are offered the order after the parent's last row."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        order = formset.form.base_fields.get("order")
        if order is not None and obj is not None and obj.pk is not None:
            # The form class is built anew for each request, so this initial is this page's.
            order.initial = next_order(self.model, **{formset.fk.name: obj})
        return formset


class AppendedOnAdd:
    """A ModelAdmin whose new rows, with Order left at its default, go after their siblings."""

    order_parent = ""  # the field naming the row's parent: "lesson", "quiz"…

    def save_model(self, request, obj, form, change):
        if not change and obj.order == 0 and "order" not in form.changed_data:
            obj.order = next_order(
                type(obj), **{self.order_parent: getattr(obj, self.order_parent)}
            )
        super().save_model(request, obj, form, change)
