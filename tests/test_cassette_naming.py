"""Static prune of cassettes: a cassette is judged only when the project's naming proves who uses it.

Each test writes a small real project (pyproject.toml, conftest.py, test modules, cassettes) and asserts the
exact plan: which cassettes are orphans with which reason, which are kept, and the one summary line a kept
group gets. The last tests check the plans on the real corpora of ../shared, each verified by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

CASSETTE = (SAMPLE / "vcr" / "tests" / "cassettes" / "test_weather" / "test_weather_stream.yaml").read_text()
FIELD = ROOT.parent / "shared" / "corpora" / "field"
VCR_SAMPLE = ROOT.parent / "shared" / "corpora" / "vcr-sample"


RECORDING = "[project]\nname = 'p'\noptional-dependencies = {test = ['pytest-recording']}\n"


def make(root: Path, files: dict[str, str], cassettes: list[str], pyproject: str = "") -> Path:
    """A project: source files by path, and cassettes (the sample's body) at the given paths."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(pyproject)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for rel in cassettes:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(CASSETTE)
    return root


def plan(run, root: Path, *extra: str):
    r = run("prune", root, "--root", root, "--dry-run", "--format", "json", "--max-fraction", "1", *extra)
    data = json.loads(r.stdout)
    orphans = {str(Path(o["path"]).relative_to(root)): (o["test_id"], o["reason"]) for o in data["orphans"]}
    kept = {str(Path(k["path"]).relative_to(root)): k["reason"] for k in data["kept"]}
    return r, orphans, kept


def test_a_computed_cassette_name_keeps_every_cassette_with_one_summary_line(tmp_path, run):
    # pytest-vcr, whose vcr_cassette_name a conftest computes: the trial's 181 live cassettes
    root = make(tmp_path / "p", {
        "tests/conftest.py": "import pytest\n\n\ndef _slug(node):\n    return node.name.replace('_', '-')\n\n\n"
                             "@pytest.fixture\ndef vcr_cassette_name(request):\n    return _slug(request.node)\n",
        "tests/test_api.py": "import pytest\n\n\n@pytest.mark.vcr\ndef test_list():\n    pass\n",
    }, ["tests/cassettes/test-list.yaml", "tests/cassettes/test-gone.yaml"],
        pyproject="[project]\nname = 'p'\noptional-dependencies = {test = ['pytest-vcr']}\n")
    r, orphans, kept = plan(run, root)
    assert orphans == {}
    assert set(kept) == {"tests/cassettes/test-list.yaml", "tests/cassettes/test-gone.yaml"}
    lines = [line for line in r.stderr.splitlines() if line.startswith("kept ")]
    assert lines == ["kept 2 cassettes: call to _slug() (tests/conftest.py:10): any name in its folder may be used "
                     f"(e.g. {root / 'tests/cassettes/test-gone.yaml'})"]
    assert "recordings prune --used DIR" in r.stderr  # how to decide them: by use


def test_an_evaluable_cassette_dir_and_name_decide_exactly(tmp_path, run):
    root = make(tmp_path / "p", {
        "tests/conftest.py": ("import os\nfrom pathlib import Path\nimport pytest\n\n\n@pytest.fixture(scope='module')\n"
                              "def vcr_cassette_dir(request):\n    here = Path(request.fspath).parent\n"
                              "    return str(here / 'cassettes' / 'v2' / request.module.__name__)\n"),
        "tests/test_chat.py": ("import pytest\n\n\n@pytest.fixture\ndef default_cassette_name(request):\n"
                               "    return f'{request.node.name}-v2'\n\n\n@pytest.mark.vcr\ndef test_hello():\n    pass\n"),
    }, ["tests/cassettes/v2/test_chat/test_hello-v2.yaml", "tests/cassettes/v2/test_chat/test_hello.yaml",
        "tests/cassettes/v2/test_chat/test_removed-v2.yaml"], pyproject=RECORDING)
    r, orphans, kept = plan(run, root)
    # test_hello.yaml is the name the project no longer gives: nothing uses it; test_removed-v2 is not a
    # name the recorder gives a test (its function part is test_removed-v2)
    assert orphans == {"tests/cassettes/v2/test_chat/test_hello.yaml": (
        "tests/test_chat.py::test_hello", "its test uses another cassette name now (test_hello-v2)")}
    assert kept == {"tests/cassettes/v2/test_chat/test_removed-v2.yaml": "'test_removed-v2' is not a name the recorder "
                                                                      "gives a test"}
    rows = json.loads(run("ls", root, "--format", "json").stdout)
    assert {r_["id"]: r_["test_id"] for r_ in rows if r_["id"].startswith("test_hello-v2")} == {
        "test_hello-v2#0": "tests/test_chat.py::test_hello", "test_hello-v2#1": "tests/test_chat.py::test_hello"}


CREWAI_CONFTEST = '''import pytest
from pathlib import Path


@pytest.fixture(scope="module")
def vcr_cassette_dir(request):
    test_file = Path(request.fspath)
    for parent in test_file.parents:
        if parent.name == "tests":
            return str(parent / "cassettes" / test_file.parent.relative_to(parent))
    return str(test_file.parent / "cassettes")
'''


def test_a_folder_computed_at_run_time_judges_cassettes_by_name_only(tmp_path, run):
    root = make(tmp_path / "w", {
        "conftest.py": CREWAI_CONFTEST,
        "lib/a/pyproject.toml": "[project]\nname = 'a'\n",
        "lib/a/tests/agents/test_agent.py": "import pytest\n\n\n@pytest.mark.vcr\ndef test_run():\n    pass\n",
        "lib/b/pyproject.toml": "[project]\nname = 'b'\n",
        "lib/b/tests/tools/test_search.py": ("import pytest\n\n\nclass TestSearch:\n    @pytest.mark.vcr\n"
                                             "    def test_query(self):\n        pass\n"),
    }, ["lib/a/tests/cassettes/agents/test_run.yaml", "lib/a/tests/cassettes/agents/test_deleted.yaml",
        "lib/b/tests/cassettes/tools/TestSearch.test_query.yaml",
        # an old layout of the default naming, whose module is not where its name points
        "lib/b/tests/tools/cassettes/search_test/test_query_old.yaml"],
        pyproject="[tool.pytest.ini_options]\ntestpaths = ['lib/a/tests', 'lib/b/tests']\n")
    r, orphans, kept = plan(run, root)
    assert set(orphans) == {"lib/a/tests/cassettes/agents/test_deleted.yaml",
                            "lib/b/tests/tools/cassettes/search_test/test_query_old.yaml"}
    assert orphans["lib/a/tests/cassettes/agents/test_deleted.yaml"][0] is None  # no test has its name
    assert set(kept) == {"lib/a/tests/cassettes/agents/test_run.yaml",
                         "lib/b/tests/cassettes/tools/TestSearch.test_query.yaml"}
    assert kept["lib/a/tests/cassettes/agents/test_run.yaml"].startswith(
        "may belong to lib/a/tests/agents/test_agent.py::test_run: ")
    summary = [line for line in r.stderr.splitlines() if line.startswith("kept ")]
    assert len(summary) == 1 and "(conftest.py:8)" in summary[0] and summary[0].startswith("kept 2 cassettes: ")
    # with the member as the root, the workspace's conftest.py still names its cassettes
    r2, orphans2, kept2 = plan(run, root / "lib" / "b")
    assert orphans2 == {"tests/tools/cassettes/search_test/test_query_old.yaml": orphans2[
        "tests/tools/cassettes/search_test/test_query_old.yaml"]}
    assert set(kept2) == {"tests/cassettes/tools/TestSearch.test_query.yaml"}
    rows = json.loads(run("ls", root, "--format", "json").stdout)
    owners = {r_["path"].split("/lib/", 1)[1]: r_["test_id"] for r_ in rows}
    assert owners["b/tests/cassettes/tools/TestSearch.test_query.yaml"] == \
        "lib/b/tests/tools/test_search.py::TestSearch::test_query"  # relative to the workspace root


def test_a_second_cassette_of_a_projects_own_fixture_is_not_named_by_the_recorder(tmp_path, run):
    root = make(tmp_path / "p", {
        "tests/test_a.py": ("import pytest\n\n\n@pytest.fixture\ndef extra(request, vcr):\n"
                            "    return request.node.name + '.extra'\n\n\n@pytest.mark.vcr\ndef test_a(extra):\n"
                            "    pass\n"),
    }, ["tests/cassettes/test_a/test_a.yaml", "tests/cassettes/test_a/test_a.extra.yaml"])
    r, orphans, kept = plan(run, root)
    assert orphans == {}
    assert kept == {"tests/cassettes/test_a/test_a.extra.yaml": "'test_a.extra' is not a name the recorder gives a "
                                                                "test"}
    assert "kept 1 cassette: not named by the recorder" in r.stderr


def test_an_imported_test_double_class_keeps_only_its_own_names(tmp_path, run):
    root = make(tmp_path / "p", {
        "tests/test_models.py": ("import pytest\nfrom pkg.testing import TestModel\n\n\n@pytest.mark.vcr\n"
                                 "def test_live():\n    TestModel()\n"),
    }, ["tests/cassettes/test_models/test_live.yaml", "tests/cassettes/test_models/test_gone.yaml",
        "tests/cassettes/test_models/TestModel.test_x.yaml"])
    r, orphans, kept = plan(run, root)
    assert orphans == {"tests/cassettes/test_models/test_gone.yaml": ("tests/test_models.py::test_gone",
                                                                      "function gone")}
    assert kept == {"tests/cassettes/test_models/TestModel.test_x.yaml":
                    "TestModel.test_x not found, but class TestModel is imported, its tests are not read "
                    "(tests/test_models.py:2)"}


@pytest.mark.parametrize("hook, orphan", [
    ("def pytest_recording_configure(config, vcr):\n    vcr.register_matcher('m', lambda a, b: True)\n", True),
    ("def pytest_recording_configure(config, vcr):\n    vcr.register_persister(object())\n", False),
])
def test_pytest_recording_configure_decides_only_when_it_registers_matchers(tmp_path, run, hook, orphan):
    root = make(tmp_path / "p", {
        "tests/conftest.py": hook,
        "tests/test_x.py": "import pytest\n\n\n@pytest.mark.vcr\ndef test_x():\n    pass\n",
    }, ["tests/cassettes/test_x/test_x.yaml", "tests/cassettes/test_x/test_gone.yaml"])
    r, orphans, kept = plan(run, root)
    if orphan:
        assert orphans == {"tests/cassettes/test_x/test_gone.yaml": ("tests/test_x.py::test_gone", "function gone")}
        assert kept == {}
    else:
        assert orphans == {}
        assert set(kept.values()) == {"pytest_recording_configure changes how cassettes are read or named "
                                      "(tests/conftest.py:2)"}


def test_marks_names_and_vcrpy_paths_claim_their_cassettes(tmp_path, run):
    root = make(tmp_path / "p", {
        "tests/test_m.py": ("import pytest\nimport vcr\n\n\n@pytest.mark.default_cassette('renamed')\n"
                            "@pytest.mark.vcr('shared.yaml')\ndef test_a():\n    pass\n\n\n"
                            "@vcr.use_cassette('tests/fixtures/decorated.yaml')\ndef test_b():\n    pass\n\n\n"
                            "def test_c():\n    with vcr.use_cassette('tests/fixtures/with_block.yaml'):\n"
                            "        pass\n"),
    }, ["tests/cassettes/test_m/renamed.yaml", "tests/cassettes/test_m/shared.yaml",
        "tests/cassettes/test_m/test_a.yaml", "tests/fixtures/cassettes/decorated.yaml",
        "tests/fixtures/cassettes/with_block.yaml"])
    r, orphans, kept = plan(run, root)
    # test_a's default name is renamed.yaml now: its old test_a.yaml is used by nothing
    assert orphans == {"tests/cassettes/test_m/test_a.yaml": ("tests/test_m.py::test_a",
                                                              "its test uses another cassette name now (renamed)")}
    assert kept == {"tests/fixtures/cassettes/decorated.yaml": kept["tests/fixtures/cassettes/decorated.yaml"],
                    "tests/fixtures/cassettes/with_block.yaml": kept["tests/fixtures/cassettes/with_block.yaml"]}
    assert kept["tests/fixtures/cassettes/with_block.yaml"].startswith("may belong to tests/test_m.py::test_c")


def test_python_functions_decides_which_names_the_recorder_gives(tmp_path, run):
    root = make(tmp_path / "p", {
        "checks/check_api.py": "import pytest\n\n\n@pytest.mark.vcr\ndef check_list():\n    pass\n",
    }, ["checks/cassettes/check_api/check_list.yaml", "checks/cassettes/check_api/check_gone.yaml",
        "checks/cassettes/check_api/test_other.yaml"],
        pyproject="[tool.pytest.ini_options]\npython_files = ['check_*.py']\npython_functions = ['check_*']\n")
    r, orphans, kept = plan(run, root)
    assert orphans == {"checks/cassettes/check_api/check_gone.yaml": ("checks/check_api.py::check_gone",
                                                                      "function gone")}
    assert kept == {"checks/cassettes/check_api/test_other.yaml": "'test_other' is not a name the recorder gives a "
                                                                  "test"}


def test_pytest_vcr_layout_and_a_json_serializer(tmp_path, run):
    root = make(tmp_path / "p", {
        "tests/conftest.py": "import pytest\n\n\n@pytest.fixture(scope='module')\ndef vcr_config():\n"
                             "    return {'serializer': 'json', 'filter_headers': ['authorization']}\n",
        "tests/test_v.py": "import pytest\n\n\nclass TestV:\n    @pytest.mark.vcr\n    def test_one(self):\n"
                           "        pass\n",
    }, ["tests/cassettes/TestV.test_one.yaml", "tests/cassettes/TestV.test_two.yaml"],
        pyproject="[project]\nname = 'p'\ndependencies = ['pytest-vcr>=1']\n")
    r, orphans, kept = plan(run, root)
    # pytest-vcr keeps its .yaml names whatever the serializer
    assert orphans == {"tests/cassettes/TestV.test_two.yaml": ("tests/test_v.py::TestV::test_two", "method gone")}
    assert kept == {}


def test_literal_parameters_and_nested_classes(tmp_path, run):
    root = make(tmp_path / "p", {
        "tests/test_p.py": ("import pytest\n\npytestmark = pytest.mark.vcr\n\n\n"
                            "@pytest.mark.parametrize('m', ['a/b', 'c', pytest.param(1, id='one')])\n"
                            "def test_p(m):\n    pass\n\n\nclass TestOuter:\n    class TestInner:\n"
                            "        def test_n(self):\n            pass\n"),
    }, ["tests/cassettes/test_p/test_p[a-b].yaml", "tests/cassettes/test_p/test_p[one].yaml",
        "tests/cassettes/test_p/test_p[old].yaml", "tests/cassettes/test_p/TestInner.test_n.yaml",
        "tests/cassettes/test_p/TestOuter.test_n.yaml"])
    r, orphans, kept = plan(run, root)
    assert orphans == {
        "tests/cassettes/test_p/test_p[old].yaml": (
            "tests/test_p.py::test_p[old]",
            "parameter no longer collected: [old] is not among the literal parametrize values"),
        "tests/cassettes/test_p/TestOuter.test_n.yaml": ("tests/test_p.py::TestOuter::test_n", "method gone"),
    }
    assert kept == {}


def test_ls_orphans_and_stats_share_the_plan_and_its_guards(tmp_path, run):
    root = make(tmp_path / "p", {
        "tests/test_x.py": "import pytest\n\n\n@pytest.mark.vcr\ndef test_x():\n    pass\n",
    }, ["tests/cassettes/test_x/test_x.yaml", "tests/cassettes/test_x/test_gone.yaml"])
    r = run("ls", root, "--orphans", "--root", root, "--format", "json")
    assert {row["id"] for row in json.loads(r.stdout)} == {"test_gone#0", "test_gone#1"}
    stats = json.loads(run("stats", root, "--root", root, "--format", "json").stdout)
    assert stats["health"]["orphaned"]["files"] == [str(root / "tests/cassettes/test_x/test_gone.yaml")]
    # three of four cassettes gone: over the default --max-fraction, every user of the plan refuses
    for name in ("test_a", "test_b"):
        (root / f"tests/cassettes/test_x/{name}.yaml").write_text(CASSETTE)
    r = run("ls", root, "--orphans", "--root", root, "--format", "json")
    assert json.loads(r.stdout) == [] and r.exit_code == 1
    assert "recordings: orphans not listed: 75% of the corpus would go (more than --max-fraction 0.5)" in r.stderr
    stats = json.loads(run("stats", root, "--root", root, "--format", "json").stdout)
    assert stats["health"]["orphaned"]["count"] == 0
    assert "more than --max-fraction" in stats["health"]["orphaned"]["refused"]


# --- the real corpora: every static plan checked by hand against the test files ---------------------

needs_field = pytest.mark.skipif(not FIELD.is_dir(), reason="../shared/corpora/field is absent")

CREWAI_ORPHANS = {  # names that no Python file of crewAI holds anywhere (grep -rn finds none)
    "lib/crewai/tests/cassettes/test_multiple_before_after_crew.yaml",
    "lib/crewai/tests/cassettes/test_before_crew_modification.yaml",
    "lib/crewai/tests/cassettes/test_before_crew_with_none_input.yaml",
    "lib/crewai/tests/cassettes/test_after_crew_modification.yaml",
    "lib/crewai/tests/cassettes/utilities/test_crew_emits_task_failed_event.yaml",
    "lib/crewai/tests/cassettes/utilities/test_crew_emits_kickoff_events.yaml",
    "lib/crewai/tests/cassettes/agents/test_lite_agent_created_with_correct_parameters[False].yaml",
    "lib/crewai/tests/cassettes/agents/test_lite_agent_created_with_correct_parameters[True].yaml",
    "lib/crewai/tests/cassettes/agents/test_agent_without_max_rpm_respet_crew_rpm.yaml",
    "lib/crewai/tests/cassettes/agents/test_agent_error_on_parsing_tool.yaml",
    "lib/crewai/tests/cassettes/tracing/TestTraceListenerSetup.test_trace_listener_setup_correctly_with_tracing_flag"
    ".yaml",
    "lib/crewai/tests/cassettes/pipeline/test_router_with_empty_input.yaml",
    "lib/crewai/tests/cassettes/experimental/evaluation/TestAgentEvaluator.test_eval_lite_agent.yaml",
}


@needs_field
def test_crewai_plans_only_cassettes_no_test_is_named_after(run):
    root = FIELD / "crewai"
    r, orphans, kept = plan(run, root)
    assert set(orphans) == CREWAI_ORPHANS
    for path in CREWAI_ORPHANS:  # the proof: the name is nowhere in the project's code
        name = Path(path).stem.split("[")[0].split(".")[-1]
        assert not any(name in p.read_text(errors="replace") for p in root.rglob("*.py")), name
    assert all(why.startswith("may belong to ") or "not a name the recorder" in why or "belongs to the project"
               in why for why in kept.values())


@needs_field
@pytest.mark.parametrize("corpus, root, expected", [
    ("logfire", "logfire", {"tests/cassettes/test_query_client/test_query_body_params_async.yaml"}),
    ("llm", "llm", set()),
])
def test_field_corpora_plan_exactly_their_orphans(run, corpus, root, expected):
    r, orphans, kept = plan(run, FIELD / root)
    assert set(orphans) == expected


@pytest.mark.skipif(not VCR_SAMPLE.is_dir(), reason="../shared/corpora/vcr-sample is absent")
def test_the_vcr_sample_plans_its_two_real_orphans(run):
    r, orphans, kept = plan(run, VCR_SAMPLE / "llm-gemini")
    assert set(orphans) == {"tests/cassettes/test_gemini/test_embedding[gemini-embedding-exp-03-07-128].yaml",
                            "tests/cassettes/test_gemini/test_embedding[gemini-embedding-exp-03-07-512].yaml"}
    r, orphans, kept = plan(run, VCR_SAMPLE / "llm-anthropic")
    assert orphans == {} and kept == {}
