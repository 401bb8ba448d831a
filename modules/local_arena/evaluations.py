"""Evaluation sessions (conversations) as the site keeps them: owner, mode, models, turns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    """One user message of an evaluation."""

    text: str
    attachments: int = 0
    reply: str = ""  # participant a's reply, once streamed


@dataclass
class Evaluation:
    """One conversation; its history lives on the server (2026), so replies can see it."""

    id: str
    owner: str
    mode: str
    model_a: str | None  # model ids; None until known
    model_b: str | None = None  # battles only
    turns: list[Turn] = field(default_factory=list)

    def earlier_texts(self) -> tuple[str, ...]:
        """The user texts before the latest turn, oldest first."""
        return tuple(turn.text for turn in self.turns[:-1])

    def conversation(self) -> str:
        """Every message so far (user texts and replies), the latest turn last."""
        texts = [t for turn in self.turns[:-1] for t in (turn.text, turn.reply)]
        return "\n\n".join(t for t in (*texts, self.turns[-1].text) if t)
