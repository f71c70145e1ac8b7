"""One page of a select: the rows of the page plus one, so the page knows whether another follows."""
from sqlalchemy import Select

from ...extensions import db
from ..rules.paging import Page, PageRequest


def scalars_page(query: Select, page: PageRequest) -> Page:
    """The page of a select of one entity (ordered by the caller, with a unique tie-breaker)."""
    return Page.of(list(db.session.scalars(query.offset(page.offset).limit(page.fetch))), page)
