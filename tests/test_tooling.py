"""The shared tooling every browser-driven target uses: finding Chromium, and the loopback server."""

from __future__ import annotations

import gzip
import http.client
import stat
from pathlib import Path

import pytest

from ivig_guide import browser
from ivig_guide.serve import serve


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# --- Finding Chromium: CHROMIUM, then /usr/bin/chromium, then apt-get as root on Debian ---


def test_chromium_variable_comes_first(tmp_path, monkeypatch):
    fake = _executable(tmp_path / "my-chromium")
    monkeypatch.setenv("CHROMIUM", str(fake))
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", _executable(tmp_path / "debian-chromium"))
    assert browser.find_chromium() == str(fake)


def test_chromium_variable_that_is_not_a_program_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(browser.BrowserNotFound, match="CHROMIUM is set to .*missing.*not an executable"):
        browser.find_chromium()


def test_debian_path_is_used_when_no_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    debian = _executable(tmp_path / "chromium")
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", debian)
    assert browser.find_chromium() == str(debian)


def test_installs_debian_package_as_root_when_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    debian = tmp_path / "chromium"
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", debian)
    monkeypatch.setattr(browser, "_is_debian", lambda: True)
    monkeypatch.setattr(browser, "_is_root", lambda: True)
    commands: list[list[str]] = []

    class Ran:
        returncode = 0
        stderr = ""

    def fake_run(command, **kwargs):
        commands.append(command)
        if command[:2] == ["apt-get", "install"]:
            _executable(debian)
        return Ran()

    monkeypatch.setattr(browser.subprocess, "run", fake_run)
    assert browser.find_chromium() == str(debian)
    assert [command[:2] for command in commands] == [["apt-get", "update"], ["apt-get", "install"]]
    assert commands[1][-1] == "chromium"


def test_failed_install_says_what_failed_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(browser, "_is_debian", lambda: True)
    monkeypatch.setattr(browser, "_is_root", lambda: True)

    class Failed:
        returncode = 100
        stderr = "E: Unable to locate package chromium"

    monkeypatch.setattr(browser.subprocess, "run", lambda command, **kwargs: Failed())
    with pytest.raises(browser.BrowserNotFound) as raised:
        browser.find_chromium()
    assert "apt-get update" in str(raised.value) and "Unable to locate package" in str(raised.value)
    assert "CHROMIUM" in str(raised.value)


def test_elsewhere_the_message_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(browser, "_is_root", lambda: False)
    with pytest.raises(browser.BrowserNotFound, match="apt-get install chromium") as raised:
        browser.find_chromium()
    assert "playwright install chromium" in str(raised.value)
    assert browser.main([]) == 1
    assert "No Chromium found" in capsys.readouterr().err


# --- The loopback server: like GitHub Pages ---


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>page " + "x" * 2000 + "</p>")
    (tmp_path / "404.html").write_text("<p>not here</p>")
    (tmp_path / "app.js").write_text("console.log(1);")
    (tmp_path.parent / "secret.txt").write_text("outside")
    return tmp_path


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_serves_folder_index_and_redirects_to_the_slash(folder):
    with serve(folder) as served:
        assert served.url == f"http://127.0.0.1:{served.port}/"
        page = _get(served.port, "/page/")
        assert page.status == 200 and page.body.startswith(b"<p>page")
        bare = _get(served.port, "/page")
        assert bare.status == 301 and bare.getheader("Location") == "/page/"
        assert served.requests == ["/page/", "/page"]


def test_missing_paths_get_the_sites_404_page(folder):
    with serve(folder) as served:
        for path in ("/nope/", "/a/b/c/missing.html", "/../secret.txt"):
            response = _get(served.port, path)
            assert response.status == 404, path
            assert response.body == b"<p>not here</p>"


def test_compresses_text_only_when_asked(folder):
    with serve(folder) as served:
        plain = _get(served.port, "/page/")
        assert plain.getheader("Content-Encoding") is None
        zipped = _get(served.port, "/page/", {"Accept-Encoding": "gzip"})
        assert zipped.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(zipped.body) == plain.body
        assert len(zipped.body) < len(plain.body) / 4
        script = _get(served.port, "/app.js", {"Accept-Encoding": "gzip"})
        assert script.getheader("Content-Type").startswith("application/javascript") or script.getheader(
            "Content-Type"
        ).startswith("text/javascript")
    with serve(folder, compress=False) as served:
        assert _get(served.port, "/page/", {"Accept-Encoding": "gzip"}).getheader("Content-Encoding") is None
