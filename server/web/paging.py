"""The page asked for by an office list (`?page=`) and the links of the pager include."""
from flask import request, url_for

from ..services.rules.paging import PageRequest


def requested_page(size: int | None = None) -> PageRequest:
    text = request.args.get("page")
    return PageRequest.parse(text, size) if size else PageRequest.parse(text)


def page_url(number: int) -> str:
    """The current list with the same filters, at page `number`."""
    args = request.args.to_dict()
    args.update(request.view_args or {})
    args["page"] = number
    return url_for(request.endpoint, **args)
