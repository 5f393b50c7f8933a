"""Pagination for every list: page numbers for the register, cursors for tables that grow without bound."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class AppendOnlyCursorPagination(CursorPagination):
    """For history and timelines: stable under inserts, no COUNT(*) over a huge table."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
