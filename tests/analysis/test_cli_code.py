import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from engage.analysis.cli import main
from engage.analysis.codebook import Theme, codebook_to_csv

ANSWERS = """ID,What would make you feel safer?
1,More youth clubs and things to do
2,"I'm scared of gangs, people carry knives"
3,
4,I am not scared of anything
5,The police should listen to us
6,"Stop stabbing, knife crime is everywhere"
"""

KNIVES = ["knife crime", "he got stabbed", "carrying a blade", "knives everywhere", "a shank"]
YOUTH = ["no youth club", "bored, nothing to do", "more football", "activities please", "a centre"]
POLICE = ["more police", "police patrols", "the feds", "officers on the street", "police stop"]


def coded_sample() -> str:
    rows = ["What would make you feel safer?,knives,youth,police,bikes"]
    for i in range(5):
        rows.append(f'"{KNIVES[i]}",1,0,0,{1 if i == 0 else ""}')
        rows.append(f'"{YOUTH[i]}",0,1,0,')
        rows.append(f'"{POLICE[i]}",0,0,1,0')
    return "\n".join(rows) + "\n"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "answers.csv").write_text(ANSWERS, encoding="utf-8")
    (tmp_path / "coded.csv").write_text(coded_sample(), encoding="utf-8")
    return tmp_path


def run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(args, out=out), out.getvalue()


def code(folder: Path, *extra: str, text: str = "What would make you feel safer?") -> list[str]:
    return [
        "code",
        "--input",
        str(folder / "answers.csv"),
        "--text-column",
        text,
        "--out",
        str(folder / "out.csv"),
        *extra,
    ]


def test_seeds_with_the_default_codebook(files: Path, capsys) -> None:
    status, out = run(code(files))
    assert status == 0, capsys.readouterr().err
    coded = pd.read_csv(files / "out.csv", dtype={"ID": str})
    assert list(coded.columns[:2]) == ["ID", "What would make you feel safer?"]
    assert coded["ID"].tolist() == ["1", "2", "3", "4", "5", "6"]
    assert coded["youth_provision"].tolist() == [1, 0, 0, 0, 0, 0]
    assert coded["knives_weapons"].tolist() == [0, 1, 0, 0, 0, 1]
    assert coded["fear_of_violence"].tolist() == [0, 1, 0, 0, 0, 0]  # row 4 is negated
    assert coded["policing"].tolist() == [0, 0, 0, 0, 1, 0]
    assert coded.loc[1, "knives_weapons__confidence"] > 0
    assert coded.loc[0, "knives_weapons__confidence"] == 0
    assert coded["other"].sum() == 0
    for column in coded.columns[2:]:
        if column.endswith("__confidence"):
            assert coded[column].between(0, 1).all()
        else:
            assert f"{column}__confidence" in coded.columns
    assert "Coded 6 answers" in out
    assert "1 blank answer" in out
    assert "seed terms of the default codebook" in out


def test_seeds_with_a_codebook_file(files: Path, capsys) -> None:
    themes = [
        Theme(key="knives", name="Knives", definition="d", seeds=("knife", "stabbing")),
        Theme(key="clubs", name="Clubs", definition="d", seeds=("youth clubs",)),
    ]
    (files / "codebook.csv").write_text(codebook_to_csv(themes), encoding="utf-8")
    status, out = run(code(files, "--codebook", str(files / "codebook.csv")))
    assert status == 0, capsys.readouterr().err
    coded = pd.read_csv(files / "out.csv")
    assert list(coded.columns[2:]) == ["knives", "knives__confidence", "clubs", "clubs__confidence"]
    assert coded["knives"].tolist() == [0, 0, 0, 0, 0, 1]
    assert coded["clubs"].tolist() == [1, 0, 0, 0, 0, 0]
    assert "codebook.csv (2 themes)" in out


