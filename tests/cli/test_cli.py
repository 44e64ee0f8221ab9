"""The command line as a user runs it: a real process, real files, exit codes."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.knowledge import episode_text, write

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_EPISODE = "open-source-and-volunteering-in-ai-for-data-ml-career-growth"


def run(*args, data_dir: Path, env_extra=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if k != "BOT_KNOWLEDGE"}
    env.update({"BOT_DATA_DIR": str(data_dir), **(env_extra or {})})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


def test_search_json_contract(data_dir):
    out = run("search", "How do I join Omdena?", "-k", "3", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == {"question", "abstained", "results"}
    assert result["question"] == "How do I join Omdena?" and result["abstained"] is False
    assert 1 <= len(result["results"]) <= 3
    for r in result["results"]:
        assert set(r) == {"doc", "title", "section", "speaker", "start", "end", "url", "text", "score"}
        if r["doc"] == SAMPLE_EPISODE:
            assert isinstance(r["start"], int) and r["end"] >= r["start"]
            assert r["url"] == f"https://www.youtube.com/watch?v=aHdaIwOEI8Q&t={r['start']}s"
        else:
            assert r["start"] is None and r["end"] is None
    assert [r["score"] for r in result["results"]] == sorted((r["score"] for r in result["results"]), reverse=True)


def test_ask_prints_the_reply_members_get_the_first_result_of_search(data_dir):
    out = run("ask", "How do I join Omdena?", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    first = json.loads(run("search", "How do I join Omdena?", data_dir=data_dir).stdout)["results"][0]
    lead = " ".join(text.split("Next best moments")[0].split())
    assert " ".join(first["text"].split())[:60] in lead  # the reply leads with search's first result
    assert "apply to a project on their website" in lead  # and it says how to join
    assert "chapter" in text and "Next best moments" in text
    assert "https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=" in text and "(s17e07)" in text


def test_ask_warns_when_the_advice_is_over_three_years_old(tmp_path):
    folder = tmp_path / "k"
    write(folder, "old.md", episode_text(extra={"dateadded": "2020-01-15"}))
    out = run("ask", "gardening robots", "--knowledge", str(folder), data_dir=tmp_path / "d")
    assert "released 2020-01-15" in out.stdout and "This advice is from 2020, more than 3 years ago" in out.stdout


def test_latest_json(data_dir):
    out = run("latest", "--json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    latest = json.loads(out.stdout)
    assert (latest["doc"], latest["season"], latest["episode"]) == (SAMPLE_EPISODE, 17, 7)
    assert latest["url"] == "https://www.youtube.com/watch?v=aHdaIwOEI8Q" and latest["description"]


def test_latest_picks_highest_season_then_episode(tmp_path):
    folder = tmp_path / "k"
    write(folder, "old.md", episode_text(title="Old", season=9, episode=12, extra={"date": "2030-01-01"}))
    write(folder, "new.md", episode_text(title="New", season=10, episode=2))
    write(folder, "mid.md", episode_text(title="Mid", season=10, episode=1))
    out = run("latest", "--knowledge", str(folder), data_dir=tmp_path / "d")
    assert out.returncode == 0 and out.stdout.splitlines()[:2] == ["The newest episode:", "New (s10e02)"]


def test_index_reports_counts_and_skipped_files(tmp_path):
    folder = tmp_path / "k"
    write(folder, "ep.md", episode_text())
    write(folder, "bad.md", "---\ntitle: [oops\n---\n")
    out = run("index", "--knowledge", str(folder), data_dir=tmp_path / "d")
    assert out.returncode == 0, out.stderr
    assert "built" in out.stdout and "1 documents, 1 episodes" in out.stdout
    assert f"skipped {folder / 'bad.md'}: invalid YAML" in out.stdout
    again = run("index", "--knowledge", str(folder), data_dir=tmp_path / "d")
    assert again.stdout.startswith("loaded from cache") and "bad.md" in again.stdout


def test_knowledge_from_environment(tmp_path):
    folder = tmp_path / "k"
    write(folder, "ep.md", episode_text())
    out = run("search", "gardening robots", data_dir=tmp_path / "d", env_extra={"BOT_KNOWLEDGE": str(folder)})
    assert json.loads(out.stdout)["results"][0]["doc"] == "ep"


def test_eval_prints_figures_and_failures(tmp_path, data_dir):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q) for q in [
        {"id": "a", "question": "How do I join Omdena?", "doc": "my-experience-with-omdena",
         "contains": "you need to apply to a project on their website", "also": [], "style": "named"},
        {"id": "b", "question": "quantum chromodynamics lattice gauge", "doc": None, "style": "unanswerable"},
    ]))
    out = run("eval", str(questions), "--json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    for key in ("hit@1", "hit@3", "hit@5", "mrr@5", "doc@5", "abstained_unanswerable",
                "abstained_answerable", "query_p50_ms", "query_p99_ms", "index_seconds"):
        assert key in figures
    assert figures["questions"] == 2 and figures["hit@5"] == 1.0
    human = run("eval", str(questions), data_dir=data_dir)
    assert "hit@1" in human.stdout and "MRR@5" in human.stdout and "p99" in human.stdout


@pytest.mark.parametrize("question, message", [
    ("", "empty"),
    ("   \t ", "empty"),
    ("x" * 100_000, "too long"),
])
def test_bad_questions_get_one_line_error(data_dir, question, message):
    out = run("search", question, data_dir=data_dir)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and message in out.stderr and "Traceback" not in out.stderr


def test_control_characters_in_a_question_are_never_echoed(data_dir):
    out = run("search", "why\x07 not\x1b[2J omdena", data_dir=data_dir)
    assert out.returncode == 0 and json.loads(out.stdout)["question"] == "why not [2J omdena"


def test_ask_answers_through_the_core_so_a_pin_wins(tmp_path):
    data = tmp_path / "d"
    pinned = run("pins", "import", str(_pin_file(tmp_path)), data_dir=data)
    assert pinned.returncode == 0, pinned.stderr
    out = run("ask", "how can I join omdena", data_dir=data)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Pinned answer (pinned by ") and "(s17e07) @ 48:52" in out.stdout


def _pin_file(tmp_path: Path) -> Path:
    path = tmp_path / "pins.yaml"
    path.write_text("pins:\n- question: How do I join Omdena?\n  target: s17e07@48:52\n", encoding="utf-8")
    return path


def test_missing_knowledge_folder(tmp_path):
    out = run("ask", "anything", "--knowledge", str(tmp_path / "missing"), data_dir=tmp_path)
    assert out.returncode == 2 and "knowledge folder not found" in out.stderr and "Traceback" not in out.stderr


def test_bad_eval_file(tmp_path, data_dir):
    broken = tmp_path / "q.jsonl"
    broken.write_text("{not json\n")
    out = run("eval", str(broken), data_dir=data_dir)
    assert out.returncode == 2 and "not a JSON object" in out.stderr


def test_a_network_failure_at_start_is_one_line_naming_the_setting(tmp_path):
    secret = "xoxb-secret-token-123456"
    env = {"SLACK_BOT_TOKEN": secret, "SLACK_APP_TOKEN": "xapp-1-another-secret",
           "SLACK_API_URL": "http://127.0.0.1:9/api/", "BOT_LOG_JSON": "1"}  # nothing listens on port 9
    out = run("slack", data_dir=tmp_path, env_extra=env)
    assert out.returncode == 1 and out.stderr == ""
    events = [json.loads(line) for line in out.stdout.splitlines()]  # services log JSON lines to stdout
    [failure] = [e for e in events if e["level"] == "ERROR"]
    assert failure["message"].startswith("python -m bot slack failed: could not reach Slack's Web API at "
                                         "http://127.0.0.1:9/api/ (ClientConnectorError: Cannot connect")
    assert "SLACK_API_URL" in failure["message"] and "traceback" not in failure
    assert not any("Traceback" in line for line in out.stdout.splitlines())

    debug = run("slack", data_dir=tmp_path, env_extra={**env, "BOT_LOG_LEVEL": "DEBUG"})
    text = debug.stdout + debug.stderr
    assert secret not in text and "xapp-1-another-secret" not in text
    [traced] = [json.loads(line) for line in debug.stdout.splitlines() if "traceback of the failure" in line]
    assert traced["level"] == "DEBUG" and "ConnectionRefusedError" in traced["traceback"]


def test_settings_errors_are_one_line(tmp_path):
    out = run("search", "anything", data_dir=tmp_path, env_extra={"BOT_RATE_LIMIT": "lots"})
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert out.stderr.startswith("error: BOT_RATE_LIMIT must be a whole number") and "'lots'" in out.stderr


def test_ask_without_an_answer_says_so_and_offers_the_closest_episodes(data_dir):
    out = run("ask", "did anyone use seismic sensors to predict earthquakes", data_dir=data_dir)
    assert out.returncode == 0
    assert out.stdout.startswith("I couldn't find")
    assert "The closest episodes:" in out.stdout and "(s17e07)" in out.stdout and "“" not in out.stdout


def test_version():
    out = subprocess.run([sys.executable, "-m", "bot", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("python -m bot ") and out.stdout.split()[-1][0].isdigit()


def test_eval_against_the_wrong_knowledge_warns_before_the_zeros(tmp_path, data_dir):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "How do I deploy Kubeflow?", "doc": "kubeflow-in-production",
                                     "start": 10, "end": 20}) + "\n")
    out = run("eval", str(questions), "--json", data_dir=data_dir)
    assert out.returncode == 0 and json.loads(out.stdout)["hit@5"] == 0
    assert "warning: none of the 1 documents" in out.stderr and "--knowledge" in out.stderr
    questions.write_text(json.dumps({"question": "How do I join Omdena?", "doc": SAMPLE_EPISODE,
                                     "start": 2932, "end": 2932}) + "\n")
    right = run("eval", str(questions), "--json", data_dir=data_dir)
    assert right.returncode == 0 and "warning" not in right.stderr and "note" not in right.stderr
