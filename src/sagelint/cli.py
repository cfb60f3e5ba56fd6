"""The command line: the only place that knows about argv and exit codes.

Exit codes: 0 no diagnostics remain (or --exit-zero); 1 diagnostics remain, a file could not
be checked (or a path named does not exist), `--diff` has changes, or `--exit-non-zero-on-fix`
fixed a file; 2 the run itself failed (bad arguments, invalid configuration, an internal error).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

import click

if TYPE_CHECKING:
    from pathlib import Path

    from sagelint.config import Settings, SettingsResolver
    from sagelint.files import Selection
    from sagelint.model import FileResult
    from sagelint.reporters import BaselineState
    from sagelint.runner import RunOptions, RunResult

from sagelint import __version__
from sagelint.analysis.syntax import TARGET_VERSIONS
from sagelint.records import frozen_record

EXIT_OK, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2
# Kept in step with sagelint.config.OUTPUT_FORMATS (a test checks); not imported from there
# so that `sagelint --help` does not load the engine.
OUTPUT_FORMATS = (
    "full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "rdjson",
    "html", "markdown",
)


def _codes(values: Sequence[str]) -> Tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _use_color(no_color: bool, stream: TextIO) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sagelint", message="%(prog)s %(version)s")
def main() -> None:
    """sagelint: static analysis for Amazon SageMaker deployment and training scripts."""


@main.command()
# Not `readable`: a file that cannot be read is reported with the others, not a usage error.
@click.argument("paths", nargs=-1, type=click.Path(readable=False))
@click.option("--fix/--no-fix", default=None, help="Apply safe fixes.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the diff --fix would apply; write nothing.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied.")
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated).")
@click.option("--extend-select", multiple=True, help="Codes or prefixes to enable in addition.")
@click.option("--ignore", multiple=True, help="Codes or prefixes to disable.")
@click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), default=None,
              help="Output format (default: full).")
@click.option("--output-file", type=click.Path(dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--statistics", is_flag=True, help="Count diagnostics per rule instead of listing them.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when diagnostics remain.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when a file was fixed.")
@click.option("--fail-on", type=click.Choice(("warning", "error")), default=None,
              help="The lowest severity that fails the run (default: warning).")
@click.option("--target-version", type=click.Choice(TARGET_VERSIONS), default=None,
              help="Judge syntax by this Python (default: any supported one).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings not recorded in this baseline file.")
@click.option("--update-baseline", is_flag=True,
              help="Record the current findings in the baseline file, and exit 0.")
@click.option("--add-noqa", is_flag=True,
              help="Add `# noqa: CODES` to every line with a finding, and exit 0.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Use this configuration file.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--stdin-filename",
              help="Check standard input as this file (with or without `-` as the path).")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named explicitly.")
@click.option("--sarif-category", metavar="NAME",
              help="SARIF automationDetails.id: tells analyses uploaded to one repository apart.")
@click.option("--sdk-version", metavar="SPEC",
              help="The SageMaker SDK releases to check against (SM6): a PEP 440 specifier "
                   "or a major (\"3\"); overrides the project's declarations.")
@click.option("--show-settings", is_flag=True,
              help="Print each file's settings and admitted SDK releases; check nothing.")
@click.option("--repository-name", metavar="NAME",
              help="The repository's name in SARIF, for `sagelint report` "
                   "(default: from the git remote, else the folder's name).")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary.")
@click.option("--no-color", is_flag=True, help="Never colour the output.")
@click.option("--no-cache", is_flag=True, help="Check every file again; read and write no cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Where the cache lives (default: .sagelint_cache next to the configuration).")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors.")
def check(paths: Tuple[str, ...], **flags: Any) -> None:
    """Check files or directories (default: the current directory)."""
    _start_up_gc()
    # No path: the current directory, or with --stdin-filename standard input (`-` is
    # optional there, and the default `.` is no path the user gave that would be ignored).
    default = ("-",) if flags.get("stdin_filename") is not None else (".",)
    options = CheckOptions(paths=paths or default, **flags)  # click gives each its type
    from sagelint.output import OutputFileError, abandon_stdout, guarded_stdout

    try:
        with guarded_stdout():
            code = _check(options)
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_FINDINGS)
    except OutputFileError as exc:  # the report could not be written (a full disk)
        click.echo(f"sagelint: {exc}", err=True)
        abandon_stdout()
        code = EXIT_FAILURE
    except Exception as exc:  # one clear line, never a traceback unless asked for
        if options.verbose:
            import traceback

            traceback.print_exc()
        click.echo(f"sagelint: internal error: {type(exc).__name__}: {exc}", err=True)
        code = EXIT_FAILURE
    sys.exit(code)


def _start_up_gc() -> None:
    """The collector's run-time thresholds from the start of a check: what a run imports and
    builds before its first file (settings, catalogue, engine tables) is long-lived, and
    CPython's default thresholds would walk it again every 700 allocations until the run
    tunes the collector (`sagelint.memory.tune_gc`, which also freezes that heap)."""
    import gc

    from sagelint.memory import THRESHOLDS

    gc.set_threshold(*THRESHOLDS)


@frozen_record  # every run makes one: not a data class to build at import (sagelint.records)
class CheckOptions:
    """What `sagelint check` was given, one field per option."""

    paths: Tuple[str, ...]
    fix: Optional[bool]
    unsafe_fixes: Optional[bool]
    diff: bool
    show_fixes: bool
    select: Tuple[str, ...]
    extend_select: Tuple[str, ...]
    ignore: Tuple[str, ...]
    output_format: Optional[str]
    output_file: Optional[str]
    statistics: bool
    exit_zero: bool
    exit_non_zero_on_fix: bool
    fail_on: Optional[str]
    target_version: Optional[str]
    baseline_path: Optional[str]
    update_baseline: bool
    add_noqa: bool
    config_path: Optional[str]
    isolated: bool
    stdin_filename: Optional[str]
    force_exclude: bool
    sarif_category: Optional[str]
    sdk_version: Optional[str]
    show_settings: bool
    repository_name: Optional[str]
    quiet: bool
    no_color: bool
    no_cache: bool
    cache_dir: Optional[str]
    verbose: bool


def _resolver(options: CheckOptions) -> SettingsResolver:
    """Settings per checked file: the nearest configuration above it, with the command
    line on top; `--config` / `--isolated` give every file the same."""
    from pathlib import Path

    from sagelint.config import ConfigFile, SettingsResolver, load_config, resolve_settings

    def build(config: Optional[ConfigFile]) -> Settings:
        return resolve_settings(
            config,
            _codes(options.select),
            _codes(options.extend_select),
            _codes(options.ignore),
            fix=options.fix,
            unsafe_fixes=options.unsafe_fixes,
            output_format=options.output_format,
            fail_on=options.fail_on,
            target_version=options.target_version,
            sdk_version=options.sdk_version,
        )

    if options.config_path:
        return SettingsResolver(build, fixed=build(load_config(Path(options.config_path))))
    if options.isolated:
        return SettingsResolver(build, fixed=build(None))
    return SettingsResolver(build)


def _reads_stdin(options: CheckOptions) -> bool:
    return options.stdin_filename is not None or options.paths == ("-",)


def _check(options: CheckOptions) -> int:
    from pathlib import Path

    from sagelint.config import SettingsError

    if options.isolated and options.config_path:  # as in ruff: one or the other
        click.echo("sagelint: --isolated and --config cannot be used together", err=True)
        return EXIT_FAILURE
    try:
        resolver = _resolver(options)
        # What the whole run follows (output format, fix, walking): the configuration of
        # the working directory, or of the file standard input stands for.
        if _reads_stdin(options) and options.stdin_filename:
            settings = resolver.for_path(Path(options.stdin_filename))
        else:
            settings = resolver.for_folder(Path.cwd())
    except SettingsError as exc:
        click.echo(f"sagelint: {exc}", err=True)
        return EXIT_FAILURE
    conflict = _conflicting_options(options, settings)
    if conflict:
        click.echo(f"sagelint: {conflict}", err=True)
        return EXIT_FAILURE
    if not options.output_file:
        return _run_check(options, resolver, settings, None)
    from sagelint.output import AtomicOutput, OutputFileError

    try:
        output = AtomicOutput(options.output_file)
    except OutputFileError as exc:
        click.echo(f"sagelint: {exc}", err=True)
        return EXIT_FAILURE
    try:
        code = _run_check(options, resolver, settings, output.stream)
    except BaseException:
        output.discard()
        raise
    if code == EXIT_FAILURE:  # the run itself failed: no report, an earlier one stays
        output.discard()
        return code
    try:
        output.commit()
    except OutputFileError as exc:
        click.echo(f"sagelint: {exc}", err=True)
        return EXIT_FAILURE
    return code


def _run_check(
    options: CheckOptions, resolver: SettingsResolver, settings: Settings, out: Optional[TextIO]
) -> int:
    """Check the paths (or standard input); the report goes to `out` (--output-file) or
    standard output."""
    from pathlib import Path

    from sagelint.config import SettingsError
    from sagelint.files import Selection, discover
    from sagelint.runner import RunOptions, run

    stdin = _reads_stdin(options)
    started = _utc_now()
    selection = Selection(
        root=settings.root,
        exclude=settings.exclude,
        extend_exclude=settings.extend_exclude,
        respect_gitignore=settings.respect_gitignore,
        force_exclude=options.force_exclude,
    )
    fix = settings.fix or options.diff
    run_options = RunOptions(
        fix=fix,
        unsafe_fixes=settings.unsafe_fixes,
        write=not options.diff and not stdin,  # never write the file stdin stands for
        verbose=options.verbose,
        cache_dir=_cache_dir(options, settings),
    )
    if stdin and options.show_settings:  # the settings of the file standard input stands for
        return _show_settings([options.stdin_filename or "-"], options, resolver)
    if stdin:
        ignored = [path for path in options.paths if path != "-"]
        if options.stdin_filename and ignored:
            click.echo(f"warning: ignoring {ignored[0]} in favour of standard input", err=True)
        return _check_stdin(options, settings, selection, run_options, out, started)
    # A path that does not exist is one of the selection's problems: reported, and the
    # others are checked (as ruff does).
    files = list(discover(options.paths, selection))
    try:
        files = [f for f in files if not _excluded_by_own_config(f, options, resolver, settings)]
        if options.show_settings:
            return _show_settings(files, options, resolver)
        progress = Progress(len(files)) if sys.stderr.isatty() and not options.quiet else None
        outcome = run(files, settings, run_options, progress=progress,
                      settings_for=lambda path: resolver.for_path(Path(path)))
    except SettingsError as exc:  # a sub-project's configuration is invalid
        click.echo(f"sagelint: {exc}", err=True)
        return EXIT_FAILURE
    if progress is not None:
        progress.done()
    outcome.files[:0] = _unreadable(selection)
    return _report(outcome, options, settings, fix, stream=out, started=started)


def _utc_now() -> str:
    from sagelint.clock import utc_now

    return utc_now()


def _show_settings(files: List[str], options: CheckOptions, resolver: SettingsResolver) -> int:
    """--show-settings: what each file would be checked with; nothing is checked."""
    from pathlib import Path

    from sagelint.show_settings import show

    def config_for(path: Path) -> Optional[Path]:
        if options.config_path:
            return Path(options.config_path)
        if options.isolated:
            return None
        return resolver.nearest(path.absolute().parent)

    show(files, resolver.for_path, config_for, click.echo)
    return EXIT_OK


def _unreadable(selection: Selection) -> List[FileResult]:
    """What the selection could not read (a folder, a .gitignore, a path named explicitly)
    as results with an error, so that each is reported and the exit code is at least 1;
    invalid .gitignore lines are warnings."""
    from sagelint.model import FileError, FileResult

    for where, message in selection.warnings.items():
        click.echo(f"warning: {where}: {message}", err=True)
    return [FileResult(path, error=FileError(message)) for path, message in selection.problems.items()]


def _excluded_by_own_config(
    path: str, options: CheckOptions, resolver: SettingsResolver, run_settings: Settings
) -> bool:
    """Whether a file found by walking is excluded by its own (sub-project) configuration,
    which the walk, following the working directory's, did not apply."""
    from pathlib import Path

    from sagelint.files import Selection

    if path in options.paths and not options.force_exclude:
        return False  # named explicitly
    own = resolver.for_path(Path(path))
    if own is run_settings:
        return False
    selection = Selection(own.root, own.exclude, own.extend_exclude)
    file = Path(path).absolute()
    folders = [folder for folder in file.parents if own.root in folder.parents]
    return selection.excluded(file) or any(selection.excluded(f, is_dir=True) for f in folders)


