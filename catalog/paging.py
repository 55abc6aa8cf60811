"""Pages of a list without counting it: "after this one" (keyset) links for the next and
previous pages, so that page 2,000 costs what page 1 does and no page counts the whole table.

A page is read as `?after=<key>` (the rows after the last one shown), `?before=<key>` (the rows
before the first one shown) or, for old links, `?page=<n>` (an offset). One query: the rows of
the page plus one, which says whether there is a next page.
"""

from dataclasses import dataclass, field

MAX_PAGE = 100_000  # an offset beyond this is treated as this page
KEY_MAX = 64


@dataclass
class KeysetPage:
    object_list: list = field(default_factory=list)
    has_next: bool = False
    has_previous: bool = False
    after: str = ""  # the key of the last row shown
    before: str = ""  # the key of the first row shown
    offset: int = 0  # rows before this page, when known (an offset page); None otherwise
    per_page: int = 25

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous

    @property
    def shown(self):
        """ "25+", or the exact number when everything fits on this first page."""
        if not self.has_previous and not self.has_next:
            return str(len(self.object_list))
        return f"{len(self.object_list)}+" if self.has_next else str(len(self.object_list))


def _page_number(text):
    try:
        return min(max(int(text), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def keyset_page(request, queryset, *, key, per_page=25, ordered=False, restart=False):
    """The page the request asks for of `queryset` ordered by the unique field `key` (or
    already ordered, with `ordered`: then only `?page=` is read). An old `?page=` link past
    the end shows an empty page with the way back, or the first page with `restart`."""
    after = (request.GET.get("after") or "")[:KEY_MAX]
    before = (request.GET.get("before") or "")[:KEY_MAX]
    ordered = queryset if ordered else queryset.order_by(key)
    if before:
        rows = list(queryset.filter(**{f"{key}__lt": before}).order_by(f"-{key}")[: per_page + 1])
        has_previous = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_next = True
    elif after:
        rows = list(ordered.filter(**{f"{key}__gt": after})[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = True
    else:
        number = _page_number(request.GET.get("page"))
        start = (number - 1) * per_page
        rows = list(ordered[start : start + per_page + 1])
        if restart and not rows and number > 1:  # an old link past the end: the first page
            number, rows = 1, list(ordered[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = number > 1
    page = KeysetPage(rows, has_next, has_previous, per_page=per_page)
    if rows:
        page.after = str(getattr(rows[-1], key))
        page.before = str(getattr(rows[0], key))
    return page


def queue_page(request, queryset, *, per_page=25, field="submitted_at"):
    """A page of a first-come-first-served queue ordered by (`field`, pk): `?after=<pk>` /
    `?before=<pk>` name the row the page follows or precedes (one query by key finds where it
    stands; a row since decided or deleted starts the queue over), `?page=<n>` still works."""
    from django.db.models import Q

    ordered = queryset.order_by(field, "pk")
    anchor_text = request.GET.get("after") or request.GET.get("before") or ""
    anchor = None
    if anchor_text.isdigit() and len(anchor_text) < 19:
        anchor = (
            queryset.model._default_manager.filter(pk=int(anchor_text))
            .values_list(field, "pk")
            .first()
        )
    if anchor is None:
        page = keyset_page(_without_keys(request), ordered, key="pk", per_page=per_page,
                           ordered=True, restart=True)  # fmt: skip
    elif request.GET.get("after"):
        at, pk = anchor
        rows = list(ordered.filter(Q(**{f"{field}__gt": at}) | Q(**{field: at, "pk__gt": pk}))
                    [: per_page + 1])  # fmt: skip
        page = KeysetPage(rows[:per_page], len(rows) > per_page, True, per_page=per_page)
    else:
        at, pk = anchor
        rows = list(
            queryset.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk})).order_by(
                f"-{field}", "-pk"
            )[: per_page + 1]
        )
        page = KeysetPage(rows[:per_page][::-1], True, len(rows) > per_page, per_page=per_page)
    if page.object_list:
        page.after = str(page.object_list[-1].pk)
        page.before = str(page.object_list[0].pk)
    return page


class _OffsetOnly:
    def __init__(self, request):
        self.GET = {"page": request.GET.get("page")}


def _without_keys(request):
    return _OffsetOnly(request)
