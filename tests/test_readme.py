"""The README and docs/ keep working: every relative link resolves (file and heading), every
`sagelint` command they show parses, Quick start's commands are the ones CI runs, and the
README stays short enough for a newcomer to finish."""
import re
import shlex
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import click
import pytest

from sagelint.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^```[^\n]*\n.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
COMMAND = re.compile(r"^\s*(?:-\s+)?(?:run:\s+)?(?:\.venv/bin/)?(sagelint\s.*)$")


def _prose(text: str) -> str:
    """The page without its code blocks (a Lua table or a JSON array is not a link)."""
    return FENCE.sub("", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> Set[str]:
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", _prose(page.read_text(encoding="utf-8")), re.MULTILINE)
    return {_slug(heading) for heading in headings}


def _links(page: Path) -> Iterator[Tuple[str, Path, str]]:
    for target in LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z]+:", target):  # https:, mailto:: not checked offline
            continue
        path, _, anchor = target.partition("#")
        yield target, (page.parent / path).resolve() if path else page, anchor


def _commands(page: Path) -> List[str]:
    """The `sagelint ...` lines of the page's sh and yaml code blocks, then the ones in its text."""
    found = []
    for block in FENCE.findall(page.read_text(encoding="utf-8")):
        if not re.match(r"^```(sh|bash|yaml|yml)\b", block):
            continue
        for line in block.splitlines()[1:-1]:
            for part in re.split(r"&&|\|", line):  # `sagelint ... | reviewdog ...`
                match = COMMAND.match(part)
                if match:
                    found.append(match.group(1).strip())
    inline = re.findall(r"`(sagelint\s[^`]+)`", _prose(page.read_text(encoding="utf-8")))
    return list(dict.fromkeys(found + inline))


def test_the_pages_exist() -> None:
    assert (ROOT / "docs").is_dir()
    for page in PAGES:
        assert page.is_file(), page


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target, path, anchor in _links(page):
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{target}: no heading #{anchor} in {path.name}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_readme_links_every_docs_page() -> None:
    linked = {path for _, path, _ in _links(README)}
    for page in PAGES[1:]:
        assert page in linked, f"README.md does not link {page.relative_to(ROOT)}"


def test_the_link_checker_catches_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other\n\n## Real heading\n")
    page.write_text("[a](other.md#real-heading) [b](missing.md) [c](other.md#nowhere)\n"
                    "```lua\nx = [d](nowhere.md)\n```\n")
    targets = [(t, p.exists(), a in _anchors(p) if p.exists() else None) for t, p, a in _links(page)]
    assert targets == [("other.md#real-heading", True, True), ("missing.md", False, None),
                       ("other.md#nowhere", True, False)]


def _parse(command: str) -> None:
    """Parse a command line as `sagelint` would (options, choices, subcommand), running nothing."""
    args = shlex.split(command, comments=True)[1:]
    if args and args[0].startswith("-"):  # `sagelint --version`: an option of the group itself
        with pytest.raises(click.exceptions.Exit):
            main.make_context("sagelint", args)
        return
    with click.Context(main, info_name="sagelint") as parent:
        _, sub, rest = main.resolve_command(parent, args)
        assert sub is not None, command
        sub.make_context(sub.name, rest, parent=parent).close()


ALL_COMMANDS = [(page, command) for page in PAGES for command in _commands(page)]


def test_the_readme_shows_commands() -> None:
    shown = _commands(README)
    assert "sagelint check examples" in shown
    assert any(command.startswith("sagelint check --output-format html") for command in shown)


@pytest.mark.parametrize("page,command", ALL_COMMANDS,
                         ids=[f"{p.relative_to(ROOT)}: {c}" for p, c in ALL_COMMANDS])
def test_every_command_shown_parses(page: Path, command: str) -> None:
    try:
        _parse(command)
    except click.UsageError as error:
        pytest.fail(f"{page.relative_to(ROOT)}: `{command}` does not parse: {error.format_message()}")


def test_a_command_that_does_not_parse_is_caught() -> None:
    for wrong in ("sagelint check --output-format htmlx .", "sagelint check --no-such-flag",
                  "sagelint chekc .", "sagelint --verison"):
        with pytest.raises(click.UsageError):
            _parse(wrong)


def _quick_start() -> List[str]:
    section = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.splitlines()[1] for block in FENCE.findall(section)]


def test_quick_start_is_two_commands_and_ci_runs_the_second_verbatim() -> None:
    first, second = _quick_start()
    assert first.endswith("sagelint check examples")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    suite = [line for line in ci if "python -m pytest" in line]
    assert suite, ".ci/run runs no pytest"
    assert suite[-1].split(" || ")[0] == second, "README Quick start (2) and .ci/run differ"
    assert "minutes on 2 cores" in README.read_text(encoding="utf-8")


def test_contributing_documents_the_quick_suite() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert 'python -m pytest -m "not slow"' in text


def test_the_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines < 250, f"README.md has {lines} lines: move details to docs/"