def _cache_dir(options: CheckOptions, settings: Settings) -> Optional[Path]:
    from pathlib import Path

    if options.no_cache:
        return None
    if options.cache_dir:
        return Path(options.cache_dir)
    from sagelint.cache import default_directory

    return default_directory(settings)


def _check_stdin(
    options: CheckOptions,
    settings: Settings,
    selection: Selection,
    run_options: RunOptions,
    out: Optional[TextIO],
    started: Optional[str] = None,
) -> int:
    """Source from standard input, checked as `--stdin-filename` (its configuration,
    prefilter, cache and exit codes as for that path). With --fix the fixed source, and
    nothing else, goes to standard output (what editors need)."""
    from pathlib import Path

    from sagelint.files import is_excluded_file, source_limit
    from sagelint.runner import run

    name = options.stdin_filename or "-"
    # Bounded like a file's read: past the limit the source is not checked, only passed on.
    data = sys.stdin.buffer.read(source_limit(name) + 1)
    to_stdout = run_options.fix and not options.diff
    if options.force_exclude and options.stdin_filename and is_excluded_file(Path(name), selection):
        if to_stdout:
            _pass_on(data)
        return EXIT_OK
    outcome = run([name], settings, run_options, sources={name: data})
    if not to_stdout:
        return _report(outcome, options, settings, run_options.fix, stream=out, started=started)
    result = outcome.files[0]
    if result.fixed_bytes is not None:
        sys.stdout.buffer.write(result.fixed_bytes)
        sys.stdout.flush()
    else:
        _pass_on(data)
    return _report(outcome, options, settings, True, stream=out or sys.stderr, started=started)


