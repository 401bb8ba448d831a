"""A search model's sources reach the client as url_citation annotations (real path)."""

from __future__ import annotations

import json

from modules.local_arena import expected_reply
from modules.local_arena.replies import citations
from tests.e2e.harness import running_bridge

MODEL = "local-searcher"


async def test_search_sources_become_url_citation_annotations(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        text = "where do rivers start"
        urls = [s["url"] for s in citations(text)["sources"]]
        reply = await bridge.client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": text}]
        )
        message = reply.choices[0].message
        assert message.content == expected_reply(MODEL, text)
        assert message.annotations is not None
        assert [a.url_citation.url for a in message.annotations] == urls
        assert all(a.type == "url_citation" for a in message.annotations)
        assert message.annotations[0].url_citation.end_index == len(message.content)

        body = {"model": MODEL, "stream": True, "messages": [{"role": "user", "content": text}]}
        deltas = []
        async with bridge.http.stream("POST", "/v1/chat/completions", json=body) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: {"):
                    chunk = json.loads(line[6:])
                    deltas += [c["delta"] for c in chunk["choices"]]
        cited = [a for d in deltas for a in d.get("annotations", [])]
        assert [a["url_citation"]["url"] for a in cited] == urls
        assert "".join(d.get("content") or "" for d in deltas) == expected_reply(MODEL, text)
