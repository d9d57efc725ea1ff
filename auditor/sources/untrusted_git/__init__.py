"""Reading an untrusted git repository, in pure Python: no git program is ever run, no GitPython `Repo`.

Why: git and GitPython obey the repository's own metadata, and a release is hostile. `.git/config`
names programs git runs (core.fsmonitor, clean and smudge filters, core.pager, diff.external, a
promisor remote's `ext::` URL that `cat-file` runs to fetch a missing object), hooks run on status
and checkout, `[include]` and `includeIf` read files anywhere, `objects/info/alternates` reads
another repository's objects, a `.git` file (`gitdir: ...`) or core.worktree moves the repository or
its working tree out of the release, and `git status` rewrites `.git/index`. So this package reads
only the data an audit needs, with its own parsers, and nothing else in the git directory:

- the git directory is `<folder>/.git` when that is a real folder inside the release, or the folder
  itself when it is a bare repository (`HEAD`, `objects/`, `refs/`); a `.git` file or link is
  reported (`NotFollowedError`), never followed (`layout`);
- configuration, hooks and attributes are never read, so none of them can apply;
- objects come from loose object files and packs, decompressed by gitdb's stream readers (`objects`).
  Not through `gitdb.GitDB`, whose ReferenceDB follows `objects/info/alternates` (alternates are
  reported as ignored: an object stored only there is missing), nor through gitdb's `LooseObjectDB`
  and `PackedDB` (read in .venv): the first opens object files by path, following a link and blocking
  on a FIFO, the second opens every `pack-*.pack` it globs, links out of the release included, and
  resolves delta chains without bound (a chain that loops never ends). Loose objects are opened here
  with O_NOFOLLOW | O_NONBLOCK, each pack is checked before gitdb's `PackEntity` opens it, and each
  delta chain is walked here, bounded, before gitdb's `DeltaApplyReader` applies it;
- refs come from loose ref files and `packed-refs`; ref names cannot leave the git directory, symbolic
  refs and tags are followed a bounded number of times (`refs`);
- a link in the git metadata that resolves outside the release is reported, never followed;
- every read is bounded (metadata files, trees, delta chains, the index, the number of tree entries);
- the index (versions 2 to 4) is parsed for the working-tree check (`index_file`), and the working
  tree's ignore rules are applied by pathspec, bounded (`ignores`); nothing is ever written.

`GitRepository` (`repository`) is the one object the sources open; commits and trees are parsed in
`trees`.
"""

from auditor.sources.untrusted_git.index_file import Index, IndexEntry
from auditor.sources.untrusted_git.layout import (
    GitError,
    MissingObjectError,
    NotFollowedError,
    RevisionError,
    find_git_dir,
)
from auditor.sources.untrusted_git.objects import blob_sha
from auditor.sources.untrusted_git.repository import GitRepository
from auditor.sources.untrusted_git.trees import LINK_MODE, SUBMODULE_MODE, TREE_MODE

__all__ = [
    "LINK_MODE",
    "SUBMODULE_MODE",
    "TREE_MODE",
    "GitError",
    "GitRepository",
    "Index",
    "IndexEntry",
    "MissingObjectError",
    "NotFollowedError",
    "RevisionError",
    "blob_sha",
    "find_git_dir",
]