def _pass_on(data: bytes) -> None:
    """Standard input to standard output unchanged: what was read, then whatever a source
    too large to read whole still holds, a block at a time."""
    sys.stdout.buffer.write(data)
    while True:
        block = sys.stdin.buffer.read(1024 * 1024)
        if not block:
            break
        sys.stdout.buffer.write(block)
    sys.stdout.flush()


def _report(
    outcome: RunResult,
    options: CheckOptions,
    settings: Settings,
    fix: bool,
    stream: Optional[TextIO] = None,
    started: Optional[str] = None,
) -> int:
    from sagelint.reporters import ReportOptions, get_reporter, report_statistics

    gated, baseline_state = _adoption_steps(outcome, options, settings)
    if gated is not None:
        return gated
    # A file gets no colour codes, even with FORCE_COLOR (as ruff does).
    color = _use_color(options.no_color, stream or sys.stdout) and not options.output_file
    stream = stream or sys.stdout
    for result in outcome.errors:
        assert result.error is not None
        _warn(f"error: {result.path}: {result.error.message}")
    for result in outcome.files:
        if result.changed_during_run:
            click.echo(f"warning: {result.path} changed during the run: not fixed", err=True)
        if result.write_error is not None:
            click.echo(f"error: {result.path}: {result.write_error}", err=True)
        for dropped in result.dropped_fixes:
            _warn(
                f"warning: {result.path}: the fix for {dropped} produced code that does not "
                "parse; it was not applied"
            )

    if options.diff:
        changed = _print_diffs(outcome, stream)
        fixes = sum(len(r.applied_fixes) for r in outcome.files)
        if not options.quiet:
            click.echo(f"Would fix {fixes} problem{'s' if fixes != 1 else ''}.", err=True)
        return EXIT_FINDINGS if changed or outcome.errors else EXIT_OK

    report_options = ReportOptions(
        color=color,
        quiet=options.quiet,
        fix_mode=fix,
        unsafe_fixes=settings.unsafe_fixes,
        fail_on=settings.fail_on,
        json=settings.output_format in ("json", "json-lines"),
        settings_fingerprint=_fingerprint(settings),
        docs_url=settings.docs_url,
        sarif_category=options.sarif_category or settings.sarif_category,
        repository_name=options.repository_name,
        started=started,
        baseline=baseline_state,
    )
    if options.statistics:
        report_statistics(outcome, stream, report_options)
    else:
        get_reporter(settings.output_format)(outcome, stream, report_options)
    if options.show_fixes and fix and settings.output_format in ("full", "concise"):
        _print_fixes(outcome, stream)

    if options.exit_zero:
        return EXIT_OK
    if _failing(outcome, settings.fail_on) or outcome.errors:
        return EXIT_FINDINGS
    if any(r.write_error is not None for r in outcome.files):
        return EXIT_FINDINGS
    if options.exit_non_zero_on_fix and any(r.applied_fixes for r in outcome.files):
        return EXIT_FINDINGS
    return EXIT_OK


