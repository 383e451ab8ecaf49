"""The ``claimgraph`` command: one sub-command per user task, each a thin call into the API."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from claimgraph import api
from claimgraph.records import Claim, Document

app = typer.Typer(
    help="Who claimed what, about whom, when and through which outlet: attributed claims "
    "from news articles, pinned to character offsets.",
    no_args_is_help=False,
    add_completion=False,
)
eval_app = typer.Typer(help="Score claimgraph against annotated corpora.")
app.add_typer(eval_app, name="eval")

out = Console()
err = Console(stderr=True)
TABLE_MAX_CLAIMS = 60


class ExtractFormat(StrEnum):
    jsonl = "jsonl"
    brat = "brat"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def _error_line(message: str) -> None:
    err.print(f"[red]error[/red] {message}", markup=True, highlight=False, soft_wrap=True)


def _inputs(inputs: list[str] | None) -> list[str]:
    return list(inputs) if inputs else [str(api.example_path())]


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def claims_table(results: list[tuple[Document, list[Claim]]]) -> Table:
    """A table of claims: who, cue (class), what, when, medium, flags."""
    table = Table(show_lines=True, expand=True)
    for name, style in (
        ("source", "bold"),
        ("cue", "cyan"),
        ("content", ""),
        ("date", "green"),
        ("medium", "magenta"),
        ("kind", "dim"),
    ):
        table.add_column(name, style=style, overflow="fold")
    for _, claims in results:
        for c in claims:
            source = "—"
            if c.source is not None:
                source = c.source.text
                if c.source.resolved and c.source.resolved != c.source.text:
                    source += f"\n→ {c.source.resolved}"
            content = c.content.text
            if len(content) > 300:
                content = content[:297] + "…"
            table.add_row(
                source,
                f"{c.cue.text} ({c.cue.cls})",
                content,
                f"{c.date.text} = {c.date.value}" if c.date else "",
                c.medium.text if c.medium else "",
                c.kind + (" · hedged" if c.hedged else ""),
            )
    return table


@app.command()
def run(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders or - for stdin (default: the bundled example)."),
    ] = None,
    db: Annotated[Path, typer.Option(help="SQLite database to write.")] = Path("claimgraph.db"),
    table: Annotated[
        bool | None, typer.Option(help="Print the claims table (default: for small runs).")
    ] = None,
) -> None:
    """Extract claims from articles and store them in a database."""
    paths = _inputs(inputs)
    with _progress() as progress:
        task = progress.add_task("extracting", total=None)

        def step(document: Document, claims: list[Claim]) -> None:
            progress.advance(task)

        summary = api.run(paths, db, on_error=_error_line, on_document=step, keep_results=True)
    n_claims = sum(len(c) for _, c in summary.results)
    if table or (table is None and n_claims <= TABLE_MAX_CLAIMS and n_claims):
        out.print(claims_table(summary.results))
    skipped = summary.documents - summary.new_documents
    out.print(
        f"documents {summary.documents} (new {summary.new_documents}, already stored {skipped})"
        f"  claims {n_claims} (stored {summary.claims})  errors {summary.errors}"
        f"  seconds {summary.seconds:.1f}  db {db}",
        highlight=False,
    )


def _brat_name(document: Document, used: set[str]) -> str:
    origin = document.origin or ""
    path = Path(origin.split(":")[0]) if origin else None
    if path is not None and path.suffix == ".txt" and origin == str(path):
        stem = path.stem
    else:
        stem = str(document.meta.get("input_id") or document.doc_id)
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)
    name, n = stem, 1
    while name in used:
        n += 1
        name = f"{stem}-{n}"
    used.add(name)
    return name


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders or - for stdin.")],
    format: Annotated[ExtractFormat, typer.Option("--format", "-f")] = ExtractFormat.jsonl,
    out_path: Annotated[
        str, typer.Option("--out", "-o", help="Output file (jsonl), folder (brat), or -.")
    ] = "-",
) -> None:
    """Extract claims without a database: JSONL records or brat .ann files."""
    from claimgraph.export import write_jsonl
    from claimgraph.export.brat import document_to_brat

    errors = 0

    def report(message: str) -> None:
        nonlocal errors
        errors += 1
        _error_line(message)

    results = api.process(inputs, on_error=report)
    if format is ExtractFormat.jsonl:
        if out_path == "-":
            counts = write_jsonl(results, sys.stdout)
        else:
            with Path(out_path).open("w", encoding="utf-8") as fh:
                counts = write_jsonl(results, fh)
    else:
        if out_path == "-":
            raise typer.BadParameter("brat needs a folder: --out DIR", param_hint="--out")
        folder = Path(out_path)
        folder.mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        counts = {"documents": 0, "claims": 0}
        for document, claims in results:
            name = _brat_name(document, used)
            (folder / f"{name}.ann").write_text(document_to_brat(document, claims), "utf-8")
            counts["documents"] += 1
            counts["claims"] += len(claims)
    err.print(
        f"documents {counts['documents']}  claims {counts['claims']}  errors {errors}",
        highlight=False,
    )


@app.command()
def export(
    db: Annotated[Path, typer.Option(help="SQLite database to read.")] = Path("claimgraph.db"),
    format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.jsonl,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Output file.")] = Path(
        "claims.jsonl"
    ),
) -> None:
    """Export stored documents and claims as JSONL, CSV or Parquet."""
    from claimgraph.export import export as export_tables

    if not db.exists():
        _error_line(f"{db}: no such database (run `claimgraph run --db {db}` first)")
        raise typer.Exit(1)
    with api.open(db) as store:
        counts = export_tables(store, format.value, out_path)
    err.print(
        f"documents {counts['documents']}  claims {counts['claims']}  → {out_path}",
        highlight=False,
    )


@eval_app.command("polnear")
def eval_polnear(
    directory: Annotated[Path, typer.Argument(help="Folder with text/ and attributions/.")],
    pred_dir: Annotated[
        Path | None, typer.Option(help="Also write the predicted .ann files here.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N articles.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """PolNeAR exact and Jaccard P/R/F1 per role and relation F1 (as tools/polnear_score.py)."""
    from claimgraph.eval.polnear import evaluate_polnear, format_scores, list_articles

    if not (directory / "text").is_dir():
        _error_line(f"{directory}: expected a folder with text/ and attributions/")
        raise typer.Exit(2)
    total = len(list_articles(directory, limit))
    with _progress() as progress:
        task = progress.add_task("scoring", total=total)
        res = evaluate_polnear(
            directory,
            pred_dir=pred_dir,
            limit=limit,
            on_error=_error_line,
            progress=lambda n: progress.advance(task, n),
        )
    print(json.dumps(res, indent=1) if as_json else format_scores(res))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
