"""build_scripts is a package of jobs, and app.spec takes its inputs from one place.

Each job the pipeline runs as a script is also a module of the package (no folder put on
``sys.path``); the spec reads what a build chose from its command line through
``spec_inputs`` and nothing from the environment; the catalogs are compiled by the
app's own function. The builds themselves are in tests/binary and tests/windows.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

from helpers.support import REPO

from build_scripts import build, spec_inputs
from build_scripts.spec_inputs import SpecInputs

#: The job each pipeline command runs: ``build_scripts/<job>.py``.
JOB = re.compile(r"build_scripts/(\w+)\.py")


def _pipeline_jobs() -> set[str]:
    text = (REPO / ".ci" / "run").read_text() + (REPO / "Jenkinsfile").read_text()
    return set(JOB.findall(text))


def test_every_job_the_pipeline_runs_is_a_module_of_the_package():
    jobs = _pipeline_jobs()
    assert {"build", "smoke_test", "installer", "image", "base_image", "lint"} <= jobs
    for job in sorted(jobs):
        module = importlib.import_module(f"build_scripts.{job}")
        assert module.__file__ == str(REPO / "build_scripts" / f"{job}.py")


def test_a_job_run_as_a_script_imports_the_package_not_loose_files():
    # What `uv run python build_scripts/project.py version` does in a pipeline.
    out = subprocess.run(
        [sys.executable, str(REPO / "build_scripts" / "project.py"), "version"],
        cwd=REPO / "tests",  # not the checkout: the script finds the package itself
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == build.project().version
    code = (
        "import runpy, sys; runpy.run_path(sys.argv[1], run_name='not_main'); "
        "import build_scripts.signing; print(sorted(m for m in sys.modules if m == 'signing'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(REPO / "build_scripts" / "build.py")],
        cwd=REPO / "tests",
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"  # siblings are build_scripts.signing, never `signing`


def test_runtime_root_stays_standalone():
    # The Dockerfile copies runtime_root.py alone into a stage without the package.
    text = (REPO / "build_scripts" / "runtime_root.py").read_text()
    assert "build_scripts" not in re.sub(r'""".*?"""', "", text, flags=re.S)


def test_the_spec_reads_its_inputs_from_spec_inputs_and_nothing_from_the_environment():
    spec = (REPO / "app.spec").read_text()
    assert "from build_scripts.spec_inputs import SpecInputs" in spec
    assert "SpecInputs.from_argv(sys.argv[1:])" in spec
    assert "environ" not in spec
    for script in ("build.py", "windows.py", "spec_inputs.py"):
        text = (REPO / "build_scripts" / script).read_text()
        assert "SHEAF_BUNDLE" not in text and "SHEAF_GENERATED" not in text, script


def test_the_command_line_carries_a_build_s_choices_to_the_spec():
    inputs = SpecInputs(bundle="both", generated="Z:\\work\\generated", os="windows")
    command = inputs.pyinstaller(dist="d", work="w")
    assert command[:3] == ["-m", "PyInstaller", str(REPO / "app.spec")]
    after = command[command.index("--") + 1 :]
    # The spec runs on the OS it builds for; the rest arrives as written.
    assert SpecInputs.from_argv(after) == SpecInputs(bundle="both", generated=inputs.generated)
    assert SpecInputs.from_argv([]) == SpecInputs()  # PyInstaller run on the spec by hand
    assert inputs.onefile and inputs.onedir and inputs.onefile_name == "Sheaf-onefile"
    assert SpecInputs(bundle="onefile").onefile_name == "Sheaf"
    assert inputs.icon and inputs.icon.endswith("sheaf.ico") and not inputs.console
    assert inputs.version_file and inputs.version_file.endswith(spec_inputs.VERSION_FILE)
    linux = SpecInputs(os="linux")
    assert linux.icon is None and linux.version_file is None and linux.strip
    try:
        SpecInputs(bundle="everything")
    except ValueError as e:
        assert "onefile" in str(e)
    else:
        raise AssertionError("an unknown bundle was accepted")


def test_the_spec_keeps_only_the_languages_and_libraries_it_should():
    linux, windows = SpecInputs(os="linux"), SpecInputs(os="windows")
    assert SpecInputs.keep_data(("babel/locale-data/zh_Hans.dat", "x", "DATA"))
    assert not SpecInputs.keep_data(("babel/locale-data/fr.dat", "x", "DATA"))
    assert SpecInputs.keep_data(("app/templates/base.html", "x", "DATA"))
    assert not linux.keep_binary(("libstdc++.so.6", "x", "BINARY"))
    assert windows.keep_binary(("libstdc++.so.6", "x", "BINARY"))


def test_the_build_compiles_the_catalogs_with_the_app_s_own_function(capsys):
    build.compile_translations()
    printed = capsys.readouterr().out
    for po in (REPO / "app" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        assert mo.stat().st_mtime >= po.stat().st_mtime
        assert not mo.with_suffix(".mo.tmp").exists()  # written aside, then moved in place
        assert str(mo.relative_to(REPO)) in printed
    assert (
        "from app.i18n import compile_catalogs" in (REPO / "build_scripts" / "build.py").read_text()
    )
    assert "write_mo" not in (REPO / "build_scripts" / "build.py").read_text()