def _conflicting_options(options: CheckOptions, settings: Settings) -> Optional[str]:
    """Why these options cannot be used together, found before the run starts."""
    if options.update_baseline and _baseline_file(options, settings) is None:
        return "--update-baseline needs --baseline FILE (or `baseline` in the configuration)"
    if options.add_noqa:
        others = [name for name, given in (
            ("--fix", settings.fix), ("--diff", options.diff),
            ("--update-baseline", options.update_baseline), ("standard input", _reads_stdin(options)),
        ) if given]
        if others:
            return f"--add-noqa cannot be used with {others[0]}"
    if options.update_baseline and _reads_stdin(options):
        return "--update-baseline cannot be used with standard input"
    if options.sarif_category is not None:
        from sagelint.config import sarif_category_problem

        problem = sarif_category_problem(options.sarif_category)
        if problem:
            return f"--sarif-category: {problem}"
    return None


def _baseline_file(options: CheckOptions, settings: Settings) -> Optional[Path]:
    """--baseline (relative to the working directory), else the configuration's `baseline`
    (relative to its file's folder)."""
    from pathlib import Path

    if options.baseline_path:
        return Path(options.baseline_path)
    if settings.baseline:
        return settings.root / settings.baseline
    return None


def _adoption_steps(
    outcome: RunResult, options: CheckOptions, settings: Settings
) -> Tuple[Optional[int], Optional[BaselineState]]:
    """The baseline (hide the known findings, or record them with --update-baseline) and
    --add-noqa. An exit code when the run ends here (None when the report follows), and the
    baseline applied (SARIF records it)."""
    from sagelint.reporters import BaselineState

    state = None
    path = _baseline_file(options, settings)
    if path is not None:
        from sagelint import baseline as bl

        try:
            known = bl.load(path) if path.exists() or not options.update_baseline else bl.Baseline(path)
        except bl.BaselineError as exc:
            click.echo(f"sagelint: {exc}", err=True)
            return EXIT_FAILURE, None
        if options.update_baseline:
            return _update_baseline(outcome, known, options), None
        matched = bl.apply(known, outcome.files)
        state = BaselineState(path.as_posix(), matched.hidden, matched.stale)
        if matched.stale and not options.quiet:
            entries = f"{matched.stale} finding" + (" is" if matched.stale == 1 else "s are")
            click.echo(
                f"{path}: {entries} recorded but no longer reported (fixed?): "
                "`--update-baseline` drops them",
                err=True,
            )
    if options.add_noqa:
        return _add_noqa(outcome, options, settings), state
    return None, state


