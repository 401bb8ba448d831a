"""Which upstream chat each conversation the bridge answered lives in; pure, bounded.

A request continues a known conversation when its messages are exactly an earlier
request's messages plus the reply the bridge gave, plus one new user message. Then only
that new message is typed into the same chat on the same instance, so the site sees a
true follow-up turn. Entries are used once (a client that regenerates an answer sends
an older prefix and gets a new chat), forgotten after `ttl_s`, and the least recently
used goes first beyond `max_entries`.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..upstream.body import ChatTurn


@dataclass(frozen=True, slots=True)
class ChatPlace:
    """Where a conversation continues: an instance and the upstream chat (evaluation) id."""

    instance_id: str
    evaluation_id: str


def conversation_key(turns: Sequence[ChatTurn], lane: str = "") -> str:
    """A digest of the turns under a lane (the model id asked for: a follow-up under another
    model, or a direct chat vs a battle, never types into the other's chat); outer
    whitespace is ignored (clients trim replies)."""
    digest = hashlib.sha256(lane.encode() + b"\x02")
    for turn in turns:
        digest.update(turn.role.encode())
        digest.update(b"\x00" + turn.text.strip().encode() + b"\x00")
        for attachment in turn.attachments:
            digest.update(hashlib.sha256(attachment.url.encode()).digest())
        digest.update(b"\x01")
    return digest.hexdigest()


class AffinityMap:
    """Conversation key -> chat place, with LRU and TTL bounds and an injectable clock."""

    def __init__(
        self, max_entries: int, ttl_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max = max_entries
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: OrderedDict[str, tuple[ChatPlace, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def remember(
        self, turns: Sequence[ChatTurn], reply: str, place: ChatPlace, lane: str = ""
    ) -> None:
        """After an answer: these turns plus the reply now live in `place`."""
        key = conversation_key([*turns, ChatTurn("assistant", reply)], lane)
        self._entries[key] = (place, self._clock() + self._ttl_s)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def take(self, turns: Sequence[ChatTurn], lane: str = "") -> ChatPlace | None:
        """The place of the conversation these turns continue (removed: used once)."""
        if len(turns) < 3 or turns[-1].role != "user":
            return None
        entry = self._entries.pop(conversation_key(turns[:-1], lane), None)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def prune(self) -> None:
        """Drop expired entries (they are skipped anyway; this frees their memory)."""
        now = self._clock()
        for key in [k for k, (_, until) in self._entries.items() if until <= now]:
            del self._entries[key]
