"""What a Linux build of Sheaf may hold, checked on the built files themselves.

    uv run python build_scripts/bundle_check.py dist/Sheaf-<version>-linux-x86_64 [dist/Sheaf]

* **The glibc floor**: the newest ``GLIBC_``/``GLIBCXX_``/``CXXABI_`` version that any ELF
  file in the bundle asks for (its version references, ``objdump -p``), which must be at
  most what Debian 11 and Ubuntu 20.04 have (:data:`FLOOR`). One file over it and Sheaf
  does not start, or starts and fails on every PDF, on those systems.
* **The libraries**: every shared library and extension module matches an entry of
  :data:`ALLOWED`, which says whose it is and under which licence it ships. The C++
  runtime and GPL libraries (readline and the like) are not on it.
* **The modules**: none of :data:`FORBIDDEN_MODULES` (debuggers, consoles, test suites)
  is in the archive.

It reads one-file builds (with or without the start program of ``linux_start.py``) and
folder builds. ``build.py`` runs it on every Linux build and fails the build on a problem;
the tests run it on the artifacts CI built. Needs PyInstaller (to read the archive) and
binutils' ``objdump``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts import linux_start

#: Debian 11 / Ubuntu 20.04: glibc 2.31, and GCC 10's libstdc++ (GLIBCXX_3.4.28, CXXABI_1.3.12).
FLOOR = {"GLIBC": (2, 31), "GLIBCXX": (3, 4, 28), "CXXABI": (1, 3, 12)}

#: Every ELF file a Linux bundle may carry (matched against its path inside the bundle,
#: with the hash auditwheel adds to wheel-bundled libraries), whose it is, and its licence.
ALLOWED: dict[str, tuple[str, str]] = {
    r"(.*/)?libpython3\.\d+\.so(\.[\d.]+)?": ("CPython", "PSF-2.0"),
    r"python3\.\d+/lib-dynload/[\w.-]+\.so": ("CPython's own extension modules", "PSF-2.0"),
    r"(.*/)?libcrypto\.so\.[\d.]+": ("OpenSSL's libcrypto (hashlib's PBKDF2)", "OpenSSL"),
    r"(.*/)?libffi\.so\.[\d.]+": ("libffi (ctypes, for pdfium)", "MIT"),
    r"(.*/)?libz\.so\.[\d.]+": ("zlib", "Zlib"),
    r"(.*/)?libexpat\.so\.[\d.]+": ("Expat", "MIT"),
    r"(.*/)?libmpdec\.so\.[\d.]+": ("mpdecimal", "BSD-2-Clause"),
    r"pikepdf/[\w.-]+\.so": ("pikepdf", "MPL-2.0"),
    r"(pikepdf\.libs/)?libqpdf-\w+\.so[\d.]*": ("qpdf (pikepdf)", "Apache-2.0"),
    r"((pikepdf|pillow)\.libs/)?libjpeg-\w+\.so[\d.]*": ("libjpeg-turbo", "IJG AND BSD-3-Clause"),
    r"pypdfium2_raw/libpdfium\.so": ("PDFium (pypdfium2)", "Apache-2.0 AND BSD-3-Clause"),
    r"PIL/[\w.-]+\.so": ("Pillow", "MIT-CMU"),
    r"(pillow\.libs/)?libfreetype-\w+\.so[\d.]*": ("FreeType", "FTL"),
    r"(pillow\.libs/)?libharfbuzz-\w+\.so[\d.]*": ("HarfBuzz", "MIT"),
    r"(pillow\.libs/)?libpng16-\w+\.so[\d.]*": ("libpng", "Libpng"),
    r"(pillow\.libs/)?libtiff-\w+\.so[\d.]*": ("LibTIFF", "libtiff"),
    r"(pillow\.libs/)?lib(webp|webpdemux|webpmux|sharpyuv)-\w+\.so[\d.]*": (
        "libwebp",
        "BSD-3-Clause",
    ),
    r"(pillow\.libs/)?liblcms2-\w+\.so[\d.]*": ("Little CMS", "MIT"),
    r"(pillow\.libs/)?libopenjp2-\w+\.so[\d.]*": ("OpenJPEG", "BSD-2-Clause"),
    r"(pillow\.libs/)?libbrotli(common|dec|enc)-\w+\.so[\d.]*": ("Brotli", "MIT"),
    r"(pillow\.libs/)?liblzma-\w+\.so[\d.]*": ("XZ Utils' liblzma (LibTIFF)", "0BSD"),
    r"(pillow\.libs/)?libzstd-\w+\.so[\d.]*": ("Zstandard", "BSD-3-Clause"),
    r"(pillow\.libs/)?lib(xcb|Xau|Xdmcp)-\w+\.so[\d.]*": ("X.Org's libxcb", "MIT"),
    r"(pillow\.libs/)?lib(avif|aom|dav1d|SvtAv1Enc|yuv)-\w+\.so[\d.]*": (
        "AV1 codecs",
        "BSD-2-Clause",
    ),
    r"fontTools/.+\.so": ("fontTools", "MIT"),
    r"markupsafe/[\w.-]+\.so": ("MarkupSafe", "BSD-3-Clause"),
}
#: Modules no build may carry: debuggers and consoles (nothing that ships may offer one;
#: through pdb and cmd they also pulled in readline, a GPL library), test suites, GUI
#: toolkits. app.spec leaves them out; the archive is checked for them.
FORBIDDEN_MODULES = (
    *("pdb", "bdb", "cmd", "code", "codeop", "readline", "rlcompleter", "werkzeug.debug"),
    *("tkinter", "_tkinter", "unittest", "doctest", "test", "pytest", "IPython"),
    *("flask.testing", "click.testing"),
)
#: What app.spec leaves out of every build: the forbidden modules, modules nothing imports
#: at run time that optional imports of Pillow, Jinja, Werkzeug... would pull in, and
#: optional standard modules whose C libraries Sheaf never needs (TLS: Sheaf serves plain
#: HTTP on localhost or behind a proxy; bzip2, xz, libuuid). Measured on Linux x86_64,
#: PyInstaller 6.22, one-file: 37.8 MB with neither these nor app.spec's Babel filter,
#: 20.1 MB with both. ``missing_imports`` proves nothing in a build needs them.
EXCLUDED_MODULES = (
    *FORBIDDEN_MODULES,
    *("pydoc", "pydoc_data", "lib2to3", "xmlrpc", "sqlite3", "curses", "idlelib"),
    *("ensurepip", "venv", "distutils", "setuptools", "pip", "numpy", "lxml"),
    *("PIL.ImageQt", "PIL.ImageTk", "PIL._avif", "profile", "cProfile", "pstats"),
    *("ssl", "_ssl", "bz2", "_bz2", "lzma", "_lzma", "_uuid"),
)
#: Libraries the person's system provides, never the build (the C++ runtime: a copy from
#: the build machine can need a newer C library than the person has; the manylinux
#: wheels that use it expect the system's).
SYSTEM_LIBRARIES = ("libstdc++.so", "libgcc_s.so")
REQUIRED = re.compile(r"\b(GLIBC|GLIBCXX|CXXABI)_([0-9.]+)\b")


@dataclass
class Report:
    floor: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)
    libraries: dict[str, tuple[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for name in FLOOR:
            if name in self.floor:
                version, where = self.floor[name]
                limit = ".".join(map(str, FLOOR[name]))
                out.append(f"  {name} {'.'.join(map(str, version))} (limit {limit}) in {where}")
        return out


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def required_versions(path: Path) -> dict[str, tuple[int, ...]]:
    """The newest symbol version of each kind that ``path`` needs from the system."""
    dump = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
    references = dump.split("Version References:", 1)[-1] if "Version References:" in dump else ""
    best: dict[str, tuple[int, ...]] = {}
    for kind, version in REQUIRED.findall(references):
        best[kind] = max(best.get(kind, ()), _version(version))
    return best


def _elf_members(artifact: Path, scratch: Path) -> tuple[dict[str, Path], list[str]]:
    """ELF files (name inside the bundle -> a path to read) and module names of ``artifact``."""
    from PyInstaller.archive.readers import CArchiveReader

    files: dict[str, Path] = {}
    if artifact.is_dir():  # a folder build: its files, and the archive in its executable
        internal = artifact / "_internal"
        executable = artifact / artifact.name
        for path in sorted(artifact.rglob("*")):
            if path == executable:
                files["(folder program)"] = path
            elif path.is_file() and not path.is_symlink() and _is_elf(path):
                inside = path.relative_to(internal if internal in path.parents else artifact)
                files[inside.as_posix()] = path
    else:
        executable = linux_start.payload(artifact, scratch / "payload")
        files["(start program)"] = artifact
        files["(one-file program)"] = executable
    modules: list[str] = []
    if not executable.is_file():
        return files, modules
    archive = CArchiveReader(str(executable))
    for name in archive.toc:
        if name.endswith(".pyz"):
            modules += list(archive.open_embedded_archive(name).toc)
            continue
        if artifact.is_dir():
            continue
        data = archive.extract(name)
        if data and data[:4] == b"\x7fELF":
            target = scratch / "members" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files[name] = target
    return files, modules


def _is_elf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def check(artifact: Path) -> Report:
    report = Report()
    with tempfile.TemporaryDirectory(prefix="sheaf-bundle-check-") as tmp:
        files, modules = _elf_members(artifact, Path(tmp))
        for name, path in sorted(files.items()):
            for kind, version in required_versions(path).items():
                if version > report.floor.get(kind, ((), ""))[0]:
                    report.floor[kind] = (version, name)
                if version > FLOOR[kind]:
                    limit = ".".join(map(str, FLOOR[kind]))
                    report.problems.append(
                        f"{name} needs {kind}_{'.'.join(map(str, version))} (limit {limit})"
                    )
            if name.startswith("("):
                continue
            entry = next((v for k, v in ALLOWED.items() if re.fullmatch(k, name)), None)
            if entry is None:
                report.problems.append(f"{name} is not on the list of what may ship")
            else:
                report.libraries[name] = entry
    for module in modules:
        for forbidden in FORBIDDEN_MODULES:
            if module == forbidden or module.startswith(forbidden + "."):
                report.problems.append(f"module {module} must not ship")
    return report


def missing_imports(artifact: Path) -> list[str]:
    """Modules in ``artifact``'s archive that cannot be imported because they need one that
    app.spec left out (run with the interpreter the build bundles, in the build root).

    Each module is imported with every excluded one blocked; a failure for another reason
    (a Windows-only module on Linux, say) is not the exclusions' doing and is ignored."""
    from PyInstaller.archive.readers import CArchiveReader

    with tempfile.TemporaryDirectory() as tmp:
        archive = CArchiveReader(str(linux_start.payload(artifact, Path(tmp) / "payload")))
        pyz = next(name for name in archive.toc if name.endswith(".pyz"))
        modules = sorted(archive.open_embedded_archive(pyz).toc)
    script = (
        "import importlib, sys\n"
        f"blocked = {EXCLUDED_MODULES!r}\n"
        "for name in blocked: sys.modules[name] = None\n"
        "for name in sys.stdin.read().split():\n"
        "    try: importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        if (exc.name or '').split('.')[0] in {b.split('.')[0] for b in blocked}:\n"
        "            print(name, 'needs', exc.name)\n"
        "    except Exception: pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="\n".join(m for m in modules if not m.startswith(("__main__", "pyimod"))),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return [line for line in done.stdout.splitlines() if " needs " in line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifacts", nargs="+", type=Path)
    parser.add_argument(
        "--imports",
        action="store_true",
        help="only check that no module in the build needs one app.spec left out (run this"
        " with the interpreter the build bundles)",
    )
    args = parser.parse_args(argv)
    if args.imports:
        found = [line for artifact in args.artifacts for line in missing_imports(artifact)]
        print("\n".join(found) or "imports: nothing in the build needs a module left out")
        return 1 if found else 0
    failed = False
    for artifact in args.artifacts:
        report = check(artifact)
        print(f"{artifact.name}: needs at most")
        print("\n".join(report.lines()))
        print(f"  {len(report.libraries)} libraries and extension modules on the list")
        for problem in report.problems:
            print(f"  PROBLEM: {problem}")
        failed |= bool(report.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