def _update_baseline(outcome: RunResult, known: Any, options: CheckOptions) -> int:
    from sagelint import baseline as bl

    for result in outcome.errors:
        assert result.error is not None
        _warn(f"error: {result.path}: {result.error.message}")
    entries = bl.entries_for(known, outcome.files)
    try:
        bl.write(known.path, entries)
    except OSError as exc:
        click.echo(f"sagelint: {known.path}: cannot write: {exc.strerror or exc}", err=True)
        return EXIT_FAILURE
    total = sum(entries.values())
    files = len({path for path, _, _ in entries})
    if not options.quiet:
        click.echo(
            f"Recorded {total} finding{'s' if total != 1 else ''} in "
            f"{files} file{'s' if files != 1 else ''} in {known.path}.",
            err=True,
        )
    return EXIT_OK


def _add_noqa(outcome: RunResult, options: CheckOptions, settings: Settings) -> int:
    from sagelint.noqa import add_noqa

    for result in outcome.errors:
        assert result.error is not None
        _warn(f"error: {result.path}: {result.error.message}")
    added = 0
    for result in outcome.files:
        if not result.diagnostics:
            continue
        count, problem = add_noqa(result)
        added += count
        if problem:
            _warn(f"warning: {result.path}: {problem}")
    if not options.quiet:
        click.echo(f"Added {added} noqa directive{'s' if added != 1 else ''}.", err=True)
    return EXIT_OK


