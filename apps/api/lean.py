"""Lists serialised from `values()`: the serializer's own fields, without a model instance per row.

The API's list pages spent more time building model instances and walking DRF's per-field machinery than the
database spent on the rows (issue 22: 6-10x raw SQL). A `LeanPlan` reads the list serializer once and derives,
NetBox-style, what each field needs from the database: a column (`legal_name`), a column across a foreign key
(`owner__username` for a slug field, `category__code` for a dotted source), or the rows of a nested `many=True`
serializer over a reverse foreign key (a flow's categories: one more query for the whole page, ordered as the
viewset's Prefetch orders them). Every value still goes through the serializer field's own `to_representation`,
so dates, choices and numbers come out exactly as the full serializer writes them
(tests/api/test_lean_lists.py compares the two on every hot list).

A serializer with a field the plan does not understand (a method field, a custom field) gets no plan, and the
list falls back to the ordinary serializer: slower, never different.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

# Fields whose to_representation reads only the value itself, never the instance or the request.
VALUE_FIELDS = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.DecimalField,
    serializers.FloatField,
    serializers.IntegerField,
    serializers.JSONField,
    serializers.ListField,
    serializers.UUIDField,
)


class NotLean(Exception):
    """The serializer has a field a values() row cannot feed."""


@dataclass
class Column:
    key: str
    path: str
    to_representation: object  # None: the value is written as the database gives it (a slug, a username)
    # A value of exactly this type is already what to_representation would return (str for a CharField's str(),
    # int for an IntegerField's int()): it is written as it is, without the call.
    written_as_is: type | None = None
    # A ChoiceField's valid choices, each written as itself (DRF maps str(value) back to the choice's key).
    choices: dict | None = None
    # An ISO 8601 DateTimeField: written in the active time zone, looked up once per page, not once per value.
    iso_datetime: bool = False


@dataclass
class Children:
    key: str
    fk_path: str  # the child's column naming its parent
    queryset: object
    plan: "LeanPlan"


@dataclass
class LeanPlan:
    columns: list[Column] = field(default_factory=list)
    children: list[Children] = field(default_factory=list)

    @property
    def paths(self):
        paths = [column.path for column in self.columns]
        if self.children:
            paths.append("pk")  # the children's rows are matched to their parent by it
        return list(dict.fromkeys(paths))

    def render(self, rows):
        """The serializer's output for `rows` (dicts from `values(*paths)`, with "pk" when there are children)."""
        rows = list(rows)
        zone = timezone.get_current_timezone()
        nested = {child.key: self._child_rows(child, rows, zone) for child in self.children}
        output = []
        for row in rows:
            item = self.render_row(row, zone)
            for key, by_parent in nested.items():
                item[key] = by_parent.get(row["pk"], [])
            output.append(item)
        return output

    def render_row(self, row, zone):
        item = {}
        for column in self.columns:
            value = row[column.path]
            if value is None or column.to_representation is None or type(value) is column.written_as_is:
                pass
            elif column.iso_datetime:
                value = _iso(value, zone)
            elif column.choices is not None and value in column.choices:
                value = column.choices[value]
            else:
                value = column.to_representation(value)
            item[column.key] = value
        return item

    @staticmethod
    def _child_rows(child, rows, zone):
        parents = [row["pk"] for row in rows]
        by_parent = {parent: [] for parent in parents}
        if not parents:
            return by_parent
        values = child.queryset.filter(**{f"{child.fk_path}__in": parents}).values(child.fk_path, *child.plan.paths)
        for value in values:
            by_parent[value[child.fk_path]].append(child.plan.render_row(value, zone))
        return by_parent


def lean_plan(serializer, model, prefetches=()):
    """The plan for `serializer` (an instance, its fields bound) over `model`, or None if it is not lean."""
    try:
        return _plan(serializer, model, prefetches)
    except NotLean:
        return None


def _plan(serializer, model, prefetches):
    plan = LeanPlan()
    for key, serializer_field in serializer.fields.items():
        if serializer_field.write_only:
            continue
        if isinstance(serializer_field, serializers.ListSerializer):
            plan.children.append(_children(key, serializer_field, model, prefetches))
            continue
        if not serializer_field.source_attrs or serializer_field.source == "*":
            raise NotLean(key)
        path = "__".join(serializer_field.source_attrs)
        if isinstance(serializer_field, serializers.SlugRelatedField):
            plan.columns.append(Column(key, f"{path}__{serializer_field.slug_field}", None))
        elif isinstance(serializer_field, serializers.DateTimeField):
            iso = _writes_iso_in_active_zone(serializer_field)
            plan.columns.append(Column(key, path, serializer_field.to_representation, iso_datetime=iso))
        elif type(serializer_field) is serializers.ChoiceField:
            choices = {choice: choice for choice in serializer_field.choice_strings_to_values.values()}
            plan.columns.append(Column(key, path, serializer_field.to_representation, choices=choices))
        elif isinstance(serializer_field, serializers.JSONField) and not serializer_field.binary:
            plan.columns.append(Column(key, path, None))  # DRF writes the decoded value back as it is
        elif isinstance(serializer_field, VALUE_FIELDS):
            plan.columns.append(Column(key, path, serializer_field.to_representation, _written_as_is(serializer_field)))
        else:
            raise NotLean(key)
    for column in plan.columns:
        _check_path(model, column.path)
    return plan


def _written_as_is(serializer_field):
    """The type whose values the field's to_representation returns unchanged, if there is one."""
    if type(serializer_field) in (serializers.CharField, serializers.SlugField, serializers.URLField):
        return str  # str(value): CharField's to_representation, which these inherit
    if type(serializer_field) is serializers.IntegerField:
        return int  # int(value)
    if type(serializer_field) is serializers.BooleanField:
        return bool
    return None


def _writes_iso_in_active_zone(serializer_field):
    """Whether DRF writes the field as ISO 8601 in the active time zone (then `_iso` writes it the same way)."""
    output_format = getattr(serializer_field, "format", api_settings.DATETIME_FORMAT)
    has_own_zone = getattr(serializer_field, "timezone", None) is not None
    return bool(output_format) and output_format.lower() == ISO_8601 and settings.USE_TZ and not has_own_zone


def _iso(value, zone):
    """DRF's DateTimeField.to_representation, ISO 8601 branch: moved to the zone, "+00:00" written "Z"."""
    value = value.astimezone(zone) if timezone.is_aware(value) else timezone.make_aware(value, zone)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _check_path(model, path):
    """Every step of `path` is a concrete field (a values() column), never a property or a method."""
    current = model
    for step in path.split("__"):
        try:
            model_field = current._meta.get_field(step)
        except Exception as error:
            raise NotLean(path) from error
        if model_field.is_relation and model_field.related_model is not None:
            if model_field.many_to_many or model_field.one_to_many:
                raise NotLean(path)  # would multiply the rows
            current = model_field.related_model
        elif not model_field.concrete:
            raise NotLean(path)


def _children(key, list_serializer, model, prefetches):
    source = list_serializer.source
    try:
        relation = model._meta.get_field(source)
    except Exception as error:
        raise NotLean(key) from error
    if not relation.one_to_many:
        raise NotLean(key)
    child_model = relation.related_model
    queryset = child_model._default_manager.all()
    for prefetch in prefetches:
        if isinstance(prefetch, Prefetch) and prefetch.prefetch_to == source and prefetch.queryset is not None:
            queryset = prefetch.queryset
    queryset = queryset.select_related(None).prefetch_related(None)
    return Children(key, relation.field.attname, queryset, _plan(list_serializer.child, child_model, ()))
