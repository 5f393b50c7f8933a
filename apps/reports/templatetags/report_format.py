from django import template

from apps.reports.formatting import readable_time

register = template.Library()
register.filter("when", readable_time)
