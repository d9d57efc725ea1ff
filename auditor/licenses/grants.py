"""Why a text that is no known licence is not judged open, when no restrictive clause says why,
and which of its sentences clause analysis could not read.

A licence is open only if it grants the freedoms to use, modify and share. For a text the tool
cannot identify, it looks for the sentences that grant each freedom; the freedoms it cannot find a
grant of are the reason the text is not open (OSAID-L012, citing the lines read). A text that
grants all three and restricts nothing the tool can see is still no licence anyone has reviewed:
it is `unknown` with the grants cited (OSAID-L013), so a person knows what to read.
"""

from __future__ import annotations

import re

from auditor.licenses.interface import LicenseReason
from auditor.licenses.sentences import split_sentences, unread_sentences

NO_GRANT = "OSAID-L012"
UNREVIEWED_GRANT = "OSAID-L013"
NOT_READ = "OSAID-L014"
FREEDOMS = ("use", "modify", "share")
_GRANT = re.compile(
    r"\b(grants?|granted|hereby|permission is|permission to|you may|you can|you are (free|permitted|allowed)|"
    r"(is|are) (hereby )?(permitted|allowed|licensed)|free to|right to|licen[cs]e to|authori[sz]ed? to)\b"
    r"|授予|允许|许可您|有权|可以", re.IGNORECASE)
_FREEDOM_VERBS = {
    "use": re.compile(r"\b(use|using|run|execute|deploy|perform|operate)\b|使用|运行|部署", re.IGNORECASE),
    "modify": re.compile(r"\b(modify|modification|adapt|alter|derivative|translate|fine-?tune|improve)\w*"
                         r"|修改|衍生|改编|微调", re.IGNORECASE),
    "share": re.compile(r"\b(distribute|redistribute|share|sublicen[cs]e|publish|convey|make available|"
                        r"provide copies|copy)\w*|分发|传播|发布|转授|复制", re.IGNORECASE),
}


def grant_reasons(text: str) -> tuple[LicenseReason, ...]:
    """One reason: the freedoms no sentence grants (cited as the lines read), or the grants found."""
    sentences = [s for s in split_sentences(text) if s.role == "clause" and _GRANT.search(s.text)]
    first: dict[str, tuple[int, int]] = {}
    for freedom in FREEDOMS:
        for sentence in sentences:
            if _FREEDOM_VERBS[freedom].search(sentence.text):
                first[freedom] = (sentence.line_start, sentence.line_end)
                break
    missing = [f for f in FREEDOMS if f not in first]
    if missing:
        last_line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        freedoms = "freedoms" if len(missing) > 1 else "freedom"
        return (LicenseReason(NO_GRANT, f"no grant of the {freedoms} to {_and(missing)} found", 1, last_line),)
    starts = [first[f][0] for f in FREEDOMS]
    cited = _and([f"{f} (line {first[f][0]})" for f in FREEDOMS])
    return (LicenseReason(UNREVIEWED_GRANT, f"grants {cited} and no restriction was found, but it is no "
                          "licence the tool knows: read its conditions", min(starts),
                          max(first[f][1] for f in FREEDOMS)),)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def unread_reasons(text: str) -> tuple[LicenseReason, ...]:
    """A reason naming the sentences clause analysis could not read, if there are any."""
    unread = unread_sentences(split_sentences(text))
    if not unread:
        return ()
    return (LicenseReason(NOT_READ, f"{len(unread)} sentence{'s' if len(unread) > 1 else ''} in a language clause "
                          "analysis does not read: restrictions in them are not reported",
                          unread[0].line_start, unread[-1].line_end),)
