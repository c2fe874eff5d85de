"""The release files of an image's distribution: ``/etc/os-release`` and ``/etc/lsb-release``.

``cat /etc/os-release`` is how a learner asks which system a container runs. The
contents are those of the release's ``base-files`` package as the image ships it;
a release not listed here has no modelled release files (``cat`` then says the
simulator does not model the file, never that it is missing).
"""

from __future__ import annotations

FILES: dict[str, dict[str, str]] = {
    # base-files 7.2ubuntu5.6 of Ubuntu 14.04.6 LTS, the last ubuntu:14.04 image
    "ubuntu-14.04": {
        "/etc/os-release": (
            'NAME="Ubuntu"\n'
            'VERSION="14.04.6 LTS, Trusty Tahr"\n'
            "ID=ubuntu\n"
            "ID_LIKE=debian\n"
            'PRETTY_NAME="Ubuntu 14.04.6 LTS"\n'
            'VERSION_ID="14.04"\n'
            'HOME_URL="http://www.ubuntu.com/"\n'
            'SUPPORT_URL="http://help.ubuntu.com/"\n'
            'BUG_REPORT_URL="http://bugs.launchpad.net/ubuntu/"\n'
        ),
        "/etc/lsb-release": (
            "DISTRIB_ID=Ubuntu\n"
            "DISTRIB_RELEASE=14.04\n"
            "DISTRIB_CODENAME=trusty\n"
            'DISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"\n'
        ),
    },
}


def read(release: str, path: str) -> str | None:
    """The text of ``path`` in an image of ``release`` (``"ubuntu-14.04"``), or None when not modelled."""
    return FILES.get(release, {}).get(path)