def _failing(outcome: RunResult, fail_on: str) -> int:
    """How many remaining diagnostics fail the run: all of them, or with `--fail-on error`
    only the errors (warnings are still reported)."""
    if fail_on == "warning":
        return outcome.diagnostics_count
    return sum(
        1 for result in outcome.files for d in result.diagnostics if d.severity.value == "error"
    )


def _fingerprint(settings: Settings) -> str:
    """The audit reports name the settings they were made with (the cache's key for them)."""
    if settings.output_format not in ("html", "markdown", "sarif"):
        return ""
    import dataclasses
    from pathlib import Path

    from sagelint.cache import settings_fingerprint

    # Without the folder: the same settings give the same fingerprint in every checkout.
    return settings_fingerprint(dataclasses.replace(settings, root=Path("/")))


class Progress:
    """`Checked 120/3000 files` on standard error, for runs on a terminal that last more
    than a second; erased when done."""

    def __init__(self, total: int) -> None:
        import time

        self.total = total
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int) -> None:
        import time

        if time.monotonic() - self.started < 1.0:
            return
        self.shown = True
        sys.stderr.write(f"\rChecked {done}/{self.total} files")
        sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _warn(line: str) -> None:
    """An `error:` or `warning:` line naming a file: a file name may hold control characters,
    shown escaped, never sent to the terminal as they are."""
    from sagelint.mask import printable

    click.echo(printable(line), err=True)


def _print_diffs(outcome: RunResult, stream: TextIO) -> bool:
    import difflib

    from sagelint.mask import Redactor

    changed = False
    for result in outcome.files:
        # Secrets masked and control characters escaped, on every line, context too.
        redactor = Redactor.for_result(result)
        texts = [(result.path, result.source, result.fixed_source)]
        # A notebook: one diff per changed cell, named `path:cell N`.
        texts += [(f"{result.path}:cell {cell}", a, b) for cell, a, b in result.changed_cells]
        for name, before, after in texts:
            if before is None or after is None:
                continue
            changed = True
            lines = difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=name,
                tofile=name,
            )
            for line in lines:
                line = redactor.text(line)
                stream.write(line if line.endswith(("\n", "\r")) else line + "\n")
    return changed


