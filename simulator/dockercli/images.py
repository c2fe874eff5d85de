"""``docker images`` and ``docker pull``: the images present on the lab's host.

A host starts with no image; ``docker pull`` and ``docker run``/``create`` bring them
(:mod:`simulator.engine.image_store`). ``docker images`` lists what is present as the
CLI's image formatter does (cli/command/formatter/image.go): one row per tag, newest
image first (the daemon sorts by Created), the ID cut to 12 digits, CREATED as
go-units HumanDuration of the time since the image was built, relative to the lab's
clock, and SIZE as the graph driver measured it. Sizes, dates and digests are the
published images' own (:mod:`simulator.engine.image_records`).

Simplified: the current engine prints the same table as 20.10, where a real Docker 29
shows its collapsed image tree (DISK USAGE, CONTENT SIZE) for a bare ``docker images``:
those two sizes depend on the containerd snapshotter's disk use, which no public
source gives per tag. ``--filter`` is not modelled.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from simulator.dockercli import output
from simulator.dockercli.base import CliOutcome, Command, exactly
from simulator.dockercli.listing import custom_table
from simulator.dockercli.parser import Flag, Parsed, args_error
from simulator.engine import image_records
from simulator.engine import images as image_catalog
from simulator.errors import CliError

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli

LAB_EPOCH_S = 1_767_225_600  # the lab's clock starts at 2026-01-01 00:00:00 UTC

IMAGES_FLAGS = (
    Flag("all", "a"), Flag("quiet", "q"), Flag("no-trunc"), Flag("digests"), Flag("format", value=True),
    Flag("filter", "f", value=True, repeat=True),
)
#: ``docker images --format``: each field's column header (formatter/image.go).
IMAGES_HEADERS = {
    "ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST", "CreatedSince": "CREATED",
    "CreatedAt": "CREATED AT", "Size": "SIZE", "Containers": "CONTAINERS",
}
#: The default table: (template field, column header).
IMAGES_COLUMNS = (("Repository", "REPOSITORY"), ("Tag", "TAG"), ("ID", "IMAGE ID"), ("CreatedSince", "CREATED"),
                  ("Size", "SIZE"))


def _created_s(record: image_records.ImageRecord) -> int:
    """The image's Created as Unix seconds (the API's ImageSummary.Created)."""
    return int(dt.datetime.fromisoformat(record.created[:19]).replace(tzinfo=dt.timezone.utc).timestamp())


def _matches(reference: str, wanted: str) -> bool:
    """``docker images REPOSITORY[:TAG]``: the reference filter, for the names the catalog holds."""
    want = image_catalog.normalise(wanted) if ":" in wanted.rsplit("/", 1)[-1] else None
    if want is not None:
        return reference == want
    repository = image_catalog.normalise(wanted).rsplit(":", 1)[0]
    return reference.rsplit(":", 1)[0] == repository


def _row(cli: DockerCli, reference: str, record: image_records.ImageRecord, p: Parsed) -> dict[str, str]:
    """One tag as the fields ``docker images --format`` sees."""
    image = image_catalog.CATALOG[reference]
    created = _created_s(record)
    now = LAB_EPOCH_S + cli.engine.sim.now
    full_id = f"sha256:{record.image_id}"
    containers = sum(1 for c in cli.engine.containers.values() if c.image is image)
    return {
        "Repository": image.repository, "Tag": image.tag, "ID": full_id if p.flag("no-trunc") else record.image_id[:12],
        "Digest": f"sha256:{record.index_digest}", "CreatedSince": output.human_duration(now - created) + " ago",
        "CreatedAt": dt.datetime.fromtimestamp(created, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000 UTC"),
        "Size": record.size, "Containers": str(containers),
    }


def images(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker images [-a] [-q] [--no-trunc] [--digests] [--format T] [REPOSITORY[:TAG]]``."""
    if len(p.args) > 1:
        raise args_error("images", "requires at most 1 argument", cli.style)
    if p.values_of("filter"):
        raise CliError("dockersim: docker images --filter is not modelled by the simulator\n", 1)
    present = [ref for ref in cli.engine.image_store.references() if not p.args or _matches(ref, p.args[0])]
    known = [(ref, rec) for ref in present if (rec := image_records.record(ref)) is not None]
    unknown = [ref for ref in present if image_records.record(ref) is None]
    known.sort(key=lambda item: _created_s(item[1]), reverse=True)  # the daemon lists the newest image first
    rows = [_row(cli, ref, rec, p) for ref, rec in known]
    note = "".join(f"dockersim: {ref} is present, but the simulator has no record of its ID, size and creation date\n"
                   for ref in unknown)
    template = p.value("format")
    if p.flag("quiet") and template is None:
        return CliOutcome(stdout="".join(r["ID"] + "\n" for r in rows), stderr=note)
    if template is None or template == "table":
        columns = list(IMAGES_COLUMNS)
        if p.flag("digests"):
            columns.insert(2, ("Digest", "DIGEST"))
        table = output.table([head for _key, head in columns], [[r[key] for key, _head in columns] for r in rows])
        return CliOutcome(stdout=table, stderr=note)
    out = custom_table(template, rows, IMAGES_HEADERS)
    out.stderr = note + out.stderr
    return out


