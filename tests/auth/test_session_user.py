"""current_user(): the seam for "who"; the shell shows who is connected, escaped, and the way out."""

import pytest

from alambic.users import DEMO, User
from dashboards.app import nav_html, user_html
from dashboards.session import acting_as, current_user


def test_outside_a_login_it_is_the_demo_user_with_the_least_rights():
    user = current_user()
    assert user == DEMO and user.is_demo and user.role == "member"


def test_acting_as_someone():
    ana = User(login="ana", email="ana@exemple.re", role="finance", display_name="Ana Payet")
    with acting_as(ana):
        assert current_user() is ana
        assert (current_user().login, current_user().email, current_user().role) == ("ana", "ana@exemple.re", "finance")
    assert current_user().is_demo


def test_user_from_an_account(accounts):
    account = accounts.add("ana", "ana@exemple.re", "admin", "motdepasse-solide", display_name="Ana", who="test")
    user = User.from_account(account)
    assert (user.login, user.email, user.role, user.display_name, user.is_demo) == (
        "ana", "ana@exemple.re", "admin", "Ana", False)


def test_the_shell_shows_the_name_and_the_logout_link():
    with acting_as(User(login="ana", display_name="Ana Payet")):
        html = nav_html("suivi-budgetaire", "", lambda slug: f"/{slug}")
    assert "Connecté·e : Ana Payet" in html
    assert '<a class="alambic-logout" href="/logout">Se déconnecter</a>' in html
    assert "Se déconnecter" not in user_html()  # nobody logged in: nothing to leave


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "Zoé & Cie"])
def test_user_text_is_escaped_in_the_shell(name):
    with acting_as(User(login="x", display_name=name)):
        html = user_html()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;" in html or "&amp;" in html
