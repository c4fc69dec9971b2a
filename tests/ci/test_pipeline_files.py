"""The Jenkinsfile, the Dockerfile and the deployment files, checked without running them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers.support import REPO

JENKINSFILE = REPO / "Jenkinsfile"


def _java_home() -> str | None:
    java = shutil.which("java")
    if Path("/usr/lib/jvm/default-java/bin/java").exists() or not java:
        return None
    return str(Path(os.path.realpath(java)).parent.parent)


def test_jenkinsfile_parses_as_groovy(tmp_path: Path):
    script = tmp_path / "parse.groovy"
    script.write_text('new GroovyShell().parse(new File(args[0])); println "parsed"\n')
    env = dict(os.environ)
    home = _java_home()
    if home:
        env["JAVA_HOME"] = home
    result = subprocess.run(
        ["groovy", str(script), str(JENKINSFILE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "parsed" in result.stdout


def test_a_broken_jenkinsfile_would_fail_the_parse(tmp_path: Path):
    broken = tmp_path / "Jenkinsfile"
    broken.write_text(JENKINSFILE.read_text().replace("stages {", "stages {{", 1))
    script = tmp_path / "parse.groovy"
    script.write_text("new GroovyShell().parse(new File(args[0]))\n")
    env = dict(os.environ)
    home = _java_home()
    if home:
        env["JAVA_HOME"] = home
    result = subprocess.run(
        ["groovy", str(script), str(broken)], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode != 0


def test_jenkinsfile_structure():
    text = JENKINSFILE.read_text()
    for option in ("timeout(", "timestamps()", "buildDiscarder("):
        assert option in text
    stages = re.findall(r"stage\('([^']+)'\)", text)
    assert stages == [
        "Preflight",
        "Lint",
        "Build executables",
        "Build",
        "Smoke test",
        "Installer",
        "Test",
        "Docker image",
        "Release",
    ]
    assert "run('uv run --frozen python build_scripts/lint.py')" in text  # what .ci/run runs
    assert "uv run python build_scripts/lint.py" in (REPO / ".ci" / "run").read_text()
    # The tests reuse what the matrix built: the Linux executable and the Windows ones.
    assert "unstash 'dist-linux'" in text and "SHEAF_BINARY=" in text
    assert "unstash 'dist-windows'" in text and "SHEAF_WINDOWS_DIST=" in text
    assert re.search(r"axis\s*{\s*name 'PLATFORM'\s*values 'linux', 'macos', 'windows'", text)
    assert "isUnix()" in text
    assert "junit" in text and "archiveArtifacts" in text and "fingerprint: true" in text
    assert "buildingTag()" in text
    assert "docker.withRegistry" in text
    assert "image.py --publish" in text  # tags decided by publish_tags, tested below
    assert "not { changeRequest() }" in text  # pull requests push nothing


def _block(text: str, opening: str) -> str:
    """The text of a ``{ ... }`` block starting at ``opening``, braces balanced."""
    start = text.index(opening)
    depth, i = 0, text.index("{", start)
    for i in range(i, len(text)):  # noqa: B020 - scanning on from the opening brace
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start : i + 1]
    raise AssertionError(f"unbalanced block {opening!r}")


def test_linux_agents_alone_build_and_test_everything_and_macos_never_waits():
    text = JENKINSFILE.read_text()
    # Which agents exist is asked once, of online agents, before anything is allocated.
    assert "nodesByLabel(label: label, offline: false)" in text
    preflight = _block(text, "stage('Preflight')")
    assert "online('windows') ? 'windows' : 'linux'" in preflight
    assert "online('macos')" in preflight
    matrix = _block(text, "matrix {")
    # The Windows cell goes to a Linux agent when no Windows one is online, and builds
    # there under Wine with the same commands.
    assert "agent { label \"${PLATFORM == 'windows' ? env.WINDOWS_AGENT : PLATFORM}\" }" in matrix
    assert "'--target windows'" in matrix
    assert "build.py ${env.TARGET}" in matrix and "installer.py ${env.TARGET}" in matrix
    assert "'--onedir dist/windows/Sheaf'" in matrix  # the setup reuses build.py's onedir
    # macOS without its agent: skipped before an agent is asked for, with a message.
    when = _block(matrix, "when {")
    assert "beforeAgent true" in when and "env.HAS_MACOS_AGENT == 'true'" in when
    assert "echo 'macOS: no online agent" in when and "return false" in when
    # Nothing in the file waits for an agent by a label no agent may have, other than
    # through those checks.
    labels = set(re.findall(r"label '([^']+)'", text))
    assert labels == {"linux"}, labels
    # The release goes on without macOS when there is no macOS agent.
    release = _block(text, "stage('Release')")
    assert "--without macos" in release and "unstash 'dist-macos'" in release
    assert "if (env.HAS_MACOS_AGENT == 'true')" in release


def test_coding_variables_merge_requests_and_credentials():
    text = JENKINSFILE.read_text()
    # Merge requests as CODING marks them, and as Jenkins does: they push nothing.
    merge = _block(text, "def isMergeRequest()")
    for variable in ("env.MR_SOURCE_BRANCH", "env.MR_RESOURCE_ID", "env.CHANGE_ID"):
        assert variable in merge
    preflight = _block(text, "stage('Preflight')")
    assert "env.PUSHES = isMergeRequest() ? 'false' : 'true'" in preflight
    image = _block(text, "stage('Docker image')")
    assert "beforeAgent true" in image and "env.PUSHES == 'true'" in image
    # The registry variables are checked at the start, with a clear error.
    for variable in (
        "CODING_DOCKER_REG_HOST",
        "DOCKER_IMAGE_NAME",
        "CODING_ARTIFACTS_CREDENTIALS_ID",
    ):
        assert f"'{variable}'" in preflight
    assert 'error("Set the pipeline variables' in preflight
    # Signing secrets are bound with withCredentials, never written into the file.
    signing = _block(text, "def signing(")
    assert "withCredentials(bindings)" in signing
    assert "certificate(credentialsId: env.SHEAF_WINDOWS_SIGNING_CREDENTIALS_ID" in signing
    assert "keystoreVariable: 'SHEAF_SIGN_PFX'" in signing
    assert "passwordVariable: 'SHEAF_SIGN_PASSWORD'" in signing
    assert "variable: 'SHEAF_CODESIGN_IDENTITY'" in signing
    assert "variable: 'SHEAF_NOTARY_PROFILE'" in signing
    for step in ("build.py", "installer.py"):
        line = next(x for x in text.splitlines() if f"build_scripts/{step}" in x)
        context = text[: text.index(line)]
        assert context.rstrip().endswith("signing(env.PLATFORM) {"), step
    assert "SHEAF_SIGN_PASSWORD=" not in text and "password:" not in text.lower()


def test_each_cell_keeps_its_files_under_its_platform():
    text = JENKINSFILE.read_text()
    matrix = _block(text, "matrix {")
    assert 'DIST = "dist/${PLATFORM}"' in matrix
    for step in ("build.py", "smoke_test.py", "installer.py"):
        assert re.search(rf"build_scripts/{step}[^\n]*\${{env\.DIST}}", matrix), step
    assert 'archiveArtifacts artifacts: "${DIST}/Sheaf-*, ${DIST}/SHA256SUMS' in matrix
    assert 'stash name: "dist-${PLATFORM}", includes: "${DIST}/**"' in matrix
    assert "'dist/*'" not in text  # no cell archives another's SHA256SUMS over its own


def test_every_step_checks_its_tools_and_every_uv_call_is_locked():
    text = JENKINSFILE.read_text()
    tools = _block(text, "def tools(")
    assert "python3 -m pip install --user --quiet uv" in tools  # as .ci/run installs it
    assert "missing on this agent: ${tool}" in tools and "exit 1" in tools
    # Every stage that runs a command checks its agent first.
    for name in ("Lint", "Build", "Test", "Docker image", "Release"):
        body = _block(text, f"stage('{name}')")
        assert "tools(" in body, name
    assert "tools(['docker'])" in _block(text, "stage('Docker image')")
    code = "\n".join(x for x in text.splitlines() if not x.strip().startswith("//"))
    calls = re.findall(r"\buv (\w+)((?: --?[\w-]+)*)", code)
    assert calls
    for verb, flags in calls:
        if verb in ("run", "sync", "export"):
            assert "--frozen" in flags or "--locked" in flags, (verb, flags)


def test_release_gathers_every_platform_into_one_folder(tmp_path: Path):

    from build_scripts.project import project
    from build_scripts.release import main as release

    name = f"{project().name}-{project().version}"
    for platform, artifact in (("linux", "linux-x86_64"), ("windows", "windows-x86_64.exe")):
        folder = tmp_path / "dist" / platform
        folder.mkdir(parents=True)
        (folder / f"{name}-{artifact}").write_bytes(platform.encode())
        (folder / "SHA256SUMS").write_text("per platform\n")
    assert release([str(tmp_path / "dist")]) == 1  # macOS is missing
    assert release([str(tmp_path / "dist"), "--without", "macos"]) == 0
    sums = (tmp_path / "dist" / "release" / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == [
        f"{name}-linux-x86_64",
        f"{name}-windows-x86_64.exe",
    ]


def test_image_tags_by_what_is_built():

    from build_scripts.image import publish_tags

    commit = "0123456789abcdef0123"
    branch = publish_tags("reg/sheaf", "1.2.0", commit, branch="feature", git_tag=None)
    assert branch == ["reg/sheaf:0123456789ab"]  # never the version, never latest
    main = publish_tags("reg/sheaf", "1.2.0", commit, branch="main", git_tag=None)
    assert main == ["reg/sheaf:0123456789ab", "reg/sheaf:latest"]
    tag = publish_tags("reg/sheaf", "1.2.0", commit, branch=None, git_tag="v1.2.0")
    assert tag == ["reg/sheaf:0123456789ab", "reg/sheaf:1.2.0"]
    with pytest.raises(SystemExit, match="does not match"):
        publish_tags("reg/sheaf", "1.2.0", commit, branch=None, git_tag="v9.9.9")


def test_no_registry_host_is_written_into_the_build_scripts():
    for script in (REPO / "build_scripts").glob("*.py"):
        assert "deb.debian.org" not in script.read_text(), script


def test_every_command_the_pipeline_runs_exists():
    text = JENKINSFILE.read_text()
    commands = re.findall(r"run\(['\"]([^'\"]+)['\"]\)", text)
    assert commands
    readme = (REPO / "README.rst").read_text()
    for command in commands:
        words = command.split()
        assert words[:3] == ["uv", "run", "--frozen"], command
        words = words[1:]
        if words[2] == "python":
            script = REPO / words[3]
            assert script.is_file(), command
            assert script.parent.name == "build_scripts", command
        else:
            assert words[2] == "pytest" and "uv run pytest" in readme, command


def test_dockerfile_is_hadolint_clean():
    result = subprocess.run(
        [shutil.which("hadolint") or "hadolint", str(REPO / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_catch_problems(tmp_path: Path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian\nRUN apt-get install curl\n")
    result = subprocess.run(
        [shutil.which("hadolint") or "hadolint", str(bad)], capture_output=True, text=True
    )
    assert result.returncode != 0


def _manifests() -> list[dict]:
    docs = []
    for path in sorted((REPO / "deploy" / "kubernetes").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def test_kubernetes_manifests_validate(tmp_path: Path):
    files = sorted((REPO / "deploy" / "kubernetes").glob("*.yaml"))
    result = subprocess.run(
        [
            shutil.which("kubernetes-validate") or "kubernetes-validate",
            "--strict",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deployment_is_locked_down_and_probed():
    from helpers.project_version import version

    deployment = next(d for d in _manifests() if d["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    # Probes on the health port (its own thread), readiness drops at a stop.
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "health"}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["SHEAF_HEALTH_PORT"] == "8081"
    assert pod["enableServiceLinks"] is False  # no SHEAF_PORT=tcp://... from a Service
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] > pause + 8  # preStop + drain timeout
    # The memory limit covers the process and every thread's budget.
    limit_mb = int(container["resources"]["limits"]["memory"].removesuffix("Mi"))
    assert limit_mb >= 60 + int(env["SHEAF_THREADS"]) * int(env["SHEAF_MEMORY_BUDGET_MB"])
    assert {"requests", "limits"} <= set(container["resources"])
    tmp = next(m for m in container["volumeMounts"] if m["mountPath"] == "/tmp")
    volume = next(v for v in pod["volumes"] if v["name"] == tmp["name"])
    assert "emptyDir" in volume
    assert container["image"].endswith(f":{version()}")  # bump with pyproject
    kinds = {d["kind"] for d in _manifests()}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler"} <= kinds


def test_compose_example():
    from helpers.project_version import version

    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.yml").read_text())
    service = compose["services"]["sheaf"]
    assert service["read_only"] is True
    assert any(t.startswith("/tmp") for t in service["tmpfs"])
    assert service["image"] == f"sheaf:{version()}"
    assert service["environment"]["SHEAF_PASSWORD_FILE"].startswith("/run/secrets/")
    # nginx in front buffers requests; Sheaf trusts exactly its address.
    proxy = compose["services"]["proxy"]
    proxy_ip = proxy["networks"]["sheaf"]["ipv4_address"]
    assert service["environment"]["SHEAF_TRUSTED_PROXY"] == proxy_ip
    nginx = compose["configs"]["nginx"]["content"]
    assert "proxy_request_buffering on" in nginx
    assert f"{service['environment']['SHEAF_MAX_UPLOAD_MB']}m" in nginx
    assert "ports" not in service  # only through the proxy


def test_sso_compose_example_trusts_only_the_sign_in_proxy():
    compose = yaml.safe_load((REPO / "deploy" / "docker-compose.sso.yml").read_text())
    sheaf, proxy = compose["services"]["sheaf"], compose["services"]["oauth2-proxy"]
    env = sheaf["environment"]
    assert env["SHEAF_AUTH_HEADER"] == "X-Forwarded-User"
    assert env["SHEAF_TRUSTED_PROXY"] == proxy["networks"]["sheaf"]["ipv4_address"]
    assert "ports" not in sheaf


@pytest.mark.parametrize("path", ["Dockerfile", ".dockerignore"])
def test_docker_files_exist(path):
    assert (REPO / path).is_file()
