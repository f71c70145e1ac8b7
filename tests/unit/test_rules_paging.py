"""Paging of the office lists: the page a `?page=` argument asks for, the rows it fetches (one more than
it shows, to know whether a next page exists) and what the page shows."""
import pytest

from server.services.rules.paging import FIRST_PAGE, MAX_PAGE, PAGE_SIZE, Page, PageRequest


@pytest.mark.parametrize("text,number", [
    ("1", 1),
    ("3", 3),
    ("007", 7),
    ("10000", 10_000),
    ("10001", 10_000),
    ("99999999", 10_000),
    ("9" * 5000, 10_000),          # past int()'s 4,300 digits: still the last page, not an error
    ("0" * 20 + "2", 2),
    ("٣", 3),                      # Arabic-Indic digits are decimal digits
    (None, 1),
    ("", 1),
    ("0", 1),
    ("000", 1),
    ("-2", 1),
    ("+2", 1),
    (" 2", 1),
    ("2.0", 1),
    ("1e9", 1),
    ("abc", 1),
    ("²", 1),                      # a digit for isdigit(), not a number for int()
])
def test_page_number_from_the_query_argument(text, number):
    request = PageRequest.parse(text)
    assert (request.number, request.size) == (number, PAGE_SIZE)


def test_page_size_is_kept_when_given():
    assert PageRequest.parse("2", 20) == PageRequest(2, 20)
    assert PageRequest.parse("x", 20) == PageRequest(1, 20)


def test_the_limits_are_the_documented_ones():
    assert (PAGE_SIZE, MAX_PAGE) == (50, 10_000)
    assert FIRST_PAGE == PageRequest(1, 50) == PageRequest()


@pytest.mark.parametrize("number,size,offset", [(1, 50, 0), (2, 50, 50), (3, 20, 40), (10_000, 50, 499_950)])
def test_offset_skips_the_rows_of_the_pages_before(number, size, offset):
    assert PageRequest(number, size).offset == offset


def test_a_page_fetches_one_row_more_than_it_shows():
    assert PageRequest(4, 20).fetch == 21
    assert PageRequest().fetch == 51


def test_a_full_page_with_one_row_more_has_a_next_page():
    rows = list(range(21))
    page = Page.of(rows, PageRequest(2, 20))
    assert page.items == list(range(20))
    assert (page.number, page.has_next, page.has_previous) == (2, True, True)


def test_a_page_exactly_full_is_the_last():
    page = Page.of(list(range(20)), PageRequest(1, 20))
    assert page.items == list(range(20))
    assert (page.has_next, page.has_previous) == (False, False)


def test_a_short_last_page():
    page = Page.of(["a", "b"], PageRequest(3, 20))
    assert (page.items, page.number, page.has_next, page.has_previous) == (["a", "b"], 3, False, True)


def test_an_empty_page():
    page = Page.of([], FIRST_PAGE)
    assert (page.items, len(page), page.has_next, page.has_previous) == ([], 0, False, False)
    assert Page() == Page([], 1, False)


def test_a_page_reads_like_the_list_of_its_rows():
    rows = ["r1", "r2", "r3"]
    page = Page.of(rows, PageRequest(1, 2))
    assert list(page) == ["r1", "r2"]
    assert len(page) == 2
    assert (page[0], page[1], page[-1], page[0:2]) == ("r1", "r2", "r2", ["r1", "r2"])
    with pytest.raises(IndexError):
        page[2]


def test_a_page_copies_its_rows():
    rows = [1, 2, 3]
    page = Page.of(rows, PageRequest(1, 5))
    rows.append(4)
    assert page.items == [1, 2, 3]
