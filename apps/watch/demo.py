"""Demo step: install the periodic schedule, so `make run` followed by `make worker` has checks to run."""

from .services import periodic_tasks_install


def setup():
    periodic_tasks_install()
