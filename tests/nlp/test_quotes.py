"""Quote pairing: curly, straight, single, doubled-apostrophe, unbalanced, multi-paragraph."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claimgraph.nlp.quotes import find_quotes


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in find_quotes(text)]


def test_curly_quotes_pair() -> None:
    text = "“Any claims to the contrary are ridiculous,” the spokesperson said."
    assert quoted(text) == ["“Any claims to the contrary are ridiculous,”"]


def test_straight_and_single_quotes() -> None:
    text = "He said \"yes, it is\" and she said 'no way' loudly."
    assert quoted(text) == ['"yes, it is"', "'no way'"]


def test_apostrophes_are_not_quotes() -> None:
    text = "Don’t touch the voters’ choice, the ’90s are over, rock ’n’ roll."
    assert quoted(text) == []


def test_doubled_apostrophes_act_as_one_mark() -> None:
    text = "''Tell that to the janitor,'' Mr. Biden said."
    assert quoted(text) == ["''Tell that to the janitor,''"]


def test_single_quotes_nested_in_double_belong_to_it() -> None:
    text = "“He called it ‘a disgrace’ today,” she said."
    assert quoted(text) == ["“He called it ‘a disgrace’ today,”"]


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "“We will win. We always do.\n\n“And we will keep winning,” he said.\n\nNext paragraph."
    assert quoted(text) == ["“We will win. We always do.", "“And we will keep winning,”"]


def test_unbalanced_quote_does_not_swallow_the_article() -> None:
    text = 'He said "this is open.\n\nA new paragraph with no quotes.'
    assert quoted(text) == ['"this is open.']


def test_second_opener_closes_an_unclosed_quote() -> None:
    text = "“First part “second part” end."
    assert quoted(text) == ["“First part", "“second part”"]


@given(st.text(alphabet=st.sampled_from(list("ab .,\n“”\"'‘’«»`")), max_size=200))
def test_never_raises_and_spans_are_inside_the_text(text: str) -> None:
    for s, e in find_quotes(text):
        assert 0 <= s < e <= len(text)
        assert "\n" not in text[s:e]
