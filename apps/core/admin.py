"""Admin building blocks shared by the register's apps.

Every admin page that writes derives from `ServiceAdmin`: the admin validates the form, then a named service
does the write (the same service the API and the commands call), and a refusal from that service comes back
as an error on the form, with nothing written. `ServiceInline` does the same for inline rows.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import JSONField
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from apps.core.exceptions import TransitionRefused
from apps.core.forms import list_formfield

# What a service raises when its rules refuse a write; every door turns these into a clear answer.
REFUSALS = (ValidationError, TransitionRefused, PermissionDenied)


def refusal_text(error) -> str:
    """One line for people: "field: reason; other: reason", or the refusal's message."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(
            " ".join(msgs) if field == "__all__" else f"{field}: {' '.join(msgs)}"
            for field, msgs in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def refusal_errors(error) -> list[tuple[str | None, list[str]]]:
    """(field or None, messages) pairs of a refusal, for form.add_error."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [(None if field == "__all__" else field, msgs) for field, msgs in error.message_dict.items()]
    if isinstance(error, ValidationError):
        return [(None, error.messages)]
    return [(None, [str(error)])]


class ListFieldsMixin:
    """JSON list columns (data subjects, domains, countries) as fields people type into, not raw JSON."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = list_formfield(db_field) if isinstance(db_field, JSONField) else None
        return field or super().formfield_for_dbfield(db_field, request, **kwargs)


class RowsChangeList(ChangeList):
    """A changelist that reverses its change-page URL once per page, not once per row.

    reverse() per row (100 per page) was a tenth of a changelist's row time in profiles. Integer keys only:
    any other key goes through Django's own reverse(), which encodes what quote() leaves.
    """

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if type(pk) is not int:
            return super().url_for_result(result)
        if not hasattr(self, "_change_url_head"):
            # The change URL is "<head><object_id>/change/": reversed once with 0, the head is what precedes it.
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(0,),
                current_app=self.model_admin.admin_site.name,
            )
            self._change_url_head = url[: url.rindex("/0/change/") + 1]
        return f"{self._change_url_head}{pk}/change/"


class ChangelistRowsMixin:
    """Changelist rows and the page around them without the per-row and per-admin costs Django pays by default.

    - Django draws each row's action checkbox with forms.CheckboxInput.render(), a template render through the
      form renderer: at 100 rows that was the largest single cost of a changelist page (a third of the
      data-flow list's time in a profile). This writes the same element, attribute for attribute.
    - The change links come from RowsChangeList (one reverse() per page).
    - The sidebar asks every registered admin (52) whether the user may see its app, on every page; the answer
      depends on the app alone, so each app is asked once per request.
    """

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def get_changelist(self, request, **kwargs):
        return RowsChangeList

    def has_module_permission(self, request):
        answers = request.__dict__.setdefault("_module_permissions", {})
        app_label = self.opts.app_label
        if app_label not in answers:
            answers[app_label] = super().has_module_permission(request)
        return answers[app_label]


