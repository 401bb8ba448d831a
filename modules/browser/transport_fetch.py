"""Transport `fetch`: the bridge runs the upstream call with the page's own fetch()."""

from __future__ import annotations

import uuid

from ..upstream.body import body_to_text, build_create_evaluation, build_post_to_evaluation
from ..upstream.protocol import REQUEST_CONTENT_TYPE
from .page_session import PageSession
from .relay_stream import Deadlines, RelayClock, RelayStream
from .transport import SendRequest


class FetchTransport:
    """Runs the upstream call with fetch() inside the instance's page."""

    name = "fetch"

    def __init__(self, page: PageSession, deadlines: Deadlines) -> None:
        self._page = page
        self._deadlines = deadlines

    async def open(self, send: SendRequest) -> RelayStream:
        if send.continue_evaluation_id is None:
            call = build_create_evaluation(send.turns, send.model, matchup=send.matchup)
        else:
            call = build_post_to_evaluation(
                send.continue_evaluation_id, send.turns, send.model, send.matchup
            )
        stream_id = uuid.uuid4().hex[:16]  # unique within the page; no shared counter
        body = body_to_text(call.body) if call.body is not None else None
        clock = RelayClock(self._deadlines, self._page.owner)
        stream = RelayStream(self._page, self._page.page, stream_id, clock, call.session_id)
        try:
            await stream.start(call.method, call.path, body, REQUEST_CONTENT_TYPE)
        except BaseException:
            await stream.aclose()
            raise
        stream.continued = send.continue_evaluation_id is not None
        return stream