def test_learns_from_a_coded_sample(files: Path, capsys) -> None:
    status, out = run(code(files, "--train", str(files / "coded.csv")))
    err = capsys.readouterr().err
    assert status == 0, err
    coded = pd.read_csv(files / "out.csv")
    assert list(coded.columns[2:]) == [
        "knives",
        "knives__confidence",
        "youth",
        "youth__confidence",
        "police",
        "police__confidence",
    ]
    assert coded.loc[5, "knives"] == 1  # "knife crime is everywhere"
    assert coded.loc[4, "police"] == 1
    assert coded.loc[0, "youth"] == 1
    assert coded.loc[2, ["knives", "youth", "police"]].tolist() == [0, 0, 0]  # blank answer
    assert coded["knives__confidence"].between(0, 1).all()
    # "bikes" has one example: dropped, with a warning naming it.
    assert "bikes" not in coded.columns
    assert "warning:" in err and "bikes (1)" in err
    assert "Themes learned: knives, youth, police" in out
    assert "Not learned" in out and "bikes (1)" in out
    assert "learned from 15 coded answers" in out
    assert "precision" in out and "recall" in out


def test_train_with_codebook_uses_only_its_keys(files: Path, capsys) -> None:
    sample = "ID,What would make you feel safer?,knives,youth,coder\n" + "\n".join(
        f'{i},"{text}",{k},{1 - k},Sam'
        for i, (text, k) in enumerate([(t, 1) for t in KNIVES] + [(t, 0) for t in YOUTH])
    )
    (files / "coded.csv").write_text(sample + "\n", encoding="utf-8")
    themes = [
        Theme(key="knives", name="Knives", definition="d"),
        Theme(key="youth", name="Youth", definition="d"),
    ]
    (files / "codebook.csv").write_text(codebook_to_csv(themes), encoding="utf-8")
    status, out = run(
        code(files, "--train", str(files / "coded.csv"), "--codebook", str(files / "codebook.csv"))
    )
    assert status == 0, capsys.readouterr().err
    assert "Themes learned: knives, youth" in out


def test_python_dash_m_runs_without_traceback(files: Path) -> None:
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "engage.analysis", *code(files, text="no such column")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "no such column" in result.stderr


def error_of(args: list[str], capsys) -> str:
    status, out = run(args)
    err = capsys.readouterr().err
    assert status == 2, (out, err)
    assert err.startswith("error: ")
    assert "Traceback" not in err
    return err


def test_missing_input(files: Path, capsys) -> None:
    (files / "answers.csv").unlink()
    assert "answers.csv: no such file" in error_of(code(files), capsys)


def test_missing_training_file(files: Path, capsys) -> None:
    err = error_of(code(files, "--train", str(files / "nope.csv")), capsys)
    assert "nope.csv: no such file" in err


def test_empty_input(files: Path, capsys) -> None:
    (files / "answers.csv").write_text("", encoding="utf-8")
    assert "answers.csv is empty" in error_of(code(files), capsys)


def test_header_only_input(files: Path, capsys) -> None:
    (files / "answers.csv").write_text("ID,Answer\n", encoding="utf-8")
    assert "no responses" in error_of(code(files, text="Answer"), capsys)


def test_missing_text_column_lists_the_headers(files: Path, capsys) -> None:
    err = error_of(code(files, text="Comments"), capsys)
    assert "'Comments': no such column" in err
    assert "  ID\n" in err and "  What would make you feel safer?" in err


def test_text_column_missing_from_training_file(files: Path, capsys) -> None:
    (files / "coded.csv").write_text("Answer,knives\nknife,1\n", encoding="utf-8")
    err = error_of(code(files, "--train", str(files / "coded.csv")), capsys)
    assert "no such column in" in err and "coded.csv" in err and "  Answer" in err