class AuditedAdmin(ChangelistRowsMixin, SimpleHistoryAdmin):
    """Shows an object's audit history (who, when, what changed) and never writes through it.

    simple-history's "revert" form saves an old version over the current one; with
    SIMPLE_HISTORY_REVERT_DISABLED it only hides the button, so a POST is refused here as well.
    """

    def history_view(self, request, object_id, extra_context=None):
        # Models without simple-history (logs, tokens, endpoints) keep Django's own change log page.
        if not hasattr(self.model, "history"):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("The audit history is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)


def _writable_prepopulated(prepopulated, readonly):
    """Keep the slugs to prefill that the form shows as inputs: a slug fixed once it exists is read-only on the
    change page, where prefilling it would fail."""
    readonly = set(readonly)
    return {
        field: sources
        for field, sources in prepopulated.items()
        if field not in readonly and not readonly.intersection(sources)
    }


class ServiceInline(ListFieldsMixin):
    """Mixin for an inline whose rows are written by a service.

    `write(request, parent, form)` saves one new or changed row and returns it; `remove(request, obj)`
    deletes one (define it only where deleting is allowed: without it the inline offers no delete box).
    """

    def write(self, request, parent, form):
        raise NotImplementedError(f"{type(self).__name__} must say which service writes its rows")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.service_inline = self
        return formset

    def has_delete_permission(self, request, obj=None):
        return type(self).remove is not ServiceInline.remove and super().has_delete_permission(request, obj)

    def remove(self, request, obj):
        raise PermissionDenied("These rows cannot be deleted.")

    def get_prepopulated_fields(self, request, obj=None):
        return _writable_prepopulated(
            super().get_prepopulated_fields(request, obj), self.get_readonly_fields(request, obj)
        )


class ServiceAdmin(ListFieldsMixin, AuditedAdmin):
    """An admin whose writes all go through services.

    Subclasses implement `create(request, obj, form)` and `update(request, obj, form)` (each calls a service
    and returns the saved object), and `remove(request, obj)` where deleting is allowed. Many-to-many fields
    are not saved behind the service's back: the service gets them from `form.cleaned_data`. Inline rows go
    through their `ServiceInline.write`/`remove`; an inline that is not a ServiceInline must be read-only.

    A refusal (ValidationError, TransitionRefused, PermissionDenied) raised by any of these rolls the whole
    request back and shows the page again with the reason on the form — the field it names, or the top.
    """

    # A filtered page says "N results" without also counting the whole table: that second COUNT(*) walks
    # every row (100,000 flows, 1,000,000 category rows at 10,000 vendors) on every page view.
    show_full_result_count = False

    def get_prepopulated_fields(self, request, obj=None):
        return _writable_prepopulated(
            super().get_prepopulated_fields(request, obj), self.get_readonly_fields(request, obj)
        )

    class Media:
        # After jQuery and its `django` namespace, which every change page loads first.
        js = ("admin/js/vendor/jquery/jquery.min.js", "admin/js/jquery.init.js", "core/autocomplete-on-focus.js")

    def create(self, request, obj, form):
        raise PermissionDenied("Records of this kind are not added here.")

    def update(self, request, obj, form):
        raise PermissionDenied("Records of this kind are not changed here.")

    def remove(self, request, obj):
        raise PermissionDenied("Records of this kind are not deleted here.")

    # --- permissions follow the services that exist ---------------------------------------------------------
    def _overrides(self, name):
        return getattr(type(self), name) is not getattr(ServiceAdmin, name)

    def has_add_permission(self, request):
        return self._overrides("create") and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        # Without an update service the change page is read-only (the view permission still shows it).
        return self._overrides("update") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._overrides("remove") and super().has_delete_permission(request, obj)

    # --- the writes ------------------------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        saved = self.update(request, obj, form) if change else self.create(request, obj, form)
        if saved is not None and saved is not obj:
            # The admin goes on with `obj` (messages, redirects, inlines' parent): point it at the saved row.
            obj.pk = saved.pk
            obj._state.adding = False
            obj._state.db = saved._state.db

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): many-to-many fields are the service's to write.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        inline = getattr(formset, "service_inline", None)
        for row in formset.forms:
            deleting = formset.can_delete and formset._should_delete_form(row)
            if not deleting and not row.has_changed():
                continue
            if inline is None:
                raise ImproperlyConfigured(f"The {formset.model.__name__} inline writes without a service.")
            try:
                if deleting:
                    if row.instance.pk:
                        inline.remove(request, row.instance)
                        formset.deleted_objects.append(row.instance)
                    continue
                adding = row.instance._state.adding
                saved = inline.write(request, form.instance, row)
            except REFUSALS as error:
                label = formset.model._meta.verbose_name
                raise ValidationError(f"{label.capitalize()}: {refusal_text(error)}") from error
            if adding:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, row.changed_data))

    def delete_model(self, request, obj):
        self.remove(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.remove(request, obj)

    # --- refusals become form errors -------------------------------------------------------------------------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except REFUSALS as refusal:
            # Everything the first pass wrote is rolled back. Validate the same POST again with the refusal
            # added to the form, so the admin shows its ordinary page with errors and writes nothing.
            request._service_refusal = refusal
            for upload in request.FILES.values():
                upload.seek(0)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for field, reasons in refusal_errors(refusal):
                    if field is not None and field not in self.fields:
                        reasons, field = [f"{field}: {reason}" for reason in reasons], None
                    self.add_error(field, reasons)
                return cleaned

        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except (ValidationError, TransitionRefused) as refusal:
            self.message_user(request, refusal_text(refusal), messages.ERROR)
            return redirect(request.path)
