"""The command line: the only place that knows about argv and exit codes.

Exit codes: 0 no diagnostics remain (or --exit-zero); 1 diagnostics remain, a file could not
be checked, `--diff` has changes, or `--exit-non-zero-on-fix` fixed a file; 2 the run itself
failed (bad arguments, a path that does not exist, an internal error).
"""

from __future__ import annotations

import difflib
import os
import sys
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Sequence, Tuple

import click

if TYPE_CHECKING:
    from sagelint.runner import RunResult

from sagelint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2
OUTPUT_FORMATS = ("full", "concise", "json")


def _codes(values: Sequence[str]) -> Tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sagelint", message="%(prog)s %(version)s")
def main() -> None:
    """sagelint: static analysis for Amazon SageMaker deployment and training scripts."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--fix/--no-fix", default=False, help="Apply safe fixes.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=False, help="Also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the diff --fix would apply; write nothing.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied.")
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated).")
@click.option("--extend-select", multiple=True, help="Codes or prefixes to enable in addition.")
@click.option("--ignore", multiple=True, help="Codes or prefixes to disable.")
@click.option(
    "--output-format", type=click.Choice(OUTPUT_FORMATS), default="full", show_default=True
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics remain.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when a file was fixed.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named explicitly.")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary.")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors.")
def check(paths: Tuple[str, ...], **flags: object) -> None:
    """Check files or directories (default: the current directory)."""
    options = CheckOptions(paths=paths or (".",), **flags)  # type: ignore[arg-type]
    try:
        code = _check(options)
    except Exception as exc:  # one clear line, never a traceback unless asked for
        if options.verbose:
            traceback.print_exc()
        click.echo(f"sagelint: internal error: {type(exc).__name__}: {exc}", err=True)
        code = EXIT_FAILURE
    sys.exit(code)


@dataclass(frozen=True)
class CheckOptions:
    paths: Tuple[str, ...]
    fix: bool
    unsafe_fixes: bool
    diff: bool
    show_fixes: bool
    select: Tuple[str, ...]
    extend_select: Tuple[str, ...]
    ignore: Tuple[str, ...]
    output_format: str
    exit_zero: bool
    exit_non_zero_on_fix: bool
    force_exclude: bool
    quiet: bool
    no_color: bool
    verbose: bool


def _check(options: CheckOptions) -> int:
    from sagelint.config import Settings, SettingsError
    from sagelint.files import PathNotFound, Selection, discover
    from sagelint.reporters import ReportOptions, get_reporter
    from sagelint.runner import RunOptions, run

    try:
        settings = Settings.build(
            _codes(options.select) or None, _codes(options.extend_select), _codes(options.ignore)
        )
    except SettingsError as exc:
        click.echo(f"sagelint: {exc}", err=True)
        return EXIT_FAILURE
    selection = Selection(
        force_exclude=options.force_exclude, respect_gitignore=settings.respect_gitignore
    )
    try:
        files = list(discover(options.paths, selection))
    except PathNotFound as exc:
        click.echo(f"sagelint: {exc}: no such file or directory", err=True)
        return EXIT_FAILURE

    fix = options.fix or options.diff
    run_options = RunOptions(
        fix=fix, unsafe_fixes=options.unsafe_fixes, write=not options.diff, verbose=options.verbose
    )
    outcome = run(files, settings, run_options)
    for result in outcome.errors:
        assert result.error is not None
        click.echo(f"error: {result.path}: {result.error.message}", err=True)

    if options.diff:
        changed = _print_diffs(outcome)
        fixes = sum(len(r.applied_fixes) for r in outcome.files)
        if not options.quiet:
            click.echo(f"Would fix {fixes} error{'s' if fixes != 1 else ''}.", err=True)
        return EXIT_FINDINGS if changed or outcome.errors else EXIT_OK

    report_options = ReportOptions(
        color=_use_color(options.no_color),
        quiet=options.quiet,
        fix_mode=fix,
        unsafe_fixes=options.unsafe_fixes,
    )
    get_reporter(options.output_format)(outcome, sys.stdout, report_options)
    if options.show_fixes and fix and options.output_format in ("full", "concise"):
        _print_fixes(outcome)

    if options.exit_zero:
        return EXIT_OK
    if outcome.diagnostics_count or outcome.errors:
        return EXIT_FINDINGS
    if options.exit_non_zero_on_fix and any(r.applied_fixes for r in outcome.files):
        return EXIT_FINDINGS
    return EXIT_OK


def _print_diffs(outcome: RunResult) -> bool:
    changed = False
    for result in outcome.files:
        if result.fixed_source is None or result.source is None:
            continue
        changed = True
        lines = difflib.unified_diff(
            result.source.splitlines(keepends=True),
            result.fixed_source.splitlines(keepends=True),
            fromfile=result.path,
            tofile=result.path,
        )
        for line in lines:
            sys.stdout.write(line if line.endswith(("\n", "\r")) else line + "\n")
    return changed


def _print_fixes(outcome: RunResult) -> None:
    fixed = [r for r in outcome.files if r.applied_fixes]
    if not fixed:
        return
    total = sum(len(r.applied_fixes) for r in fixed)
    click.echo(f"\nFixed {total} error{'s' if total != 1 else ''}:")
    for result in fixed:
        click.echo(f"- {result.path}:")
        counts: Dict[Tuple[str, str], int] = {}
        for code, name in result.applied_fixes:
            counts[(code, name)] = counts.get((code, name), 0) + 1
        for (code, name), count in sorted(counts.items()):
            click.echo(f"    {count} × {code} ({name})")


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Show a rule's documentation."""
    from sagelint.rules import all_rules

    rules = all_rules()
    found = rules.get(code.strip().upper())
    if found is None:
        click.echo(f"sagelint: unknown rule code {code!r}", err=True)
        sys.exit(EXIT_FAILURE)
    click.echo(rule_text(found))


def rule_text(found: type) -> str:
    lines = [f"# {found.name} ({found.code})", ""]  # type: ignore[attr-defined]
    default = "on" if found.default_enabled else "off (opt-in)"  # type: ignore[attr-defined]
    availability = found.fix_availability  # type: ignore[attr-defined]
    fix = "no fix" if availability is None else f"{availability.value} fix"
    lines.append(
        f"Severity: {found.severity.value}. Default: {default}. Fix: {fix}."  # type: ignore[attr-defined]
    )
    lines.append("")
    lines.append(found.documentation())  # type: ignore[attr-defined]
    return "\n".join(lines)


@main.command(name="rules")
def rules_command() -> None:
    """List every rule: code, name, default, fix."""
    from sagelint.rules import all_rules

    click.echo(f"{'code':<7}{'name':<38}{'default':<9}{'fix':<8}summary")
    for code, found in all_rules().items():
        default = "on" if found.default_enabled else "off"
        fix = found.fix_availability.value if found.fix_availability else "-"
        click.echo(f"{code:<7}{found.name:<38}{default:<9}{fix:<8}{found.summary}")


@main.command()
def version() -> None:
    """Print the version."""
    click.echo(f"sagelint {__version__}")