def test_theme_columns_not_zero_or_one(files: Path, capsys) -> None:
    sample = coded_sample().splitlines()
    sample[2] = sample[2].replace(",0,1,0,", ",0,yes,0,")
    sample[6] = sample[6].replace(",0,0,1,0", ",0,0,2,0")
    sample.insert(1, "knife,1,0,0,0")
    (files / "coded.csv").write_text("\n".join(sample) + "\n", encoding="utf-8")
    err = error_of(code(files, "--train", str(files / "coded.csv")), capsys)
    assert "must hold only 0 or 1" in err
    assert "'youth': rows 4 ('yes')" in err
    assert "'police': rows 8 ('2')" in err
    assert "knives" not in err


def test_no_text_to_code(files: Path, capsys) -> None:
    (files / "answers.csv").write_text("ID,Answer\n1,\n2,  \n", encoding="utf-8")
    assert "has no text to code" in error_of(code(files, text="Answer"), capsys)


def test_no_text_to_learn_from(files: Path, capsys) -> None:
    (files / "coded.csv").write_text(
        "What would make you feel safer?,knives\n,1\n,0\n", encoding="utf-8"
    )
    err = error_of(code(files, "--train", str(files / "coded.csv")), capsys)
    assert "no text to learn from" in err


def test_no_theme_with_enough_examples(files: Path, capsys) -> None:
    (files / "coded.csv").write_text(
        "What would make you feel safer?,knives,youth\nknife,1,0\nclub,0,0\nfeds,0,0\n",
        encoding="utf-8",
    )
    err = error_of(code(files, "--train", str(files / "coded.csv")), capsys)
    assert "no theme in" in err and "at least 2 coded examples" in err
    assert "knives (1), youth (0)" in err


def test_training_file_without_theme_columns(files: Path, capsys) -> None:
    (files / "coded.csv").write_text("What would make you feel safer?\nknife\n", encoding="utf-8")
    err = error_of(code(files, "--train", str(files / "coded.csv")), capsys)
    assert "no theme columns" in err


def test_bad_codebook(files: Path, capsys) -> None:
    (files / "codebook.csv").write_text("key,name,definition\nNot A Key,,\n", encoding="utf-8")
    err = error_of(code(files, "--codebook", str(files / "codebook.csv")), capsys)
    assert "not a usable codebook" in err and "row 2" in err


def test_missing_codebook(files: Path, capsys) -> None:
    err = error_of(code(files, "--codebook", str(files / "nope.csv")), capsys)
    assert "nope.csv: no such file" in err


def test_output_would_overwrite_the_input(files: Path, capsys) -> None:
    args = code(files)
    args[args.index("--out") + 1] = str(files / "answers.csv")
    assert "would overwrite an input file" in error_of(args, capsys)


def test_output_folder_missing(files: Path, capsys) -> None:
    args = code(files)
    args[args.index("--out") + 1] = str(files / "nowhere" / "out.csv")
    assert "does not exist" in error_of(args, capsys)


def test_input_already_has_a_theme_column(files: Path, capsys) -> None:
    (files / "answers.csv").write_text("Answer,policing\nmore police,1\n", encoding="utf-8")
    err = error_of(code(files, text="Answer"), capsys)
    assert "already has columns named 'policing'" in err


def test_missing_arguments_are_usage_errors(capsys) -> None:
    status, _ = run(["code", "--input", "x.csv"])
    assert status == 2
    assert "--text-column" in capsys.readouterr().err


def test_coded_file_escapes_cells_a_spreadsheet_would_run(files: Path, capsys) -> None:
    hostile = '=HYPERLINK("http://example.invalid","knives everywhere")'
    (files / "answers.csv").write_text(
        f'ID,What would make you feel safer?\n1,"{hostile.replace(chr(34), chr(34) * 2)}"\n',
        encoding="utf-8",
    )
    status, _ = run(code(files))
    assert status == 0, capsys.readouterr().err
    coded = pd.read_csv(files / "out.csv", dtype=str)
    assert coded.loc[0, "What would make you feel safer?"] == "'" + hostile
