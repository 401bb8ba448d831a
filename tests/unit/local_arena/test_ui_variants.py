"""The chat page's other layouts (knob ui_variant) change only what they say they change."""

from __future__ import annotations

import pytest

from modules.local_arena.catalog import MODELS
from modules.local_arena.knobs import Knobs
from modules.local_arena.page_html import PageMode, chat_html

BOX = '<textarea id="composer-input"'
ECHO = PageMode(model_a="local-echo-1")


def page(variant: str) -> str:
    return chat_html(MODELS, ECHO, False, variant)  # type: ignore[arg-type]


def test_standard_is_the_page_as_it_is() -> None:
    assert page("standard") == chat_html(MODELS, ECHO, False)
    assert BOX in page("standard") and 'aria-label="Send">Send</button>' in page("standard")


def test_alternate_adds_inputs_a_hidden_box_and_an_icon_only_button() -> None:
    html = page("alternate")
    assert html.index('type="search"') < html.index(BOX)
    assert 'id="g-recaptcha-response"' in html and "display:none" in html
    assert ">Send</button>" not in html and 'aria-label="Send"><svg' in html
    assert "e.isTrusted" in html  # the box keeps only what real input events typed


def test_renamed_has_no_multi_line_box_and_silent_swallows_sends() -> None:
    assert BOX not in page("renamed") and 'type="text" id="composer-input"' in page("renamed")
    assert "stopImmediatePropagation" in page("silent") and BOX in page("silent")


def test_the_knob_refuses_unknown_layouts() -> None:
    assert Knobs(ui_variant="silent").ui_variant == "silent"
    with pytest.raises(ValueError, match="ui_variant"):
        Knobs(ui_variant="fancy")  # type: ignore[arg-type]
