"""What a registry and a Docker host say about each image the catalog models.

``docker images`` prints, per tag, the image's ID, how long ago it was built
(``Created`` of its config, shown relative to the lab's clock) and its size on disk;
``docker pull`` prints the compressed layers it fetches and the tag's digest. These
are facts of published images, so they are data here, each with its source:

- docker-library/repo-info ``repos/<name>/remote/<tag>.md``: the tag's manifest-list
  digest, the linux/amd64 image's ID, its layers (compressed digests and sizes) and
  the build history's timestamps, the last of which is the config's ``Created``.
- ``docker images`` listings of the same image ID published by users, for the SIZE
  column as the graph driver measures it (repo-info's "Virtual Size" is a different
  sum and disagrees in the last digit, e.g. 196.47 MB against docker's 197MB for
  ubuntu:14.04).

A tag without a record here is still usable; ``docker images`` says that its facts
are not in the simulator rather than inventing them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageRecord:
    """One published tag as a Docker host sees it after ``docker pull`` (linux/amd64)."""

    image_id: str  # sha256 of the image config, 64 hex digits
    created: str  # the config's Created, RFC 3339 in UTC
    size: str  # docker images SIZE on a graph-driver host (units.HumanSizeWithPrecision(size, 3))
    index_digest: str  # the tag's manifest list (the repository digest ``docker pull`` prints)
    layers: tuple[str, ...]  # compressed layer digests of the linux/amd64 manifest, in order (64 hex digits)


RECORDS: dict[str, ImageRecord] = {
    # repo-info repos/ubuntu/remote/14.04.md (the tag's last build: 25 Mar 2021); SIZE 197MB in published listings.
    "ubuntu:14.04": ImageRecord(
        image_id="13b66b487594a1f2b75396013bc05d29d9f527852d96c5577cc4f187559875d0",
        created="2021-03-25T22:33:44.754436368Z",
        size="197MB",
        index_digest="64483f3496c1373bfd55348e88694d1c4d0c9b660dee6bfef5e12f43b9933b30",
        layers=("2e6e20c8e2e69fa5c3fcc310f419975cef5fbeb6f7f2fe1374071141281b6a06",
                "0551a797c01db074ab0233ceb567e66b8ebdcb9de9a2e7baa36d57dfbca463a3",
                "512123a864da5e2a62949e65b67106292c5c704eff90cac2b949fc8d7ac1e58e"),
    ),
    # repo-info repos/ubuntu/remote/16.04.md (last build: 31 Aug 2021); SIZE 135MB in published listings;
    # the repository digest from a published `docker rmi ubuntu:16.04` (Untagged: ubuntu@sha256:454054f5...).
    "ubuntu:16.04": ImageRecord(
        image_id="b6f50765242581c887ff1acc2511fa2d885c52d8fb3ac8c4bba131fd86567f2e",
        created="2021-08-31T01:21:30Z",
        size="135MB",
        index_digest="454054f5bbd571b088db25b662099c6c7b3f0cb78536a2077d54adc48f00cd68",
        layers=("58690f9b18fca6469a14da4e212c96849469f9b1be6661d2342a4bf01774aa50",
                "b51569e7c50720acf6860327847fe342a1afbe148d24c529fb81df105e3eed01",
                "da8ef40b9ecabc2679fe2419957220c0272a965c5cf7e0269fa1aeeb8c56f2e1",
                "fb15d46c38dcd1ea0b1990006c3366ecd10c79d374f341687eb2cb23a2c8672e"),
    ),
    # repo-info repos/nginx/remote/trixie.md of nginx 1.29.3 (latest = mainline trixie; built 4 Nov 2025);
    # SIZE 152MB in published listings (docker inspect Size 151862173).
    "nginx:latest": ImageRecord(
        image_id="d261fd19cb63238535ab80d4e1be1d9e7f6c8b5a28a820188968dd3e6f06072d",
        created="2025-11-04T04:06:21Z",
        size="152MB",
        index_digest="1beed3ca46acebe9d3fb62e9067f03d05d5bfa97a00f30938a0a3580563272ad",
        layers=("d7ecded7702a5dbf6d0f79a71edc34b534d08f3051980e2c948fba72db3197fc",
                "266626526d42cf7fe5f56b933db3f4c59c0596b7e2c3a556ba5ec4981daf3e9d",
                "320b0949be89766f7c6a8746f1971021a8e8c84928af00454c0f9c6e38ebf54c",
                "d921c57c6a81addac6ca451906699ca6ee8c01fd708805a928181c5370b0a30c",
                "9def903993e4ef9a3faa02bb893b0382768a4d466d51247bff1ea80b119377a1",
                "52bc359bcbd74bb3d11b94cf3c6d94bcf9bd2d3e450483fb978124ceddb9ca57",
                "e2f8e296d9df1dd5e2ddc81e5e758f9762fdb932e982ac6873e36692c3e3c983"),
    ),
}


def record(reference: str) -> ImageRecord | None:
    """The published facts of a catalog reference (``ubuntu:14.04``), or None when the simulator has none."""
    return RECORDS.get(reference)
