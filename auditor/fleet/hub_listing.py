"""`--hub-top N` and `--hub-search QUERY`: models listed by the Hub, most downloaded first.

The listing goes through the huggingface_hub client, bounded like every Hub request of an audit
(a deadline and a byte limit per page), with its failures as one line.
"""

from __future__ import annotations

import os

from huggingface_hub import HfApi

from auditor.fleet.targets import FleetTarget, hub_target
from auditor.sources.hub import DEFAULT_ENDPOINT, request_seconds
from auditor.sources.hub_answers import hub_errors
from auditor.sources.hub_http import IDENTITY, bounded, bounded_session

PAGE_BYTES = 32 * 1024 * 1024
MAX_LISTED = 100_000


def hub_models(top: int, search: str | None = None) -> list[FleetTarget]:
    """The `top` most-downloaded models (matching `search`), as `hf://` targets."""
    endpoint = (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    token = os.environ.get("HF_TOKEN") or None
    seconds = request_seconds()
    api = HfApi(endpoint=endpoint, token=token or False, headers=IDENTITY)
    listed: list[FleetTarget] = []
    with hub_errors("the Hub listing", "model listing", endpoint, bool(token), seconds):
        models = iter(api.list_models(sort="downloads", search=search, limit=min(top, MAX_LISTED)))
        while len(listed) < top:
            bounded_session()
            with bounded(seconds, PAGE_BYTES):  # each page is one request, within its own bounds
                model = next(models, None)
            if model is None:
                break
            listed.append(hub_target(model.id, model.sha))
    return listed
