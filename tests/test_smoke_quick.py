from support import Sheaf


def test_desktop_starts_and_answers(desktop: Sheaf):
    s = desktop.session()
    r = s.get(desktop.base + "/", timeout=10)
    assert r.status_code == 200
    assert "Sheaf" in r.text
