"""The affinity matcher: a request continues a conversation only when its earlier messages
and the bridge's reply match exactly; bounded by LRU and TTL, used once."""

from __future__ import annotations

from modules.service.affinity import AffinityMap, ChatPlace
from modules.upstream.body import Attachment, ChatTurn

A = ChatPlace("i-1", "eval-1")
FIRST = [ChatTurn("system", "be brief"), ChatTurn("user", "first")]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def follow(reply: str, text: str = "second") -> list[ChatTurn]:
    return [*FIRST, ChatTurn("assistant", reply), ChatTurn("user", text)]


def test_a_continuation_matches_and_is_used_once() -> None:
    m = AffinityMap(10, 60)
    m.remember(FIRST, "answer one", A)
    assert m.take(follow("answer one")) == A
    assert m.take(follow("answer one")) is None  # a regenerate gets a new chat


def test_outer_whitespace_of_a_reply_does_not_matter_but_its_text_does() -> None:
    m = AffinityMap(10, 60)
    m.remember(FIRST, "answer one\n", A)
    assert m.take(follow("  answer one")) == A
    m.remember(FIRST, "answer one", A)
    assert m.take(follow("answer two")) is None
    assert m.take([ChatTurn("user", "be brief"), *follow("answer one")[1:]]) is None


def test_changed_history_or_images_do_not_match() -> None:
    m = AffinityMap(10, 60)
    image = Attachment("a.png", "image/png", "data:image/png;base64,AAAA")
    other = Attachment("a.png", "image/png", "data:image/png;base64,BBBB")
    with_image = [ChatTurn("user", "look", (image,))]
    m.remember(with_image, "a cat", A)
    changed = [ChatTurn("user", "look", (other,)), ChatTurn("assistant", "a cat")]
    assert m.take([*changed, ChatTurn("user", "and now?")]) is None
    same = [*with_image, ChatTurn("assistant", "a cat"), ChatTurn("user", "and now?")]
    assert m.take(same) == A


def test_only_requests_ending_with_a_user_message_after_a_reply_match() -> None:
    m = AffinityMap(10, 60)
    m.remember(FIRST, "answer one", A)
    assert m.take(FIRST) is None
    assert m.take([*FIRST, ChatTurn("assistant", "answer one")]) is None
    assert len(m) == 1


def test_entries_expire_after_ttl() -> None:
    clock = Clock()
    m = AffinityMap(10, 60, clock=clock)
    m.remember(FIRST, "answer one", A)
    clock.now += 60.5
    assert m.take(follow("answer one")) is None
    m.remember(FIRST, "answer one", A)
    clock.now += 61
    m.prune()
    assert len(m) == 0


def test_least_recently_used_goes_first_beyond_the_bound() -> None:
    m = AffinityMap(2, 60)
    for n in range(3):
        m.remember([ChatTurn("user", f"q{n}")], f"a{n}", ChatPlace("i-1", f"e{n}"))
    assert len(m) == 2
    assert (
        m.take([ChatTurn("user", "q0"), ChatTurn("assistant", "a0"), ChatTurn("user", "x")]) is None
    )
    got = m.take([ChatTurn("user", "q2"), ChatTurn("assistant", "a2"), ChatTurn("user", "x")])
    assert got == ChatPlace("i-1", "e2")


def test_a_conversation_continues_only_under_the_model_id_that_began_it() -> None:
    m = AffinityMap(10, 60)
    m.remember(FIRST, "answer one", A, "battle")
    assert m.take(follow("answer one"), "local-echo") is None
    assert m.take(follow("answer one"), "battle") == A
