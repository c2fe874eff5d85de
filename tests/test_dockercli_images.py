"""``docker images``: only what was pulled or run, each tag with its published ID, date and size."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.engine import image_records
from simulator.engine import images as image_catalog

EMPTY = "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n"


@pytest.mark.parametrize("engine", ["20.10", None])
def test_a_fresh_host_has_no_image_and_run_brings_one(engine: str | None) -> None:
    lab = Lab(engine=engine) if engine else Lab()
    assert lab.sh("docker images").stdout == EMPTY
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -d --name web nginx")
    r = lab.sh("docker images")
    # the lab's clock starts on 2026-01-01: nginx 1.29.3 was built on 2025-11-04 (58 days: 8 weeks),
    # ubuntu:14.04's last build on 2021-03-25; newest first, as the daemon sorts them
    assert (r.stdout, r.stderr, r.exit_code) == (
        "REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\n"
        "nginx        latest    d261fd19cb63   8 weeks ago   152MB\n"
        "ubuntu       14.04     13b66b487594   4 years ago   197MB\n", "", 0)
    assert lab.sh("docker info --format '{{.Images}}'").stdout == "2\n"


def test_an_image_stays_after_its_container_is_removed_and_a_failed_create_still_pulls() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker rm -f c1")
    assert "ubuntu       14.04" in lab.sh("docker images").stdout
    lab.sh("docker run -itd --name c2 ubuntu:14.04")
    r = lab.sh("docker run -itd --name c2 ubuntu:16.04")  # a name conflict, found after the pull
    assert r.exit_code == 125
    assert "ubuntu       16.04     b6f507652425" in lab.sh("docker images").stdout
    # bad flags are the client's: nothing is pulled
    lab.sh("docker run -itd -p 99999:80 nginx")
    assert "nginx" not in lab.sh("docker images").stdout


def test_images_flags_filter_quiet_format_and_no_trunc() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd ubuntu:14.04")
    lab.sh("docker run -d nginx:latest")
    assert lab.sh("docker images ubuntu").stdout.splitlines()[1:] == ["ubuntu       14.04     13b66b487594   4 years ago   197MB"]
    assert lab.sh("docker images nginx:latest").stdout.count("\n") == 2
    assert lab.sh("docker images ubuntu:16.04").stdout == EMPTY
    assert lab.sh("docker images -q").stdout == "d261fd19cb63\n13b66b487594\n"
    assert lab.sh("docker images --no-trunc -q ubuntu").stdout == (
        "sha256:13b66b487594a1f2b75396013bc05d29d9f527852d96c5577cc4f187559875d0\n")
    assert lab.sh("docker images --format '{{.Repository}}:{{.Tag}} {{.CreatedAt}}' ubuntu").stdout == (
        "ubuntu:14.04 2021-03-25 22:33:44 +0000 UTC\n")
    assert lab.sh("docker images --format 'table {{.Repository}}\\t{{.Size}}' nginx").stdout == (
        "REPOSITORY   SIZE\nnginx        152MB\n")
    digests = lab.sh("docker images --digests ubuntu").stdout.splitlines()
    assert digests[0].split() == ["REPOSITORY", "TAG", "DIGEST", "IMAGE", "ID", "CREATED", "SIZE"]
    assert "sha256:64483f3496c1373bfd55348e88694d1c4d0c9b660dee6bfef5e12f43b9933b30" in digests[1]
    r = lab.sh("docker images a b")
    assert (r.exit_code, r.stderr.splitlines()[0]) == (1, '"docker images" requires at most 1 argument.')


def test_created_follows_the_labs_clock() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -d nginx")
    for _day in range(3):  # 58 days became 61: go-units says months from 60 days on
        lab.sh("sleep 86400")
    assert "nginx        latest    d261fd19cb63   2 months ago   152MB" in lab.sh("docker images").stdout


def test_an_image_without_a_record_is_said_to_be_so_not_invented() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd busybox")
    r = lab.sh("docker images")
    assert r.stdout == EMPTY
    assert r.stderr == "dockersim: busybox:latest is present, but the simulator has no record of its ID, size and creation date\n"


def test_records_agree_with_the_catalog() -> None:
    assert image_records.RECORDS
    for reference, record in image_records.RECORDS.items():
        assert image_catalog.CATALOG[reference].image_id == record.image_id[:12]
        assert len(record.image_id) == len(record.index_digest) == 64
        assert record.layers and all(len(layer) == 12 for layer in record.layers)


@pytest.mark.parametrize("engine", ["20.10", None])
def test_pull_prints_each_layer_then_the_digest_and_a_second_pull_is_up_to_date(engine: str | None) -> None:
    lab = Lab(engine=engine) if engine else Lab()
    r = lab.sh("docker pull ubuntu:14.04")
    assert (r.stdout, r.stderr, r.exit_code) == (
        "14.04: Pulling from library/ubuntu\n"
        "2e6e20c8e2e6: Pull complete\n0551a797c01d: Pull complete\n512123a864da: Pull complete\n"
        "Digest: sha256:64483f3496c1373bfd55348e88694d1c4d0c9b660dee6bfef5e12f43b9933b30\n"
        "Status: Downloaded newer image for ubuntu:14.04\n"
        "docker.io/library/ubuntu:14.04\n", "", 0)
    assert lab.sh("docker pull ubuntu:14.04").stdout == (
        "14.04: Pulling from library/ubuntu\n"
        "Digest: sha256:64483f3496c1373bfd55348e88694d1c4d0c9b660dee6bfef5e12f43b9933b30\n"
        "Status: Image is up to date for ubuntu:14.04\n"
        "docker.io/library/ubuntu:14.04\n")
    assert "ubuntu       14.04     13b66b487594   4 years ago   197MB" in lab.sh("docker images").stdout


def test_pull_without_a_tag_quietly_and_through_docker_image() -> None:
    lab = Lab(engine="20.10")
    out = lab.sh("docker pull nginx").stdout.splitlines()
    assert out[:2] == ["Using default tag: latest", "latest: Pulling from library/nginx"]
    assert out[-2:] == ["Status: Downloaded newer image for nginx:latest", "docker.io/library/nginx:latest"]
    assert lab.sh("docker image pull -q mysql:5.7").stdout == "docker.io/library/mysql:5.7\n"
    assert lab.sh("docker image ls --format '{{.Repository}}:{{.Tag}}'").stdout == "nginx:latest\nmysql:5.7\n"
    r = lab.sh("docker image rm nginx")
    assert (r.exit_code, r.stderr) == (126, "dockersim: docker image rm: Docker 20.10.24 has this command, but the simulator does not model it\n")


def test_pull_errors() -> None:
    lab = Lab(engine="20.10")
    r = lab.sh("docker pull")
    assert (r.exit_code, r.stderr.splitlines()[:2]) == (1, ['"docker pull" requires exactly 1 argument.', "See 'docker pull --help'."])
    r = lab.sh("docker pull example/unknown")
    assert r.exit_code == 1 and r.stderr.startswith("dockersim: the image 'example/unknown:latest' is not modelled by the simulator")
    assert lab.sh("docker images").stdout == EMPTY
    r = lab.sh("docker pull busybox")  # present, but its layers are not recorded: said so
    assert (r.stdout, r.exit_code) == ("Using default tag: latest\ndocker.io/library/busybox:latest\n", 0)
    assert "no record" in r.stderr


def test_inspecting_a_present_image_says_it_is_not_modelled_not_that_it_is_missing() -> None:
    lab = Lab(engine="20.10")
    r = lab.sh("docker inspect ubuntu:14.04")  # not pulled yet: the CLI's own answer
    assert (r.stdout, r.stderr, r.exit_code) == ("[]\n", "Error: No such object: ubuntu:14.04\n", 1)
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    note = "dockersim: docker inspect: {} is an image on this host; the simulator does not model image inspection\n"
    for ref in ("ubuntu:14.04", "13b66b487594"):
        r = lab.sh(f"docker inspect {ref}")
        assert (r.stdout, r.stderr, r.exit_code) == ("", note.format(ref), 126)
    r = lab.sh("docker inspect -f '{{.Name}}' c1 ubuntu:14.04")
    assert (r.stdout, r.stderr, r.exit_code) == ("/c1\n", note.format("ubuntu:14.04"), 1)
