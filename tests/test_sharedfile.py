"""A shared workspace must sit on a local disk, writable by the group."""

from __future__ import annotations

from pathlib import Path

import pytest

from crewdeck.sync.state.sharedfile import check_local_disk, directory_problem, is_network, mount_of
from crewdeck.sync.state.store import Store, WorkspaceError

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /srv/team rw,relatime shared:20 - nfs4 fileserver:/export/team rw,vers=4.2
41 22 0:36 / /mnt/box rw,nosuid - fuse.sshfs me@box:/home/me rw,user_id=1000
42 22 0:37 / /mnt/win rw - cifs //nas/share rw
43 22 8:17 / /mnt/usb rw - fuseblk /dev/sdb1 rw
44 22 0:38 / /srv/team/local\\040disk rw - ext4 /dev/sdc1 rw
"""


@pytest.fixture
def mountinfo(tmp_path: Path) -> str:
    path = tmp_path / "mountinfo"
    path.write_text(MOUNTINFO)
    return str(path)


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/home/ana/team.db", "ext4"),
        ("/srv/team/team.db", "nfs4"),
        ("/srv/team/sub/dir/team.db", "nfs4"),
        ("/mnt/box/team.db", "fuse.sshfs"),
        ("/mnt/win/team.db", "cifs"),
        ("/mnt/usb/team.db", "fuseblk"),
        ("/srv/team/local disk/team.db", "ext4"),  # a local disk mounted inside the NFS tree
        ("/srv/teamwork/team.db", "ext4"),  # a prefix of a mount point is not inside it
    ],
)
def test_the_mount_holding_a_path_is_found(mountinfo: str, path: str, fstype: str) -> None:
    assert mount_of(Path(path), mountinfo)[1] == fstype


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "fuse.rclone", "9p", "ceph"])
def test_network_filesystems_are_refused(tmp_path: Path, fstype: str) -> None:
    assert is_network(fstype)
    table = tmp_path / "mountinfo"
    table.write_text(f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 22 0:35 / {tmp_path} rw - {fstype} server:/x rw\n")
    with pytest.raises(OSError, match="WAL mode only works between processes on one host"):
        check_local_disk(tmp_path / "team.db", str(table))


@pytest.mark.parametrize("fstype", ["ext4", "xfs", "btrfs", "tmpfs", "fuseblk", "zfs", "overlay"])
def test_local_filesystems_are_fine(fstype: str) -> None:
    assert not is_network(fstype)


def test_store_refuses_a_network_file_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "mountinfo"
    table.write_text(f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 22 0:35 / {tmp_path} rw - nfs4 server:/x rw\n")
    monkeypatch.setattr("crewdeck.sync.state.sharedfile.MOUNTINFO", str(table))
    monkeypatch.setattr("crewdeck.sync.state.sharedfile.check_local_disk.__defaults__", (str(table),))
    with pytest.raises(WorkspaceError, match="nfs4 filesystem"):
        Store.create(tmp_path / "team.db")
    assert not (tmp_path / "team.db").exists()


def test_workspace_files_are_group_writable(tmp_path: Path) -> None:
    Store.create(tmp_path / "team.db").close()
    assert (tmp_path / "team.db").stat().st_mode & 0o070 == 0o060


def test_a_directory_others_cannot_write_is_pointed_out(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    problem = directory_problem(tmp_path / "team.db")
    assert problem is not None and "chmod g+ws" in problem
    tmp_path.chmod(0o2775)
    assert directory_problem(tmp_path / "team.db") is None