PULL_FLAGS = (Flag("all-tags", "a"), Flag("quiet", "q"), Flag("platform", value=True), Flag("disable-content-trust"))


def _familiar(typed: str) -> str:
    """The reference as Docker's messages name it: ``ubuntu`` -> ``ubuntu:latest``, no ``docker.io/library/``."""
    ref = typed
    for prefix in ("docker.io/library/", "library/", "docker.io/"):
        ref = ref.removeprefix(prefix)
    return ref if ":" in ref.rsplit("/", 1)[-1] else ref + ":latest"


def pull(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker pull [-q] NAME[:TAG]``: the image's layers fetched, its digest, and the reference pulled.

    What a terminal shows once the progress bars are done (cli/command/image/pull.go and the
    daemon's jsonmessage stream): ``Pull complete`` per compressed layer, then the tag's
    repository digest; an image already present is ``up to date``. Simplified: no download
    time passes, ``--all-tags`` and ``--platform`` are not modelled.
    """
    typed = p.args[0]
    if p.flag("all-tags") or p.value("platform") is not None:
        raise CliError("dockersim: docker pull --all-tags and --platform are not modelled by the simulator\n", 1)
    image = image_catalog.find(typed)
    if image is None:  # not a claim that it does not exist: the simulator has no model of it
        raise CliError(f"dockersim: the image '{image_catalog.normalise(typed)}' is not modelled by the simulator "
                       f"(modelled images: {', '.join(image_catalog.modelled())})\n", 1)
    familiar = _familiar(typed)
    name, tag = familiar.rsplit(":", 1)
    canonical = f"docker.io/{name if '/' in name else 'library/' + name}:{tag}"
    default_tag = "" if ":" in typed.rsplit("/", 1)[-1] else "Using default tag: latest\n"
    reference = image_catalog.normalise(typed)
    new = cli.engine.image_store.add(reference)
    found = image_records.record(reference)
    if found is None:
        note = f"dockersim: the simulator has no record of {reference}'s layers and digest; the image is now present\n"
        return CliOutcome(stdout=(default_tag if not p.flag("quiet") else "") + canonical + "\n", stderr=note)
    if p.flag("quiet"):
        return CliOutcome(stdout=canonical + "\n")
    lines = [f"{tag}: Pulling from {canonical.removeprefix('docker.io/').rsplit(':', 1)[0]}"]
    if new:
        lines += [f"{layer}: Pull complete" for layer in found.layers]
    lines.append(f"Digest: sha256:{found.index_digest}")
    lines.append(f"Status: {'Downloaded newer image' if new else 'Image is up to date'} for {familiar}")
    return CliOutcome(stdout=default_tag + "".join(line + "\n" for line in lines) + canonical + "\n")


COMMANDS = {
    "images": Command("images", images, IMAGES_FLAGS),
    "pull": Command("pull", pull, PULL_FLAGS, exactly(1)),
}
