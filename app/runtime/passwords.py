"""A loud warning at start when the server's password is easy to guess, and a strong one.

Sign-in throttling (:mod:`app.security.throttle`) slows guessing down; it cannot save a
password that is among the first few hundred anyone tries. The check is
offline: a length and a small built-in list of the commonest passwords (as
published from leaked-password studies), compared without case, spaces or
trailing digits and punctuation. The password itself is never printed.
"""

from __future__ import annotations

import re
import secrets

#: Shorter than this is weak whatever it is (the strong ones we suggest are 24).
MIN_LENGTH = 12

_COMMON_WORDS = """
    123456 123456789 12345678 12345 1234567 1234567890 1234 111111 000000 123123 654321
    666666 121212 112233 123321 987654321 11111111 00000000 88888888 147258369 5201314
    password passw0rd password1 p@ssw0rd p@ssword qwerty qwertyuiop qwerty123 qwertz
    azerty asdfgh asdfghjkl zxcvbnm 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx qazwsx abc123
    abcd1234 a1b2c3 aa123456 iloveyou iloveyou1 letmein welcome welcome1 monkey dragon
    sunshine princess football baseball soccer master shadow superman batman trustno1
    starwars admin administrator admin123 root toor changeme changeit default secret
    secret123 test test123 testing guest login hello hello123 freedom whatever michael
    jennifer charlie jordan hunter hunter2 ashley daniel thomas computer internet
    samsung google linux ubuntu docker kubernetes server sheaf sheafpdf pdf pdfpassword
    mypassword correcthorsebatterystaple correcthorse opensesame letmeinplease
"""
COMMON = frozenset(_COMMON_WORDS.split())


def weakness(password: str) -> str | None:
    """Why ``password`` is easy to guess, in words that do not reveal it; None if not."""
    folded = re.sub(r"\s+", "", password.lower())
    stem = re.sub(r"[\d\W_]+$", "", folded) or folded
    if folded in COMMON or stem in COMMON:
        return "it is one of the most common passwords"
    if len(set(folded)) <= 2:
        return "it repeats one or two characters"
    if len(password) < MIN_LENGTH:
        return f"it has only {len(password)} characters (use at least {MIN_LENGTH})"
    return None


def warning(password: str, program: str) -> str | None:
    """The start-up warning for a weak ``password``, or None."""
    why = weakness(password)
    if why is None:
        return None
    return (
        f"WEAK PASSWORD: the server's password is easy to guess ({why}); anyone who can"
        " reach this server could sign in. Set a long random one, for example the output of"
        f" `{program} --new-password` or"
        ' `python3 -c "import secrets; print(secrets.token_urlsafe(18))"`.'
    )


def new_password() -> str:
    """24 random URL-safe characters (144 bits): what ``--new-password`` prints."""
    return secrets.token_urlsafe(18)
