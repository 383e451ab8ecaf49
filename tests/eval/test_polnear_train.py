"""``claimgraph train polnear`` on a few PolNeAR articles: trains, selects, saves, resumes,
and the saved model runs in the pipeline and in ``eval polnear --model``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import claimgraph
from claimgraph.cli import app
from claimgraph.eval.polnear import list_articles

POLNEAR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polnear"


def _small_split(src: Path, dst: Path, n: int) -> Path:
    """The first ``n`` articles of a split (texts and their first annotator's file)."""
    (dst / "text").mkdir(parents=True)
    (dst / "attributions").mkdir()
    for stem, ann in list_articles(src, n):
        shutil.copy(src / "text" / f"{stem}.txt", dst / "text")
        shutil.copy(src / "attributions" / ann, dst / "attributions")
    return dst


@pytest.fixture(scope="module")
def splits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if not (POLNEAR / "train").is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR} (../shared is not beside the repo)")
    root = tmp_path_factory.mktemp("polnear")
    return (
        _small_split(POLNEAR / "train", root / "train", 4),
        _small_split(POLNEAR / "dev", root / "dev", 2),
    )


def test_train_resume_and_evaluate(
    splits: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train, dev = splits
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "model"
    runner = CliRunner()
    args = ["train", "polnear", "--train", str(train), "--dev", str(dev), "--out", str(out)]
    args += ["--tune-epochs", "0"]  # the first stage only (the second: its own test)
    first = runner.invoke(app, [*args, "--epochs", "1"])
    assert first.exit_code == 0, first.output
    assert "best epoch 0" in first.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["data"]["sha256"]["train"] and meta["data"]["train_articles"] == 4
    assert meta["settings"]["encoder_layers"] == [3, 6]  # the default
    assert len(meta["history"]) == 1 and "relation F1" in meta["history"][0]
    assert (out / "model.pt").exists() and (out / "checkpoint.pt").exists()
    # Features were cached: the second run starts from the checkpoint of the first.
    assert list((tmp_path / "cache" / "polnear-features").glob("*.pkl"))
    second = runner.invoke(app, [*args, "--epochs", "2"])
    assert second.exit_code == 0, second.output
    log = (out / "train.log").read_text()
    # Settings differ (epochs), so the checkpoint is not reused; same settings resume.
    assert "checkpoint of other settings or data ignored" in log
    third = runner.invoke(app, [*args, "--epochs", "2"])
    assert third.exit_code == 0, third.output
    assert "resumed after epoch 1" in (out / "train.log").read_text()
    assert [h["epoch"] for h in json.loads((out / "meta.json").read_text())["history"]] == [0, 1]

    # The decoding is chosen on dev at the end, and can be chosen again on a saved model.
    from claimgraph.eval.polnear_train import BONUS_GRID

    decode = json.loads((out / "meta.json").read_text())["decode"]
    assert tuple(decode["o_bonus"]) in BONUS_GRID and len(decode["grid"]) == len(BONUS_GRID)
    again = runner.invoke(app, ["train", "decoder", "--model", str(out), "--dev", str(dev)])
    assert again.exit_code == 0, again.output
    assert "chosen: o_bonus" in again.output
    assert json.loads((out / "meta.json").read_text())["decode"] == decode
    missing = runner.invoke(app, ["train", "decoder", "--model", str(dev), "--dev", str(dev)])
    assert missing.exit_code == 2 and "no meta.json" in missing.output

    # The content pointer trains at the end too (seeded, resumable), and again on its own.
    pointer = json.loads((out / "meta.json").read_text())["pointer"]
    assert (out / pointer["file"]).exists() and pointer["data"]["train_items"] > 0
    assert [h["epoch"] for h in pointer["history"]] == [0, 1, 2]
    args = ["train", "pointer", "--model", str(out), "--train", str(train), "--dev", str(dev)]
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "pointer: resumed after epoch 2" in (out / "train.log").read_text()
    assert json.loads((out / "meta.json").read_text())["pointer"]["best"] == pointer["best"]

    side = runner.invoke(app, ["eval", "polnear", str(dev), "--model", str(out)])
    assert side.exit_code == 0, side.output
    lines = side.output.splitlines()
    header = next(line for line in lines if "rules" in line and "model" in line)
    assert header.split() == ["rules", "model"]
    assert any(line.startswith("relation F1") for line in lines)


def test_ensemble_of_two_members_trains_saves_and_runs(
    splits: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimgraph.nlp.tagger import load_tagger

    train, dev = splits
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "ensemble"
    args = ["train", "polnear", "--train", str(train), "--dev", str(dev), "--out", str(out)]
    options = [
        "--epochs",
        "1",
        "--members",
        "2",
        "--seed",
        "5",
        "--layers",
        "6",
        "--tune-epochs",
        "0",
    ]
    result = CliRunner().invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    assert "ensemble of 2" in result.output
    meta = json.loads((out / "meta.json").read_text())
    assert [m["file"] for m in meta["members"]] == ["model.pt", "model-1.pt"]
    assert [m["settings"]["seed"] for m in meta["members"]] == [5, 6]
    assert [m["settings"]["encoder_layers"] for m in meta["members"]] == [[6], [6]]
    assert "relation F1" in meta["best"]
    assert (out / "model-1.pt").exists() and (out / "member-1" / "checkpoint.pt").exists()
    tagger = load_tagger(str(out))
    assert len(tagger.modules) == 2
    assert tagger.settings.encoder_layers == (6,)
    assert tagger.modules[0].proj.in_features == 384
    # The two members differ (other seeds), so the ensemble is not one model twice.
    a, b = (next(iter(m.state_dict().values())) for m in tagger.modules)
    assert not a.equal(b)
    side = CliRunner().invoke(app, ["eval", "polnear", str(dev), "--model", str(out)])
    assert side.exit_code == 0, side.output
    assert any(line.startswith("relation F1") for line in side.output.splitlines())


def test_second_stage_trains_saves_and_runs(
    splits: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stage two trains the first stage's tagger on, with copies of the MiniLM's top layers
    fine-tuned alongside when asked; what it trained is kept only when it beats the first
    stage on dev, and a kept tail is what the pipeline then runs."""
    import torch

    from claimgraph.eval.polnear_train import finetune
    from claimgraph.nlp.pipeline import build_nlp
    from claimgraph.nlp.tagger import TaggerSettings, load_tagger

    train, dev = splits
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "tuned"
    args = ["train", "polnear", "--train", str(train), "--dev", str(dev), "--out", str(out)]
    options = ["--epochs", "1", "--tune-epochs", "1", "--tune-layers", "2"]
    result = CliRunner().invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text())
    assert [h["epoch"] for h in meta["tune"]["history"]] == [0]
    kept = meta["tune"]["best"]["epoch"] == 0
    assert ("tail" in meta) == kept == ("stage two epoch 0" in result.output)
    assert (out / "tune-checkpoint.pt").exists() and (out / "best.pt").exists()
    # Features and the word pieces below the tail, of both splits, are cached.
    assert len(list((tmp_path / "cache" / "polnear-features").glob("*.pkl"))) == 4

    # Whatever dev said, what must beat nothing is saved: a tail and its taggers ...
    settings = TaggerSettings(encoder_layers=(3, 6), tune_layers=2, tune_epochs=1)
    forced = tmp_path / "forced"
    forced.mkdir()
    tuned = finetune(train, dev, forced, [out / "best.pt"], ["model.pt"],
                     baseline={"relation F1": -1.0}, settings=settings)  # fmt: skip
    assert tuned["tail"] == {"file": "encoder.pt", "layers": 2}
    assert tuned["tune"]["best"]["epoch"] == 0
    # A model with a kept tail gets no content pointer (trained on the frozen MiniLM's
    # features); with a pointer beside a tail, the tail wins and the pointer is not read.
    assert ("pointer" in meta) == (not kept)
    (forced / "meta.json").write_text(json.dumps({**meta, **tuned}))
    tagger = load_tagger(str(forced))
    assert tagger.tail is not None and len(tagger.tail) == 2
    nlp = build_nlp(attribution="model", tagger=str(forced))
    doc = nlp("The ministry said on Friday that the convoy had crossed the border.")
    assert doc._.attributions is not None
    # ... or, with the MiniLM frozen, the taggers alone, trained on from the first stage.
    heads = tmp_path / "heads"
    heads.mkdir()
    frozen = TaggerSettings(encoder_layers=(3, 6), tune_layers=0, tune_epochs=1)
    tuned = finetune(train, dev, heads, [out / "best.pt"], ["model.pt"],
                     baseline={"relation F1": -1.0}, settings=frozen)  # fmt: skip
    assert "tail" not in tuned and not (heads / "encoder.pt").exists()
    first = torch.load(out / "best.pt", weights_only=True)
    second = torch.load(heads / "model.pt", weights_only=True)
    assert first.keys() == second.keys()
    assert any(not first[k].equal(second[k]) for k in first)


def test_a_crf_tagger_trains_in_both_stages_and_runs(
    splits: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--crf``: each role's tags under a linear-chain CRF, trained on the sequence's
    likelihood in both stages; the saved model says so (with the tagger's width and dropout
    as asked) and runs in the pipeline."""
    import torch

    from claimgraph.nlp.pipeline import build_nlp
    from claimgraph.nlp.tagger import load_tagger

    train, dev = splits
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "crf"
    args = ["train", "polnear", "--train", str(train), "--dev", str(dev), "--out", str(out)]
    options = ["--epochs", "1", "--tune-epochs", "1", "--crf", "--hidden", "32", "--dropout", "0.2"]
    result = CliRunner().invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["settings"]["crf"] is True
    assert (meta["settings"]["hidden"], meta["settings"]["dropout"]) == (32, 0.2)
    assert [h["epoch"] for h in meta["tune"]["history"]] == [0]
    # The transitions were trained (they start at zero).
    state = torch.load(out / "best.pt", weights_only=True)
    assert state["trans"].abs().sum() > 0
    tagger = load_tagger(str(out))
    assert all(m.crf for m in tagger.modules)
    nlp = build_nlp(attribution="model", tagger=str(out))
    doc = nlp("The ministry said on Friday that the convoy had crossed the border.")
    assert doc._.attributions is not None


def test_train_help_states_the_settings_defaults() -> None:
    from claimgraph.nlp.tagger import TaggerSettings

    result = CliRunner().invoke(app, ["train", "polnear", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    epochs = next(line for line in result.output.splitlines() if "--tune-epochs" in line)
    layers = next(line for line in result.output.splitlines() if "--tune-layers" in line)
    assert f"(default {TaggerSettings.tune_epochs})" in epochs
    assert f"(default {TaggerSettings.tune_layers})" in layers
    hidden = next(line for line in result.output.splitlines() if "--hidden" in line)
    dropout = next(line for line in result.output.splitlines() if "--dropout" in line)
    assert f"(default {TaggerSettings.hidden})" in hidden
    assert f"(default {TaggerSettings.dropout})" in dropout


@pytest.mark.parametrize(
    "command",
    [
        ["train", "polnear", "--train", "{d}", "--dev", "{d}"],
        ["train", "decoder", "--model", "{shipped}", "--dev", "{d}"],
        ["train", "pointer", "--model", "{shipped}", "--train", "{d}", "--dev", "{d}"],
        ["eval", "polnear", "{d}", "--model", "shipped"],
    ],
)
def test_polnear_commands_reject_a_folder_that_is_not_a_split(
    tmp_path: Path, command: list[str]
) -> None:
    # texts without their attributions/ folder: a one-line usage error, no traceback
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "a.txt").write_text("The minister said taxes would rise.", "utf-8")
    shipped = Path(claimgraph.__file__).parent / "data" / "attribution_model"
    result = CliRunner().invoke(app, [w.format(d=tmp_path, shipped=shipped) for w in command])
    assert result.exit_code == 2, result.output
    assert "expected a folder with text/ and attributions/" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("layers", ["7", "3,x", ""])
def test_train_rejects_layers_the_minilm_has_not(tmp_path: Path, layers: str) -> None:
    result = CliRunner().invoke(
        app,
        ["train", "polnear", "--train", str(tmp_path), "--dev", str(tmp_path), "--layers", layers],
    )
    assert result.exit_code == 2
    assert "expected comma-separated layer numbers 0–6" in result.output


def test_eval_with_a_missing_model_says_so(tmp_path: Path) -> None:
    if not (POLNEAR / "dev").is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR} (../shared is not beside the repo)")
    result = CliRunner().invoke(
        app, ["eval", "polnear", str(POLNEAR / "dev"), "--model", str(tmp_path), "--limit", "1"]
    )
    assert result.exit_code == 2
    assert "no attribution model" in result.output


def test_the_shipped_model_beats_the_rules_on_dev_articles() -> None:
    """On the first 12 dev articles the shipped tagger must do better than the rules alone
    (over all 84 it scores 15 points of relation F1 more: README)."""
    from claimgraph.eval.polnear import evaluate_polnear
    from claimgraph.nlp.pipeline import build_nlp
    from claimgraph.nlp.tagger import model_available

    if not (POLNEAR / "dev").is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR} (../shared is not beside the repo)")
    if not model_available():
        pytest.skip("no trained attribution model installed")
    rules = evaluate_polnear(POLNEAR / "dev", nlp=build_nlp(attribution="rules"), limit=12)
    model = evaluate_polnear(POLNEAR / "dev", nlp=build_nlp(attribution="model"), limit=12)
    assert model["relation"]["f1"] > rules["relation"]["f1"]
    for role in ("Source", "Cue", "Content"):
        assert model["exact"][role]["f1"] > rules["exact"][role]["f1"] - 2, role


def _brat_split(root: Path, annotations: dict[str, str]) -> Path:
    """A split of one article, "a", with the given .ann files (name → content)."""
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "a.txt").write_text("Tom said it rained. Ann said no.", encoding="utf-8")
    for name, text in annotations.items():
        (root / "attributions" / name).write_text(text, encoding="utf-8")
    return root


_TOM = "T1\tSource 0 3\tTom\nT2\tCue 4 8\tsaid\nT3\tContent 9 18\tit rained\n"
_TOM += "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
_ANN = "T4\tSource 20 23\tAnn\nT5\tCue 24 28\tsaid\nT6\tContent 29 31\tno\n"
_ANN += "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6\n"


def test_second_versions_are_the_other_annotators_tags(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``--all-annotators``: each other annotator's file of an article becomes one more
    training example with that annotator's tags (the features shared); an unreadable one is
    logged and left out; the data hash then covers those files too."""
    import numpy as np

    from claimgraph.eval.polnear import annotator_files
    from claimgraph.eval.polnear_train import data_hash, gold_tags, second_versions

    one = _brat_split(tmp_path / "one", {"a_x.ann": _TOM})
    split = _brat_split(
        tmp_path / "three", {"a_x.ann": _TOM, "a_y.ann": _TOM + _ANN, "a_z.ann": "T1\tCue x y\t"}
    )
    assert annotator_files(split) == [("a", ["a_x.ann", "a_y.ann", "a_z.ann"])]
    # "Tom said it rained. Ann said no." as whitespace tokens (the final "." apart)
    starts, ends = [0, 4, 9, 12, 20, 24, 29, 31], [3, 8, 11, 19, 23, 28, 31, 32]
    tom = {"Source": ((0, 3),), "Cue": ((4, 8),), "Content": ((9, 18),)}
    first = gold_tags(starts, ends, [tom])
    assert first.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 2]] + [[0, 0, 0]] * 4
    example = {"stem": "a", "starts": starts, "ends": ends, "gold": first, "vectors": np.ones(8)}
    with caplog.at_level("ERROR"):
        (again,) = second_versions(split, [example])
    assert "a_z.ann" in caplog.text and "left out" in caplog.text
    assert again["vectors"] is example["vectors"]  # shared, not copied
    assert again["gold"][:, 0].tolist() == [1, 0, 0, 0, 1, 0, 0, 0]  # Tom and Ann
    assert again["gold"][:, 2].tolist() == [0, 0, 1, 2, 0, 0, 1, 0]
    assert second_versions(one, [example]) == []
    assert data_hash(one) == data_hash(one, every=True)
    assert data_hash(split) != data_hash(split, every=True)
    assert data_hash(split) == data_hash(one)  # the first annotator's file alone counts


def test_training_on_every_annotator(
    splits: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A split whose article has a second annotator trains on both versions, in both stages,
    and says so in meta.json."""
    train, dev = splits
    both = tmp_path / "train"
    shutil.copytree(train, both)
    stem, ann = list_articles(both)[0]
    text = (both / "attributions" / ann).read_text(encoding="utf-8")
    # the second annotator saw one attribution fewer
    events = [line for line in text.splitlines() if line.startswith("E")]
    kept = "\n".join(line for line in text.splitlines() if line != events[0]) + "\n"
    (both / "attributions" / f"{stem}_zzzz.ann").write_text(kept, encoding="utf-8")
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "model"
    args = ["train", "polnear", "--train", str(both), "--dev", str(dev), "--out", str(out)]
    options = ["--epochs", "1", "--tune-epochs", "1", "--hidden", "32", "--all-annotators"]
    result = CliRunner().invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["settings"]["all_annotators"] is True
    assert (meta["data"]["train_articles"], meta["data"]["train_versions"]) == (4, 5)
    from claimgraph.eval.polnear_train import data_hash

    assert meta["data"]["sha256"]["train"] == data_hash(both, every=True) != data_hash(both)
    assert [h["epoch"] for h in meta["tune"]["history"]] == [0]


def test_self_training_on_unlabelled_news_tagged_by_a_teacher(
    splits: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--unlabelled`` news (read as ``run`` reads it) gets the ``--teacher`` model's tags,
    decoded as the pipeline decodes them, and both stages train on it beside the train
    split; meta.json says what it was and which teacher tagged it. A file that cannot be read
    is left out and counted."""
    from claimgraph.eval.polnear_train import pseudo_labelled
    from claimgraph.nlp.tagger import decode_bonus, decoded_tags, load_tagger, log_probs, read_meta
    from claimgraph.nlp.tagger_features import TokenFeatures

    train, dev = splits
    monkeypatch.setenv("CLAIMGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    news = tmp_path / "news"
    news.mkdir()
    shutil.copy(claimgraph.api.example_path(), news / "a.txt")
    (news / "b.jsonl").write_text(
        json.dumps({"text": "The mayor said on Monday that the bridge would reopen."})
        + "\n{broken\n",
        encoding="utf-8",
    )
    teacher = tmp_path / "teacher"
    base = ["train", "polnear", "--train", str(train), "--dev", str(dev)]
    small = ["--epochs", "1", "--hidden", "32"]
    first = CliRunner().invoke(app, [*base, "--out", str(teacher), *small, "--tune-epochs", "0"])
    assert first.exit_code == 0, first.output

    made = pseudo_labelled([news], teacher, layers=(3, 6))
    assert made.info["articles"] == 2 and made.info["left_out"] == 1
    assert made.info["tokens"] == sum(len(ex["starts"]) for ex in made.examples) > 20
    assert made.info["teacher"]["o_bonus"] == list(decode_bonus(read_meta(teacher)))
    tagger = load_tagger(str(teacher))
    bonus = tuple(made.info["teacher"]["o_bonus"])
    for ex in made.examples:
        [lp] = log_probs(tagger.modules, [TokenFeatures(ex["vectors"], ex["symbols"])], 400)
        assert ex["gold"].shape == (len(ex["starts"]), 3)
        assert (ex["gold"] == decoded_tags(lp, bonus)).all()
    # cached features: the second call reads them back and tags them the same
    again = pseudo_labelled([news], teacher, layers=(3, 6))
    pairs = zip(made.examples, again.examples, strict=True)
    assert all((a["gold"] == b["gold"]).all() for a, b in pairs)
    assert list((tmp_path / "cache" / "polnear-features").glob("unlabelled-*.pkl"))
    with pytest.raises(ValueError, match="layers"):
        pseudo_labelled([news], teacher, layers=(6,))

    out = tmp_path / "student"
    args = [*base, "--out", str(out), *small, "--tune-epochs", "1"]
    result = CliRunner().invoke(app, [*args, "--unlabelled", str(news), "--teacher", str(teacher)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text())
    info = meta["data"]["unlabelled"]
    assert (info["articles"], info["left_out"], info["inputs"]) == (2, 1, [str(news)])
    assert info["teacher"]["path"] == str(teacher) and len(info["teacher"]["sha256"]) == 64
    assert meta["data"]["train_versions"] == 4  # the gold articles alone
    assert [h["epoch"] for h in meta["tune"]["history"]] == [0]
    assert "unlabelled" in (out / "train.log").read_text()
    # a checkpoint trained without them is not resumed with them, nor the other way round
    plain = CliRunner().invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert "checkpoint of other settings or data ignored" in (out / "train.log").read_text()
    assert "unlabelled" not in json.loads((out / "meta.json").read_text())["data"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--unlabelled", "news"], "--unlabelled and --teacher go together"),
        (["--teacher", "shipped"], "--unlabelled and --teacher go together"),
        (["--unlabelled", "news", "--teacher", "nowhere"], "no meta.json there"),
    ],
)
def test_self_training_options_are_checked_first(
    tmp_path: Path, options: list[str], message: str
) -> None:
    split = tmp_path / "split"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    args = ["train", "polnear", "--train", str(split), "--dev", str(split)]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "m"), *options])
    assert result.exit_code == 2 and message in result.output, result.output