def _print_fixes(outcome: RunResult, stream: TextIO) -> None:
    from sagelint.mask import printable

    fixed = [r for r in outcome.files if r.applied_fixes]
    if not fixed:
        return
    total = sum(len(r.applied_fixes) for r in fixed)
    click.echo(f"\nFixed {total} problem{'s' if total != 1 else ''}:", file=stream)
    for result in fixed:
        click.echo(f"- {printable(result.path)}:", file=stream)
        counts: Dict[Tuple[str, str], int] = {}
        for code, name in result.applied_fixes:
            counts[(code, name)] = counts.get((code, name), 0) + 1
        for (code, name), count in sorted(counts.items()):
            click.echo(f"    {count} × {code} ({name})", file=stream)


RULE_FORMATS = ("text", "json")


def _printing(command: Callable[..., None]) -> Callable[..., None]:
    """A command that prints: standard output that cannot be written (a full disk,
    /dev/full) is one line and exit 2, not a traceback."""
    import functools

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> None:
        from sagelint.output import OutputFileError, abandon_stdout, guarded_stdout

        try:
            with guarded_stdout():
                command(*args, **kwargs)
        except OutputFileError as exc:
            click.echo(f"sagelint: {exc}", err=True)
            abandon_stdout()
            sys.exit(EXIT_FAILURE)

    return guarded


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Every rule's documentation.")
@click.option("--output-format", type=click.Choice(RULE_FORMATS), default="text",
              help="Output format (default: text).")
@_printing
def rule(code: Optional[str], show_all: bool, output_format: str) -> None:
    """Show a rule's documentation (or every rule's, with --all)."""
    from sagelint.rules import all_rules
    from sagelint.rules.render import rule_json, rule_text

    rules = all_rules()
    if show_all == (code is not None):
        click.echo("sagelint: give a rule code or --all (not both)", err=True)
        sys.exit(EXIT_FAILURE)
    if show_all:
        chosen = list(rules.values())
    else:
        assert code is not None
        found = rules.get(code.strip().upper())
        if found is None:
            click.echo(f"sagelint: unknown rule code {code!r}", err=True)
            sys.exit(EXIT_FAILURE)
        chosen = [found]
    if output_format == "json":
        import json

        items = [rule_json(found) for found in chosen]
        # One rule: its object, as ruff does; --all: a list.
        click.echo(json.dumps(items if show_all else items[0], indent=2, ensure_ascii=False))
        return
    click.echo("\n\n".join(rule_text(found) for found in chosen))


@main.command(name="rules")
@click.option("--output-format", type=click.Choice(RULE_FORMATS), default="text",
              help="Output format (default: text).")
@_printing
def rules_command(output_format: str) -> None:
    """List every rule: code, name, default, fix."""
    from sagelint.rules import all_rules
    from sagelint.rules.render import rule_json

    if output_format == "json":
        import json

        items = [rule_json(found) for found in all_rules().values()]
        for item in items:
            del item["explanation"]  # the table's columns; `rule --all` has the docs
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    click.echo(f"{'code':<7}{'name':<38}{'default':<9}{'fix':<8}summary")
    for code, found in all_rules().items():
        default = "on" if found.default_enabled else "off"
        fix = found.fix_availability.value if found.fix_availability else "-"
        click.echo(f"{code:<7}{found.name:<38}{default:<9}{fix:<8}{found.summary}")


REPORT_FORMATS = ("html", "markdown", "json")


