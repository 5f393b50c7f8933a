"""Building blocks shared by the register's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def choice_label(choices, value):
    """What get_FOO_display() gives for `value` of a Choices class: its label, or the value when it has none.

    get_FOO_display() rebuilds a dict of every choice and hashes each lazy label, translating them all, at each
    call; a __str__ shown on every changelist row (twice: the column and the checkbox's label) paid that per row.
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed. Who changed it lives in the audit history."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class SlugNaturalKeyManager(models.Manager):
    """Looks rows up by their stable slug, so fixtures load on any database."""

    natural_key_field = "slug"

    def get_by_natural_key(self, key):
        return self.get(**{self.natural_key_field: key})


class CodeNaturalKeyManager(SlugNaturalKeyManager):
    natural_key_field = "code"
