"""The daemon's local images: what ``docker pull`` or ``docker run`` has brought to the host.

A fresh host has none. An image becomes present when it is pulled, or when ``docker
run``/``create`` needs it (the CLI pulls a missing image before it creates the
container, so an image stays even when the create then fails on a name conflict).
Simplified: nothing removes an image (``docker rmi`` and ``image prune`` are not
modelled), and the pull that ``docker run`` does prints nothing here, where a real
CLI prints ``Unable to find image ... locally`` and the pull's progress first.
"""

from __future__ import annotations


class ImageStore:
    """Catalog references (``ubuntu:14.04``) present on one Docker host, in the order they arrived."""

    def __init__(self) -> None:
        self._present: dict[str, None] = {}

    def add(self, reference: str) -> bool:
        """The image is now present; whether it was new."""
        if reference in self._present:
            return False
        self._present[reference] = None
        return True

    def __contains__(self, reference: object) -> bool:
        return reference in self._present

    def references(self) -> list[str]:
        """Every present reference, first pulled first."""
        return list(self._present)
