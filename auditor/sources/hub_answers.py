"""Answers of the Hub, checked, and every way one can fail, as one line.

The client builds its info objects from whatever JSON arrives: the fields the audit relies on are
checked here. Each failure (an HTTP status, the deadline, an answer cut short, reset, refused or
malformed, a spent budget) becomes one message: an exit-2 error when it is the listing, a finding
when it is another part (refs, a dataset, a file).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpx2
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from auditor.errors import BadTargetError, SourceUnavailableError
from auditor.escape import printable

T = TypeVar("T")


class BudgetSpent(OSError):
    """A request the audit's budget does not allow: the part is reported unread, nothing is asked."""


def checked_info(info: T) -> T:
    """A repository's info, once the fields the audit uses are what they should be."""
    if info.sha is not None and not isinstance(info.sha, str):
        raise ValueError("the commit is not a string")
    for sibling in info.siblings or []:
        if not isinstance(sibling.rfilename, str) or not sibling.rfilename:
            raise ValueError("a file without a name")
        if sibling.size is not None and (type(sibling.size) is not int or sibling.size < 0):
            raise ValueError(f"the size of {printable(sibling.rfilename)} is not a byte count")
        if sibling.lfs is not None and not isinstance(sibling.lfs.sha256, str):
            raise ValueError(f"the sha256 of {printable(sibling.rfilename)} is not a string")
    return info


def checked_refs(refs: T) -> T:
    if not all(isinstance(ref.name, str) for ref in [*refs.branches, *refs.tags]):
        raise ValueError("a branch or tag without a name")
    return refs


def transport_failure(error: Exception) -> str:
    """The kind of a transport error and its first line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {printable(lines[0][:200])}" if lines else type(error).__name__


def status_message(shown: str, what: str, status: int, tries: int | None = None) -> str:
    still = f", still after {tries} tries" if tries else ""
    if status == 429:
        return f"{shown}: the Hub is rate-limiting requests (429) for the {what}{still}; try later"
    return f"{shown}: the Hub answered {status} for the {what}{still}"


@contextmanager
def hub_errors(shown: str, what: str, endpoint: str, has_token: bool, seconds: float) -> Iterator[None]:
    """Every failure of a client call for `what` as a one-line AuditorError."""
    try:
        yield
    except BudgetSpent as error:
        raise SourceUnavailableError(f"{shown}: the {what} was not read: {error}") from None
    except GatedRepoError:
        hint = "your token has no access: accept the terms on the Hub" if has_token else \
            "set HF_TOKEN after accepting its terms on the Hub"
        raise SourceUnavailableError(f"{shown}: gated repository; {hint}") from None
    except RepositoryNotFoundError:
        raise BadTargetError(f"{shown}: {what} not found on {endpoint} (or private: set HF_TOKEN)") from None
    except RevisionNotFoundError:
        raise BadTargetError(f"{shown}: revision not found") from None
    except EntryNotFoundError:
        raise BadTargetError(f"{shown}: {what} not found") from None
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else 0
        if status == 401:
            raise SourceUnavailableError(f"{shown}: authentication failed (401): check HF_TOKEN") from None
        if status == 403:
            raise SourceUnavailableError(f"{shown}: access denied (403) to the {what}") from None
        raise SourceUnavailableError(status_message(shown, what, status)) from None
    except httpx2.TimeoutException:
        raise SourceUnavailableError(f"{shown}: the Hub did not answer within {seconds:g} s ({what})") from None
    except (httpx2.ConnectError, OSError) as error:
        raise SourceUnavailableError(f"{shown}: cannot reach {endpoint} ({type(error).__name__}); "
                                     "use --offline to audit the local cache") from None
    except httpx2.RequestError as error:
        raise SourceUnavailableError(f"{shown}: the Hub's answer for the {what} could not be read "
                                     f"({transport_failure(error)})") from None
    # What the client raises when it builds its objects from JSON of the wrong shape.
    except (ValueError, LookupError, TypeError, AttributeError) as error:
        raise SourceUnavailableError(f"{shown}: the Hub sent a malformed answer for the {what} "
                                     f"({type(error).__name__}: {printable(str(error)[:200])})") from None
