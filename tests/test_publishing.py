"""Publishing: init scaffolding, new cards, deploy to a local bare repository, Pages under /repo/."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from notesite import __version__
from notesite.cli import main
from notesite.config import Config, load_config
from notesite.deploy import DeployError, deploy
from notesite.scaffold import init, new_card

from .conftest import SAMPLE_VAULT, write_vault
from .pages_server import serve_pages
from .sitecheck import crawl


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(repo)}  # fmt: skip
    return subprocess.run(
        ["git", "-c", "core.quotePath=false", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()


def test_init_scaffolds_and_never_overwrites(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"Existing.md": "# Mine\n", ".gitignore": "mine\n"})
    report = init(vault)
    assert sorted(report.created) == [".github/workflows/pages.yml", "notesite.yaml"]
    assert ".gitignore" in report.skipped
    assert (vault / ".gitignore").read_text() == "mine\n"
    assert (vault / "Existing.md").read_text() == "# Mine\n"
    assert not (vault / "inbox").exists(), "no example note is added to an existing vault"
    again = init(vault)
    assert again.created == [] and "notesite.yaml" in again.skipped
    # every option is documented in the config file, and the commented file is valid
    text = (vault / "notesite.yaml").read_text()
    assert all(f"# {key}:" in text for key in Config.__dataclass_fields__)
    assert load_config(vault) == Config()


def test_init_in_an_empty_folder_adds_an_example_card(tmp_path: Path) -> None:
    report = init(tmp_path / "fresh")
    assert "inbox/Example paper card.md" in report.created
    assert main(["check", str(tmp_path / "fresh")]) == 0


def test_pages_workflow_is_valid_and_complete(tmp_path: Path) -> None:
    init(tmp_path)
    flow = yaml.safe_load((tmp_path / ".github/workflows/pages.yml").read_text())
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as True
    build, deploy_job = flow["jobs"]["build"], flow["jobs"]["deploy"]
    uses = [step.get("uses", "") for step in build["steps"]]
    assert uses[0].startswith("actions/checkout@") and build["steps"][0]["with"]["fetch-depth"] == 0
    assert any(u.startswith("actions/cache@") for u in uses)
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert ".notesite-cache" in cache["with"]["path"] and "NOTESITE_VERSION" in cache["with"]["key"]
    runs = " ".join(step.get("run", "") for step in build["steps"])
    assert "notesite check ." in runs and "notesite build . --base-url" in runs
    assert "steps.pages.outputs.base_url" in runs
    assert flow["env"]["NOTESITE_VERSION"] == __version__
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert deploy_job["needs"] == "build"
    assert deploy_job["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert deploy_job["environment"]["name"] == "github-pages"


def test_new_card(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", {"notesite.yaml": "inbox: reading\n"})
    path = new_card(vault, "Attention Is All You Need", "1706.03762")
    assert path == vault / "reading" / "Attention Is All You Need.md"
    text = path.read_text()
    assert "## Attention Is All You Need" in text and "https://arxiv.org/abs/1706.03762" in text
    with pytest.raises(FileExistsError):
        new_card(vault, "Attention Is All You Need")
    assert main(["new", "Q: what? / why", "--vault", str(vault)]) == 0
    assert (vault / "reading" / "Q what why.md").is_file()


def test_new_card_uses_the_vault_template(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "v", {"templates/card.md": "# {title}\nsource: {link}\n"})
    text = new_card(vault, "My paper", "2401.00001").read_text()
    assert text == "# My paper\nsource: https://arxiv.org/abs/2401.00001\n"


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, Path]:
    """A vault in a git repository whose origin is a local bare repository."""
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--bare", "-q", str(bare)], check=True)
    work = tmp_path / "work"
    files = {p.relative_to(SAMPLE_VAULT).as_posix(): p.read_bytes() for p in SAMPLE_VAULT.rglob("*")
             if p.is_file() and ".notesite-cache" not in p.parts}  # fmt: skip
    write_vault(work, {**files, ".gitignore": "_site/\n"})
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "notes")
    git(work, "remote", "add", "origin", str(bare))
    return work, bare


def test_deploy_to_a_bare_repository(repo: tuple[Path, Path]) -> None:
    work, bare = repo
    config = load_config(work).replace(base_url="https://user.github.io/repo/")
    first = deploy(work, config)
    assert first.changed and first.pushed
    files = set(git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    built = {
        p.relative_to(work / "_site").as_posix() for p in (work / "_site").rglob("*") if p.is_file()
    }
    assert files == built and ".nojekyll" in files
    assert git(bare, "rev-parse", "gh-pages") == first.commit
    second = deploy(work, config)
    assert not second.changed and second.commit == first.commit
    assert git(bare, "rev-list", "--count", "gh-pages") == "1"


def test_deploy_refuses_uncommitted_changes(repo: tuple[Path, Path]) -> None:
    work, bare = repo
    (work / "Home.md").write_text("changed\n")
    with pytest.raises(DeployError, match="uncommitted changes"):
        deploy(work, load_config(work))
    done = deploy(work, load_config(work), force=True, push=False)
    assert done.changed and not done.pushed
    assert "gh-pages" not in git(bare, "branch", "--list")


def test_deploy_cli(repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    work, bare = repo
    assert main(["deploy", str(work), "--message", "publish it", "--branch", "site"]) == 0
    assert git(bare, "log", "-1", "--format=%s", "site") == "publish it"
    assert main(["deploy", str(work), "--branch", "site"]) == 0
    assert "nothing to deploy" in capsys.readouterr().out


def test_deployed_site_served_under_repo_has_no_broken_links(
    repo: tuple[Path, Path], tmp_path: Path
) -> None:
    work, bare = repo
    deploy(work, load_config(work).replace(base_url="https://user.github.io/repo/"))
    checkout = tmp_path / "pages"
    subprocess.run(
        ["git", "clone", "-q", "--branch", "gh-pages", str(bare), str(checkout)], check=True
    )
    result = crawl(checkout, "/repo/")
    assert result.problems == [] and result.links > 3000
    with serve_pages(checkout) as url:
        for path in (
            "",
            "notes/papers/alignment/dpo/",
            "papers/",
            "static/site.css",
            "files/attachments/figure%20one.png",
        ):
            with urllib.request.urlopen(url + path) as response:
                assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "no/such/page/")
        assert missing.value.code == 404
        page = HTMLParser(missing.value.read().decode())
        assert page.css_first("link[rel=stylesheet]").attributes["href"] == "/repo/static/site.css"  # type: ignore[union-attr]


def test_the_projects_own_workflow_publishes_the_sample_vault() -> None:
    flow = yaml.safe_load((SAMPLE_VAULT.parent / ".github/workflows/pages.yml").read_text())
    runs = " ".join(step.get("run", "") for step in flow["jobs"]["build"]["steps"])
    assert (
        "pip install ." in runs
        and "notesite check notes" in runs
        and "notesite build notes --base-url" in runs
    )
    upload = next(
        s
        for s in flow["jobs"]["build"]["steps"]
        if s.get("uses", "").startswith("actions/upload-pages")
    )
    assert upload["with"]["path"] == "notes/_site"
    assert flow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
