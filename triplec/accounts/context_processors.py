"""`can` in every template: `{% if can.inbox.reply %}` asks the permission matrix (accounts/permissions.py), so a
screen never offers what the server would refuse."""

from .permissions import MATRIX, allowed


class _Group:
    def __init__(self, user, prefix: str):
        self.user, self.prefix = user, prefix

    def __getitem__(self, name: str) -> bool:
        action = f"{self.prefix}.{name}"
        if action not in MATRIX:
            raise KeyError(action)
        return allowed(self.user, action)


class Can:
    def __init__(self, user):
        self.user = user

    def __getitem__(self, prefix: str) -> _Group:
        return _Group(self.user, prefix)


def permissions(request) -> dict:
    return {"can": Can(getattr(request, "user", None))}