@main.command()
# Not `exists`: a missing file is one input error among the others, not a usage error.
@click.argument("files", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("--previous", type=click.Path(dir_okay=False), metavar="OLD.json",
              help="An earlier `report --output-format json`: new, fixed and unchanged findings.")
@click.option("--output-format", type=click.Choice(REPORT_FORMATS), required=True,
              help="Output format.")
@click.option("--output-file", type=click.Path(dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of internal errors.")
def report(
    files: Tuple[str, ...], previous: Optional[str], output_format: str,
    output_file: Optional[str], verbose: bool,
) -> None:
    """One report across many runs: sagelint SARIF files (or folders of them)."""
    from sagelint.output import OutputFileError, abandon_stdout, guarded_stdout

    try:
        with guarded_stdout():
            code = _report_command(files, previous, output_format, output_file)
    except OutputFileError as exc:
        click.echo(f"sagelint: {exc}", err=True)
        abandon_stdout()
        code = EXIT_FAILURE
    except Exception as exc:  # one clear line, never a traceback unless asked for
        if verbose:
            import traceback

            traceback.print_exc()
        click.echo(f"sagelint: internal error: {type(exc).__name__}: {exc}", err=True)
        code = EXIT_FAILURE
    sys.exit(code)


def _report_command(
    files: Tuple[str, ...], previous: Optional[str], output_format: str, output_file: Optional[str]
) -> int:
    """Merge the SARIF files into one report. Each file that cannot be merged is one
    `error:` line (and listed in the report); exit 0 once the report is written, 2 when
    `--previous` is not a report or the output cannot be written."""
    from sagelint.org.json_report import ReportFileError, read_json
    from sagelint.org.merge import Merger

    earlier = None
    if previous is not None:
        try:
            earlier = read_json(previous)
        except ReportFileError as exc:
            _warn(f"sagelint: --previous {previous}: {exc}")
            return EXIT_FAILURE
    merger = Merger()
    for path in _sarif_inputs(files):
        reason: Optional[str]
        if os.path.isdir(path):  # a folder named that holds no SARIF file
            reason = merger.input_error(path, "a folder without `.sarif` files")
        else:
            reason = merger.add(path)
        if reason is not None:
            _warn(f"error: {path}: {reason}")
    merged = merger.report(earlier, previous)
    if output_file is None:
        _render_org(merged, output_format, sys.stdout)
        return EXIT_OK
    from sagelint.output import AtomicOutput

    output = AtomicOutput(output_file)
    try:
        _render_org(merged, output_format, output.stream)
    except BaseException:
        output.discard()
        raise
    output.commit()
    return EXIT_OK


def _sarif_inputs(files: Tuple[str, ...]) -> List[str]:
    """The files named, a folder standing for the `*.sarif` files under it (what a CI job
    downloads its artifacts into), in name order."""
    from pathlib import Path

    found: List[str] = []
    for name in files:
        folder = Path(name)
        if folder.is_dir():
            inside = [str(path) for path in sorted(folder.rglob("*.sarif")) if path.is_file()]
            found.extend(inside or [name])  # an empty folder is an input error of its own
        else:
            found.append(name)
    return found


def _render_org(merged: Any, output_format: str, stream: TextIO) -> None:
    if output_format == "json":
        from sagelint.org.json_report import write_json

        write_json(merged, stream)
    elif output_format == "markdown":
        from sagelint.org.markdown import render_markdown

        render_markdown(merged, stream)
    else:
        from sagelint.org.html import render_html

        render_html(merged, stream)


@main.command()
def server() -> None:
    """Run the language server (LSP over standard input and output), for editors."""
    try:
        from sagelint.server import serve
    except ImportError as exc:  # pygls or lsprotocol missing from this environment
        click.echo(f"sagelint: the language server needs pygls and lsprotocol: {exc}", err=True)
        sys.exit(EXIT_FAILURE)
    sys.exit(serve())


@main.command()
@_printing
def version() -> None:
    """Print the version."""
    click.echo(f"sagelint {__version__}")


