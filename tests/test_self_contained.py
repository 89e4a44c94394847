"""A clone of the repository alone runs every test: nothing refers to files outside it, and under
CI=true nothing is skipped."""
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = "../" + "shared"  # spelt in two parts so this file does not find itself
CHECKED = ["README.md", "Makefile", "pyproject.toml", "package.json", ".ci", "docs", "tests", "e2e", "api",
           "widget/src", "bench"]


def test_no_file_refers_to_anything_outside_the_repository():
    found = []
    for name in CHECKED:
        path = ROOT / name
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and file.suffix not in {".pyc", ".yml", ".json"} and "__pycache__" not in file.parts:
                if OUTSIDE in file.read_text(encoding="utf-8", errors="replace"):
                    found.append(str(file.relative_to(ROOT)))
    assert found == []


def test_the_fake_bigcommerce_reads_its_api_descriptions_from_the_repository():
    from fake_bigcommerce import SPEC_DIR, SPEC_FILES

    assert SPEC_DIR.is_relative_to(ROOT)
    for names in SPEC_FILES.values():
        for name in names:
            assert (SPEC_DIR / name).is_file(), name


def test_a_skipped_test_fails_under_ci(pytester, monkeypatch):
    pytester.makeconftest((ROOT / "conftest.py").read_text())
    pytester.makepyfile("""
        import pytest

        def test_needs_a_server():
            pytest.skip("no server here")

        @pytest.mark.xfail(reason="known")
        def test_known_failure():
            assert False
    """)
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*Skipped under CI=true*no server here*"])

    monkeypatch.setenv("CI", "false")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(skipped=1, xfailed=1)


def test_no_test_imports_from_conftest():
    """`make test` collects tests/ and e2e/ together: `conftest` then names whichever of their
    conftest files loaded last, so such an import breaks the whole run. Shared helpers live in
    the *_support.py modules; fixtures need no import."""
    importing = [str(file.relative_to(ROOT)) for folder in ("tests", "e2e") for file in (ROOT / folder).glob("*.py")
                 if "from conftest import" in file.read_text(encoding="utf-8") and file.name != "test_self_contained.py"]
    assert importing == []
