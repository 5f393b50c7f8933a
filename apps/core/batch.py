"""What a batch writer needs to apply the one-row rules without the one-row queries.

`full_clean()` costs queries per row: one per foreign key (does the related row exist?), one per unique field or
constraint. A batch writer hands over related rows it has already loaded, so their existence is known, and checks
uniqueness against the keys it read once for the whole batch. The messages are the ones `full_clean()` gives.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

# Rows per INSERT: large enough that 100,000 rows take a few dozen statements, small enough for SQLite's limits.
BATCH_SIZE = 500


def clean_loaded(obj, *, taken=()):
    """Validate `obj` as `full_clean()` does, but trust foreign keys set to loaded rows and check uniqueness here.

    `taken` is a sequence of (fields, set of value tuples already used, message or None): None gives the message
    `full_clean()` gives for a unique field; a message is a constraint's own (reported, like Django does, on the
    whole row). Raises ValidationError with every error of the row.
    """
    loaded = [
        field.name
        for field in obj._meta.concrete_fields
        if field.is_relation and getattr(obj, field.attname) is not None
    ]
    errors = {}
    try:
        obj.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for fields, used, message in taken:
        value = tuple(getattr(obj, obj._meta.get_field(name).attname) for name in fields)
        if value not in used:
            continue
        if message is None:
            errors.setdefault(fields[0], []).append(obj.unique_error_message(type(obj), tuple(fields)))
        else:
            errors.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(message))
    if errors:
        raise ValidationError(errors)
