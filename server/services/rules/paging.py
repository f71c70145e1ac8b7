"""Paging of office lists: a page number and size in, the page's rows and whether another follows out.

No count of the whole list (that would read every matching row): a page fetches one row more than its
size to know whether a "page suivante" exists."""
from dataclasses import dataclass, field
from typing import Generic, Iterator, TypeVar

T = TypeVar("T")
PAGE_SIZE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class PageRequest:
    number: int = 1
    size: int = PAGE_SIZE

    @classmethod
    def parse(cls, text: str | None, size: int = PAGE_SIZE) -> "PageRequest":
        """From the `page` query argument; anything not a page number is the first page, a number past the
        last page allowed is that last page."""
        if not (text and text.isdecimal()):  # isdigit() would let "²" through, which int() refuses
            return cls(1, size)
        digits = text.lstrip("0")
        number = MAX_PAGE if len(digits) > 9 else int(digits or "0")  # int() refuses over 4,300 digits
        return cls(min(max(number, 1), MAX_PAGE), size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def fetch(self) -> int:
        """How many rows to ask for: one more than the page shows."""
        return self.size + 1


@dataclass
class Page(Generic[T]):
    """The rows of one page; iterates, indexes and counts like the list of its rows."""
    items: list[T] = field(default_factory=list)
    number: int = 1
    has_next: bool = False

    @classmethod
    def of(cls, rows: list[T], request: PageRequest) -> "Page[T]":
        return cls(list(rows[:request.size]), request.number, len(rows) > request.size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


FIRST_PAGE = PageRequest()
