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
    layers: tuple[str, ...]  # the linux/amd64 manifest's compressed layers, in order, as docker pull names them (12 digits)


RECORDS: dict[str, ImageRecord] = {
    # repo-info repos/ubuntu/remote/14.04.md (the tag's last build: 25 Mar 2021); SIZE 197MB in published listings.
    "ubuntu:14.04": ImageRecord(
        image_id="13b66b487594a1f2b75396013bc05d29d9f527852d96c5577cc4f187559875d0",
        created="2021-03-25T22:33:44.754436368Z",
        size="197MB",
        index_digest="64483f3496c1373bfd55348e88694d1c4d0c9b660dee6bfef5e12f43b9933b30",
        layers=("2e6e20c8e2e6", "0551a797c01d", "512123a864da"),
    ),
    # repo-info repos/ubuntu/remote/16.04.md (last build: 31 Aug 2021); SIZE 135MB in published listings;
    # the repository digest from a published `docker rmi ubuntu:16.04` (Untagged: ubuntu@sha256:454054f5...).
    "ubuntu:16.04": ImageRecord(
        image_id="b6f50765242581c887ff1acc2511fa2d885c52d8fb3ac8c4bba131fd86567f2e",
        created="2021-08-31T01:21:30Z",
        size="135MB",
        index_digest="454054f5bbd571b088db25b662099c6c7b3f0cb78536a2077d54adc48f00cd68",
        layers=("58690f9b18fc", "b51569e7c507", "da8ef40b9eca", "fb15d46c38dc"),
    ),
    # repo-info repos/nginx/remote/trixie.md of nginx 1.29.3 (latest = mainline trixie; built 4 Nov 2025);
    # SIZE 152MB in published listings (docker inspect Size 151862173).
    "nginx:latest": ImageRecord(
        image_id="d261fd19cb63238535ab80d4e1be1d9e7f6c8b5a28a820188968dd3e6f06072d",
        created="2025-11-04T04:06:21Z",
        size="152MB",
        index_digest="1beed3ca46acebe9d3fb62e9067f03d05d5bfa97a00f30938a0a3580563272ad",
        layers=("d7ecded7702a", "266626526d42", "320b0949be89", "d921c57c6a81", "9def903993e4", "52bc359bcbd7", "e2f8e296d9df"),
    ),
    # The last mysql:5.7 (5.7.44, on Oracle Linux 7): its ID, Created, RepoDigests and layers from published
    # `docker inspect mysql:5.7` / `docker pull mysql:5.7` transcripts of that image; SIZE 501MB in published listings.
    "mysql:5.7": ImageRecord(
        image_id="5107333e08a87b836d48ff7528b1e84b9c86781cc9f1748bbc1b8c42a870d933",
        created="2023-12-12T19:11:08Z",
        size="501MB",
        index_digest="4bc6bc963e6d8443453676cae56536f4b8156d78bae03c0145cbe47c2aad73bb",
        layers=("20e4dcae4c69", "1c56c3d4ce74", "e9f03a1c24ce", "68c3898c2015", "6b95a940e7b6", "90986bb8de6e",
                "ae71319cb779", "ffc89e9dfd88", "43d05e938198", "064b2d298fba", "df9a4d85569b"),
    ),
    # alpine:latest of the catalog's ID (Alpine 3.22.1): ID, Created, Size 8306489, RepoDigests from a published
    # `docker inspect alpine`; its one layer from published BuildKit logs pulling that digest; SIZE 8.31MB in listings.
    "alpine:latest": ImageRecord(
        image_id="9234e8fb04c47cfe0f49931e4ac7eb76fa904e33b7f8576aec0501c085f02516",
        created="2025-07-15T11:01:16Z",
        size="8.31MB",
        index_digest="4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1",
        layers=("9824c27679d3",),
    ),
}


def record(reference: str) -> ImageRecord | None:
    """The published facts of a catalog reference (``ubuntu:14.04``), or None when the simulator has none."""
    return RECORDS.get(reference)


def full_id(repository: str, tag: str, short_id: str) -> str:
    """``sha256:`` and the image's 64-digit ID; padded with zeros from the catalog's 12 when there is no record."""
    found = RECORDS.get(f"{repository}:{tag}")
    return f"sha256:{found.image_id}" if found is not None else f"sha256:{short_id}{'0' * (64 - len(short_id))}"
