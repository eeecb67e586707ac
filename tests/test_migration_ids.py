"""Migration revision ids: unique, one linear chain, and Alembic-generated from now on."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
GENERATED_ID = re.compile(r"[0-9a-f]{12}")  # alembic.util.rev_id(): uuid4().hex[-12:]

# Typed by hand before generated ids were required. They stay as they are: every database in
# the field records its current revision in alembic_version, so renaming one would strand it.
# Never add to this list; `foyer db revision -m "..."` generates the id of a new migration.
HAND_TYPED_IDS = frozenset(
    {
        "b5a4d1e5c0de",
        "d5b0a1d0beef",
        "e6a1d0c0ffee",
        "f1a2c3d4e5f6",
    }
)

# What people type when they make an id up: hex words and counting, straight ("1234") or
# interleaved ("1a2c3d4"). About 1 generated id in 250 contains one of these too: if yours
# does, delete the new file and generate the revision again.
_RUNS = ["0123456789abcdef"[i : i + 4] for i in range(13)]
_WORDS = ["dead", "beef", "c0de", "cafe", "babe", "f00d", "face", "feed", "c0ffee"]
LOOKS_TYPED = re.compile("|".join(_WORDS + _RUNS + [".".join(run) for run in _RUNS]))


def _revisions() -> dict[str, tuple[str, str | None]]:
    """file name → (revision, down_revision), read from each file's assignments."""
    found = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    values[target.id] = ast.literal_eval(node.value)
        assert "revision" in values, f"{path.name} assigns no revision id"
        down = values.get("down_revision")
        assert down is None or isinstance(down, str), f"{path.name} is a merge revision"
        found[path.name] = (values["revision"], down)
    return found


REVISIONS = _revisions()


def test_revision_ids_are_unique() -> None:
    ids = [revision for revision, _ in REVISIONS.values()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"revision ids used by more than one migration: {duplicates}"


def test_migrations_form_one_linear_chain() -> None:
    ids = {revision for revision, _ in REVISIONS.values()}
    parents = [down for _, down in REVISIONS.values()]
    assert parents.count(None) == 1, "exactly one migration must start the chain"
    assert set(parents) - {None} <= ids, "a down_revision names no migration"
    assert HAND_TYPED_IDS <= ids, "the allow-list names a migration that does not exist"
    branched = sorted({p for p in parents if p is not None and parents.count(p) > 1})
    assert not branched, f"two migrations revise the same parent (a branch): {branched}"
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, f"more than one head: {heads}"


@pytest.mark.parametrize("name", sorted(REVISIONS))
def test_new_revision_ids_are_generated(name: str) -> None:
    revision, _ = REVISIONS[name]
    assert name.startswith(f"{revision}_"), f"{name}: file name must start with its id"
    if revision in HAND_TYPED_IDS:
        return
    assert GENERATED_ID.fullmatch(revision), f"{name}: {revision!r} is not a generated id"
    assert not LOOKS_TYPED.search(revision), f"{name}: {revision!r} looks typed by hand"


@pytest.mark.parametrize("revision", sorted(HAND_TYPED_IDS))
def test_the_check_would_have_caught_each_hand_typed_id(revision: str) -> None:
    assert LOOKS_TYPED.search(revision)
