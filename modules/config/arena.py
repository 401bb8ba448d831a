"""Config of the upstream site: its address, its UI (compose) and per-attempt deadlines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..upstream import site_ui
from .section import Section


class ArenaUiConfig(Section):
    chat_path: str = Field(site_ui.CHAT_PATH, description="Path of a new direct chat page.")
    model_param: str = Field(site_ui.MODEL_PARAM, description="Query parameter naming the model.")
    side_by_side_path: str = Field(
        site_ui.SIDE_BY_SIDE_PATH, description="Path of a new side-by-side battle page."
    )
    model_b_param: str = Field(
        site_ui.MODEL_B_PARAM, description="Query parameter naming the side-by-side model b."
    )
    battle_path: str = Field(site_ui.BATTLE_PATH, description="Path of a new blind battle page.")
    composer: str = Field("", description="CSS selector of the message box; empty: found.")
    submit: site_ui.Submit = Field("enter", description="Send with Enter or the send button.")
    send_button: str = Field("", description="CSS selector of the send button; empty: found.")
    file_input: str = Field("", description="CSS selector of the image file input; empty: found.")
    gate_marker: str = Field(site_ui.GATE_MARKER, description="Global/script name of a gate.")
    send_timeout_s: float = Field(
        site_ui.SEND_TIMEOUT_S, gt=0, description="The page must send this soon after submit."
    )

    def adapter(self) -> site_ui.SiteUi:
        """The UI adapter with these values."""
        return site_ui.SiteUi(**self.model_dump())


class ArenaConfig(Section):
    url: str = Field("https://arena.ai", description="Upstream site.")
    transport: Literal["auto", "compose", "fetch"] = Field(
        "auto", description="How a request leaves the page."
    )
    page_load_timeout_s: float = Field(45, gt=0, description="Deadline to load the page.")
    spare_tab: bool = Field(
        True, description="compose: keep the next new chat's page loaded in one more tab."
    )
    list_stealth_models: bool = Field(False, description="List models with no organization.")
    models_cache_file: str = Field(
        "models.json", description="Cached model list (in storage.path)."
    )
    model_refresh_interval_s: float = Field(600, gt=0, description="Model list refresh period.")
    attachment_url_allowlist: list[str] = Field(
        default_factory=list, description="URL prefixes allowed as remote image attachments."
    )
    ui: ArenaUiConfig = Field(default_factory=ArenaUiConfig, description="The site's UI (compose).")
    max_image_mb: float = Field(4, gt=0, description="Largest inline (data:) image accepted.")
    max_images_mb: float = Field(8, gt=0, description="Inline images of one request together.")


class TimeoutsConfig(Section):
    first_byte_s: float = Field(60, gt=0, description="Per attempt: send to first byte.")
    idle_s: float = Field(60, gt=0, description="Per attempt: longest silence in a stream.")
    total_s: float = Field(300, gt=0, description="Per attempt: the whole answer.")

    @model_validator(mode="after")
    def _within_total(self) -> TimeoutsConfig:
        if self.first_byte_s > self.total_s or self.idle_s > self.total_s:
            raise ValueError(
                "timeouts.first_byte_s and timeouts.idle_s must not exceed timeouts.total_s"
            )
        return self
