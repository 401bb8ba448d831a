"""Turns an OpenAI request into upstream chat turns (full history, SPEC §4)."""

from __future__ import annotations

from modules.errors import BadRequest
from modules.openai_api.attachments import ImageBudget, ImagePolicy
from modules.openai_api.schema import ChatCompletionRequest, ChatMessage, ImagePart
from modules.upstream.body import ChatTurn, Role
from modules.upstream.models import ArenaModel

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
}


def to_chat_turns(
    req: ChatCompletionRequest, model: ArenaModel, images: ImagePolicy | None = None
) -> list[ChatTurn]:
    """Convert every message; images become attachments, the last turn must be the user's."""
    if req.messages[-1].role != "user":
        raise BadRequest("The last message must have role 'user'.", param="messages")
    turns: list[ChatTurn] = []
    budget = ImageBudget(images or ImagePolicy())
    for index, message in enumerate(req.messages):
        role = _ROLES.get(message.role)
        if role is None:
            raise BadRequest(f"messages[{index}] has unsupported role.", param="messages")
        attachments = [budget.attach(part.image_url.url) for part in _image_parts(message)]
        _check_images(model, index, len(attachments))
        turns.append(ChatTurn(role, message.text, tuple(attachments)))
    return turns


def _image_parts(message: ChatMessage) -> list[ImagePart]:
    if not isinstance(message.content, list):
        return []
    return [p for p in message.content if isinstance(p, ImagePart)]


def _check_images(model: ArenaModel, index: int, count: int) -> None:
    if count and not model.accepts_images:
        raise BadRequest(
            f"Model '{model.public_name}' does not accept images (messages[{index}]).",
            param="messages",
        )
    if count > 1 and not model.accepts_multiple_images:
        raise BadRequest(
            f"Model '{model.public_name}' accepts one image per message; "
            f"messages[{index}] has {count}.",
            param="messages",
        )
