"""``spin`` on the command line: parses arguments, calls the library, writes files.

Every spin error becomes one line on stderr and exit code 2; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Sequence

from spin import __version__
from spin.errors import SpinError

EXAMPLES = {
    "analyze": "example:\n  spin analyze seeds --out out\n  spin analyze stories/flood --out out/flood --source original",
    "families": "example:\n  spin families crawl.jsonl --out out/families\n"
    "  spin families crawl.parquet --out out/families --scheduler tcp://10.0.0.5:8786 --analyze",
    "train-editorial": "example:\n  spin train-editorial labelled.tsv --out models/editorial.skops",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every spin command."""
    parser = argparse.ArgumentParser(
        prog="spin",
        description="What happened to a news story on its way through reposts, rewrites and translations.",
        epilog="example:\n  spin analyze seeds --out out\n\nRun `spin COMMAND --help` for each command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"spin {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    analyze = _command(commands, "analyze", "analyse one story family and write tables, figures and report.html")
    analyze.add_argument("path", nargs="+", metavar="PATH",
                         help="a folder of versions (with an optional family.csv), a manifest, or files")
    analyze.add_argument("--out", required=True, metavar="DIR", help="output folder, replaced only when the run succeeds")
    analyze.add_argument("--source", metavar="ARTICLE_ID", help="the article_id of the original report, if it is in the family")
    analyze.add_argument("--settings", metavar="FILE", help="a TOML file overriding some of spin's settings")
    analyze.add_argument("--editorial-model", metavar="MODEL", help="an EditorialClassifier saved by `spin train-editorial`")
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")

    families = _command(commands, "families", "find story families in a large corpus (JSON lines or Parquet)")
    families.add_argument("corpus", metavar="CORPUS", help="a .jsonl or .parquet file with id and text columns")
    families.add_argument("--out", required=True, metavar="DIR", help="output folder for families.csv and families.parquet")
    families.add_argument("--scheduler", metavar="ADDRESS", help="a dask.distributed scheduler address (default: in-process)")
    families.add_argument("--analyze", action="store_true", help="also analyse every family, one Dask task each")

    train = _command(commands, "train-editorial", "train an EditorialClassifier on labelled sentences")
    train.add_argument("data", metavar="DATA.tsv", help="TSV with columns sentence, label (SUBJ/OBJ or 1/0), optional language")
    train.add_argument("--out", required=True, metavar="MODEL", help="where to save the model (skops format)")
    return parser


def _command(commands, name: str, summary: str) -> argparse.ArgumentParser:
    return commands.add_parser(
        name, help=summary, description=summary, epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return _RUNNERS[arguments.command](arguments)
    except SpinError as exc:
        print(f"spin: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("spin: interrupted; nothing was written", file=sys.stderr)
        return 130
    except MemoryError:
        print("spin: error: out of memory; lower the limits in --settings or analyse fewer versions", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence: never a traceback for the user
        print(f"spin: internal error: {type(exc).__name__}: {exc} (please report this)", file=sys.stderr)
        return 1


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def _run_analyze(arguments) -> int:
    from spin.pipeline import analyze

    path = arguments.path[0] if len(arguments.path) == 1 else arguments.path
    result = analyze(
        path,
        source=arguments.source,
        settings_file=arguments.settings,
        editorial_model=arguments.editorial_model,
        progress=not arguments.quiet,
    )
    for row in result.tables["errors"].itertuples():
        print(f"spin: {row.file}: {row.problem}", file=sys.stderr)
    out = result.save(Path(arguments.out))
    print(f"spin: analysed {len(result.tables['articles'])} versions; wrote {out}", file=sys.stderr)
    return 0


def _run_families(arguments) -> int:
    from spin.scale import run_families

    out = run_families(arguments.corpus, Path(arguments.out), scheduler=arguments.scheduler, analyze=arguments.analyze)
    print(f"spin: wrote {out}", file=sys.stderr)
    return 0


def _run_train_editorial(arguments) -> int:
    from spin.editorial import train_from_tsv

    stats = train_from_tsv(arguments.data, arguments.out)
    summary = ", ".join(f"{key} {value}" for key, value in sorted(stats.items()))
    print(f"spin: saved {arguments.out} ({summary})", file=sys.stderr)
    return 0


_RUNNERS = {"analyze": _run_analyze, "families": _run_families, "train-editorial": _run_train_editorial}
