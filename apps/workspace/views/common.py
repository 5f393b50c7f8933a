"""What every workspace form view does with a service's answer: a bad field is a form error on that field,
a refusal an error at the top of the form, shown in place on the page the reviewer was reading."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from apps.core.exceptions import TransitionRefused


class Refused(Exception):
    """The service refused; `status` is what the page answers (400 bad input, 403, 409 rule refusal)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def call_service(form, run):
    """Return `run()`; on a refusal, attach the reason to `form` and raise Refused."""
    try:
        return run()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for field, messages in errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(
                    target, f"{field}: {message}" if target is None and field != NON_FIELD_ERRORS else message
                )
        raise Refused(400) from None
    except TransitionRefused as exc:
        form.add_error(None, str(exc))
        raise Refused(409) from None
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        raise Refused(403) from None
