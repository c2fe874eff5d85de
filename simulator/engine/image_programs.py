"""Every program each catalogued image ships on its PATH (``/bin``, ``/sbin``, ``/usr/bin``, ``/usr/sbin``).

The simulator models some of them (``simulator/programs``); the rest exist in the real
image, so a learner who types one is told it is there but not simulated, never that it
is missing. The lists are the file lists of the packages each image installs.

Sources and simplifications:

* Debian and Ubuntu images: the packages of the image's manifest (Ubuntu 14.04
  ``ubuntu-core``: the essential set plus iproute2, iputils-ping, net-tools, procps;
  later Ubuntu images without those three; Debian ``trixie-slim`` under nginx,
  postgres and redis: the essential set without procps). Each package's programs
  are taken from ``dpkg -L`` of the same package in Debian 12 (coreutils 9.1,
  util-linux 2.38, iproute2 6.1, net-tools 2.10, procps 4.0), less the programs
  those packages gained after Ubuntu 14.04 where known (``b2sum``, ``dcb``, ...).
  Ubuntu moved nothing to ``/usr`` before 19.04; Debian 12 paths are kept.
* BusyBox: the applets of BusyBox 1.36.1 (``busybox --list``; the ``busybox``
  image links them all in ``/bin``; Alpine 3.20 builds a subset and spreads them
  over the four directories, plus ``apk``, ``scanelf``, ``ssl_client`` and musl's
  ``ldd``/``getconf``/``getent``/``iconv``).
* nicolaka/netshoot: Alpine plus the packages of its Dockerfile.
* mysql images are built on Oracle Linux 9 slim (microdnf): modelled as the same
  base set as the Debian images, with the mysql programs.
"""

from __future__ import annotations

# dpkg -L PACKAGE of Debian 12 (bookworm), programs only
DEBIAN_PACKAGES: dict[str, str] = {
    "coreutils": (
        "/bin/cat /bin/chgrp /bin/chmod /bin/chown /bin/cp /bin/date /bin/dd /bin/df /bin/dir "
        "/bin/echo /bin/false /bin/ln /bin/ls /bin/mkdir /bin/mknod /bin/mktemp /bin/mv /bin/pwd "
        "/bin/readlink /bin/rm /bin/rmdir /bin/sleep /bin/stty /bin/sync /bin/touch /bin/true "
        "/bin/uname /bin/vdir /usr/bin/[ /usr/bin/arch /usr/bin/b2sum /usr/bin/base32 "
        "/usr/bin/base64 /usr/bin/basename /usr/bin/basenc /usr/bin/chcon /usr/bin/cksum "
        "/usr/bin/comm /usr/bin/csplit /usr/bin/cut /usr/bin/dircolors /usr/bin/dirname "
        "/usr/bin/du /usr/bin/env /usr/bin/expand /usr/bin/expr /usr/bin/factor /usr/bin/fmt "
        "/usr/bin/fold /usr/bin/groups /usr/bin/head /usr/bin/hostid /usr/bin/id /usr/bin/install "
        "/usr/bin/join /usr/bin/link /usr/bin/logname /usr/bin/md5sum /usr/bin/md5sum.textutils "
        "/usr/bin/mkfifo /usr/bin/nice /usr/bin/nl /usr/bin/nohup /usr/bin/nproc /usr/bin/numfmt "
        "/usr/bin/od /usr/bin/paste /usr/bin/pathchk /usr/bin/pinky /usr/bin/pr /usr/bin/printenv "
        "/usr/bin/printf /usr/bin/ptx /usr/bin/realpath /usr/bin/runcon /usr/bin/seq "
        "/usr/bin/sha1sum /usr/bin/sha224sum /usr/bin/sha256sum /usr/bin/sha384sum "
        "/usr/bin/sha512sum /usr/bin/shred /usr/bin/shuf /usr/bin/sort /usr/bin/split "
        "/usr/bin/stat /usr/bin/stdbuf /usr/bin/sum /usr/bin/tac /usr/bin/tail /usr/bin/tee "
        "/usr/bin/test /usr/bin/timeout /usr/bin/tr /usr/bin/truncate /usr/bin/tsort /usr/bin/tty "
        "/usr/bin/unexpand /usr/bin/uniq /usr/bin/unlink /usr/bin/users /usr/bin/wc /usr/bin/who "
        "/usr/bin/whoami /usr/bin/yes /usr/sbin/chroot"
    ),
    "bash": (
        "/bin/bash /bin/rbash /usr/bin/bashbug /usr/bin/clear_console"
    ),
    "dash": (
        "/bin/dash /bin/sh"
    ),
    "util-linux": (
        "/bin/dmesg /bin/findmnt /bin/lsblk /bin/more /bin/mountpoint /bin/su /bin/wdctl "
        "/sbin/agetty /sbin/blkdiscard /sbin/blkid /sbin/blkzone /sbin/blockdev /sbin/chcpu "
        "/sbin/ctrlaltdel /sbin/findfs /sbin/fsck /sbin/fsck.cramfs /sbin/fsck.minix "
        "/sbin/fsfreeze /sbin/fstrim /sbin/getty /sbin/isosize /sbin/mkfs /sbin/mkfs.bfs "
        "/sbin/mkfs.cramfs /sbin/mkfs.minix /sbin/mkswap /sbin/pivot_root /sbin/runuser "
        "/sbin/sulogin /sbin/swaplabel /sbin/switch_root /sbin/wipefs /sbin/zramctl "
        "/usr/bin/addpart /usr/bin/choom /usr/bin/chrt /usr/bin/delpart /usr/bin/fallocate "
        "/usr/bin/flock /usr/bin/getopt /usr/bin/hardlink /usr/bin/i386 /usr/bin/ionice "
        "/usr/bin/ipcmk /usr/bin/ipcrm /usr/bin/ipcs /usr/bin/last /usr/bin/lastb /usr/bin/linux32 "
        "/usr/bin/linux64 /usr/bin/lscpu /usr/bin/lsipc /usr/bin/lslocks /usr/bin/lslogins "
        "/usr/bin/lsmem /usr/bin/lsns /usr/bin/mcookie /usr/bin/mesg /usr/bin/namei "
        "/usr/bin/nsenter /usr/bin/partx /usr/bin/prlimit /usr/bin/rename.ul /usr/bin/resizepart "
        "/usr/bin/rev /usr/bin/setarch /usr/bin/setpriv /usr/bin/setsid /usr/bin/setterm "
        "/usr/bin/taskset /usr/bin/uclampset /usr/bin/unshare /usr/bin/utmpdump /usr/bin/whereis "
        "/usr/bin/x86_64 /usr/sbin/chmem /usr/sbin/ldattach /usr/sbin/readprofile "
        "/usr/sbin/rtcwake"
    ),
    "mount": (
        "/bin/mount /bin/umount /sbin/losetup /sbin/swapoff /sbin/swapon"
    ),
    "bsdutils": (
        "/usr/bin/logger /usr/bin/renice /usr/bin/script /usr/bin/scriptlive /usr/bin/scriptreplay "
        "/usr/bin/wall"
    ),
    "findutils": (
        "/usr/bin/find /usr/bin/xargs"
    ),
    "grep": (
        "/bin/egrep /bin/fgrep /bin/grep /usr/bin/rgrep"
    ),
    "sed": (
        "/bin/sed"
    ),
    "tar": (
        "/bin/tar /usr/sbin/rmt-tar /usr/sbin/tarcat"
    ),
    "gzip": (
        "/bin/gunzip /bin/gzexe /bin/gzip /bin/uncompress /bin/zcat /bin/zcmp /bin/zdiff "
        "/bin/zegrep /bin/zfgrep /bin/zforce /bin/zgrep /bin/zless /bin/zmore /bin/znew"
    ),
    "hostname": (
        "/bin/dnsdomainname /bin/domainname /bin/hostname /bin/nisdomainname /bin/ypdomainname"
    ),
    "login": (
        "/bin/login /usr/bin/faillog /usr/bin/lastlog /usr/bin/newgrp /usr/bin/sg "
        "/usr/sbin/nologin"
    ),
    "passwd": (
        "/sbin/shadowconfig /usr/bin/chage /usr/bin/chfn /usr/bin/chsh /usr/bin/expiry "
        "/usr/bin/gpasswd /usr/bin/passwd /usr/sbin/chgpasswd /usr/sbin/chpasswd /usr/sbin/cpgr "
        "/usr/sbin/cppw /usr/sbin/groupadd /usr/sbin/groupdel /usr/sbin/groupmems "
        "/usr/sbin/groupmod /usr/sbin/grpck /usr/sbin/grpconv /usr/sbin/grpunconv "
        "/usr/sbin/newusers /usr/sbin/pwck /usr/sbin/pwconv /usr/sbin/pwunconv /usr/sbin/useradd "
        "/usr/sbin/userdel /usr/sbin/usermod /usr/sbin/vigr /usr/sbin/vipw"
    ),
    "debianutils": (
        "/bin/run-parts /bin/tempfile /sbin/installkernel /usr/bin/ischroot /usr/bin/savelog "
        "/usr/bin/which.debianutils /usr/sbin/add-shell /usr/sbin/remove-shell "
        "/usr/sbin/update-shells"
    ),
    "diffutils": (
        "/usr/bin/cmp /usr/bin/diff /usr/bin/diff3 /usr/bin/sdiff"
    ),
    "ncurses-bin": (
        "/usr/bin/captoinfo /usr/bin/clear /usr/bin/infocmp /usr/bin/infotocap /usr/bin/reset "
        "/usr/bin/tabs /usr/bin/tic /usr/bin/toe /usr/bin/tput /usr/bin/tset"
    ),
    "sysvinit-utils": (
        "/bin/pidof /sbin/fstab-decode /sbin/killall5"
    ),
    "libc-bin": (
        "/sbin/ldconfig /usr/bin/getconf /usr/bin/getent /usr/bin/iconv /usr/bin/ld.so "
        "/usr/bin/ldd /usr/bin/locale /usr/bin/localedef /usr/bin/pldd /usr/bin/tzselect "
        "/usr/bin/zdump /usr/sbin/iconvconfig /usr/sbin/zic"
    ),
    "perl-base": (
        "/usr/bin/perl /usr/bin/perl5.36.0"
    ),
    "apt": (
        "/usr/bin/apt /usr/bin/apt-cache /usr/bin/apt-cdrom /usr/bin/apt-config /usr/bin/apt-get "
        "/usr/bin/apt-key /usr/bin/apt-mark"
    ),
    "dpkg": (
        "/sbin/start-stop-daemon /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/dpkg-divert "
        "/usr/bin/dpkg-maintscript-helper /usr/bin/dpkg-query /usr/bin/dpkg-realpath "
        "/usr/bin/dpkg-split /usr/bin/dpkg-statoverride /usr/bin/dpkg-trigger "
        "/usr/bin/update-alternatives /usr/sbin/dpkg-fsys-usrunmess"
    ),
    "procps": (
        "/bin/kill /bin/ps /sbin/sysctl /usr/bin/free /usr/bin/pgrep /usr/bin/pidwait "
        "/usr/bin/pkill /usr/bin/pmap /usr/bin/pwdx /usr/bin/skill /usr/bin/slabtop /usr/bin/snice "
        "/usr/bin/tload /usr/bin/top /usr/bin/uptime /usr/bin/vmstat /usr/bin/w /usr/bin/watch"
    ),
    "iproute2": (
        "/bin/ip /bin/ss /sbin/bridge /sbin/dcb /sbin/devlink /sbin/ip /sbin/rtacct /sbin/rtmon "
        "/sbin/tc /sbin/tipc /sbin/vdpa /usr/bin/ctstat /usr/bin/lnstat /usr/bin/nstat "
        "/usr/bin/rdma /usr/bin/routel /usr/bin/rtstat /usr/sbin/arpd /usr/sbin/genl"
    ),
    "net-tools": (
        "/bin/netstat /sbin/ifconfig /sbin/ipmaddr /sbin/iptunnel /sbin/mii-tool /sbin/nameif "
        "/sbin/plipconfig /sbin/rarp /sbin/route /sbin/slattach /usr/sbin/arp"
    ),
    "mawk": (
        "/usr/bin/mawk"
    ),
    "gpgv": (
        "/usr/bin/gpgv"
    ),
    "e2fsprogs": (
        "/sbin/badblocks /sbin/debugfs /sbin/dumpe2fs /sbin/e2fsck /sbin/e2image /sbin/e2label "
        "/sbin/e2mmpstatus /sbin/e2scrub /sbin/e2scrub_all /sbin/e2undo /sbin/fsck.ext2 "
        "/sbin/fsck.ext3 /sbin/fsck.ext4 /sbin/mke2fs /sbin/mkfs.ext2 /sbin/mkfs.ext3 "
        "/sbin/mkfs.ext4 /sbin/resize2fs /sbin/tune2fs /usr/bin/chattr /usr/bin/lsattr "
        "/usr/sbin/e2freefrag /usr/sbin/e4crypt /usr/sbin/e4defrag /usr/sbin/filefrag "
        "/usr/sbin/mklost+found"
    ),
    "base-passwd": (
        "/usr/sbin/update-passwd"
    ),
    "adduser": (
        "/usr/sbin/addgroup /usr/sbin/adduser /usr/sbin/delgroup /usr/sbin/deluser"
    ),
    "bzip2": (
        "/bin/bunzip2 /bin/bzcat /bin/bzcmp /bin/bzdiff /bin/bzegrep /bin/bzexe /bin/bzfgrep "
        "/bin/bzgrep /bin/bzip2 /bin/bzip2recover /bin/bzless /bin/bzmore"
    ),
    "less": (
        "/usr/bin/less /usr/bin/lessecho /usr/bin/lessfile /usr/bin/lesskey /usr/bin/lesspipe"
    ),
    "curl": (
        "/usr/bin/curl"
    ),
    "init-system-helpers": (
        "/usr/bin/deb-systemd-helper /usr/bin/deb-systemd-invoke /usr/sbin/invoke-rc.d "
        "/usr/sbin/service /usr/sbin/update-rc.d"
    ),
}

# Packages the machine above does not carry: their Debian/Ubuntu file lists.
OTHER_PACKAGES: dict[str, str] = {
    "iputils-ping": "/bin/ping /bin/ping6",  # Ubuntu 14.04's 3:20121221-4ubuntu1
    "nginx": "/usr/sbin/nginx /usr/sbin/nginx-debug",
    "postgres": (
        "/usr/local/bin/docker-entrypoint.sh /usr/local/bin/gosu /usr/lib/postgresql/bin/postgres "
        "/usr/bin/psql /usr/bin/pg_dump /usr/bin/pg_restore /usr/bin/pg_isready /usr/bin/createdb "
        "/usr/bin/dropdb /usr/bin/createuser /usr/bin/dropuser /usr/bin/pg_dumpall"
    ),
    "mysql": (
        "/usr/local/bin/docker-entrypoint.sh /usr/local/bin/gosu /usr/sbin/mysqld /usr/bin/mysql "
        "/usr/bin/mysqladmin /usr/bin/mysqldump /usr/bin/mysqlcheck /usr/bin/mysqlimport /usr/bin/mysqlshow "
        "/usr/bin/mysqlsh /usr/bin/microdnf /usr/bin/rpm"
    ),
    "redis": (
        "/usr/local/bin/docker-entrypoint.sh /usr/local/bin/gosu /usr/local/bin/redis-server /usr/local/bin/redis-cli "
        "/usr/local/bin/redis-benchmark /usr/local/bin/redis-check-aof /usr/local/bin/redis-check-rdb "
        "/usr/local/bin/redis-sentinel"
    ),
}

# Programs the Debian 12 packages gained after Ubuntu 14.04 (coreutils 8.21, util-linux 2.20,
# iproute2 3.12, procps 3.3.9): left out of the 14.04 image.
NEWER_THAN_1404 = frozenset(
    ["b2sum", "base32", "basenc", "dcb", "devlink", "rdma", "tipc", "vdpa", "genl", "choom", "hardlink", "lsmem", "chmem", "lsns", "lslogins",
     "lsipc", "uclampset", "zramctl", "blkzone", "fsfreeze", "swaplabel", "wdctl", "pidwait", "setpriv", "nsenter", "prlimit", "resizepart",
     "fallocate", "rtcwake"]
)

# BusyBox 1.36.1 as Alpine 3.20 builds it (its applets over four directories) and musl/apk-tools.
ALPINE = {
    "/bin": (
        "arch ash base64 bbconfig busybox cat chattr chgrp chmod chown cp date dd df dmesg dnsdomainname "
        "dumpkmap echo ed egrep false fatattr fdflush fgrep fsync getopt grep gunzip gzip hostname ionice "
        "iostat ipcalc kbd_mode kill link linux32 linux64 ln login ls lsattr lzop makemime mkdir mknod "
        "mktemp more mount mountpoint mpstat mv netstat nice pidof ping ping6 pipe_progress printenv ps pwd "
        "reformime rev rm rmdir run-parts sed setpriv setserial sh sleep stat stty su sync tar touch true "
        "umount uname usleep watch zcat"
    ),
    "/sbin": (
        "acpid adjtimex apk arp blkid blockdev depmod fbsplash fdisk findfs fsck fstrim getty halt hwclock "
        "ifconfig ifdown ifenslave ifup init inotifyd insmod ip ipaddr iplink ipneigh iproute iprule "
        "iptunnel klogd ldconfig loadkmap logread losetup lsmod mdev mkdosfs mkfs.vfat mkmntdirs mkswap "
        "modinfo modprobe nameif nlplug-findfs pivot_root poweroff raidautorun reboot rmmod route "
        "setconsole slattach swapoff swapon switch_root sysctl syslogd tunctl udhcpc vconfig watchdog"
    ),
    "/usr/bin": (
        "[ [[ awk basename bc beep blkdiscard bunzip2 bzcat bzip2 cal chvt cksum clear cmp comm cpio "
        "crontab cryptpw cut dc deallocvt diff dirname dos2unix du eject env expand expr factor fallocate "
        "find flock fold free fuser getconf getent head hexdump hostid iconv id install ipcrm ipcs killall "
        "ldd less logger lsof lsusb lzcat lzma lzopcat md5sum mesg microcom mkfifo mkpasswd nc nl nmeter "
        "nohup nproc nsenter nslookup od openvt paste patch pgrep pkill pmap printf pscan pstree pwdx "
        "readlink realpath renice reset resize scanelf seq setkeycodes setsid sha1sum sha256sum sha3sum "
        "sha512sum showkey shred shuf sort split ssl_client strings sum tac tail tee test time timeout top "
        "tr traceroute traceroute6 tree truncate tty ttysize udhcpc6 unexpand uniq unix2dos unlink unlzma "
        "unlzop unshare unxz unzip uptime uudecode uuencode vi vlock volname wc wget which whoami whois "
        "xargs xxd xzcat yes"
    ),
    "/usr/sbin": (
        "addgroup adduser arping brctl chpasswd chroot crond delgroup deluser fbset killall5 loadfont "
        "nanddump nandwrite nbd-client ntpd partprobe rdate rdev readahead remove-shell rfkill sendmail "
        "setfont setlogcons"
    ),
}
# Alpine's programs that are not BusyBox applets (apk-tools, pax-utils, musl, its own scripts).
ALPINE_NOT_APPLETS = frozenset(
    ["bbconfig", "busybox", "apk", "ldconfig", "mkmntdirs", "nlplug-findfs", "getconf", "getent", "iconv", "ldd", "scanelf", "ssl_client"]
)
# BusyBox 1.36.1 defconfig applets that Alpine leaves out (the busybox image has them all).
BUSYBOX_DEFCONFIG_MORE = (
    "ar busybox chpst conspy crc32 devmem dhcprelay dumpleases envdir envuidgid ether-wake fakeidentd "
    "flash_eraseall flash_lock flash_unlock flashcp ftpd ftpget ftpput hd hexedit httpd hush i2cdetect "
    "i2cdump i2cget i2cset i2ctransfer ifplugd inetd ipneigh linuxrc lpd lpq lpr lspci man mim nuke "
    "popmaildir resume run-init runlevel runsv runsvdir seedrng setuidgid sha384sum softlimit sv svc "
    "svlogd svok tcpsvd telnet telnetd tftp tftpd ts tsort ubiattach ubidetach udhcpd udpsvd uevent "
    "unit volname zcip"
)

# nicolaka/netshoot: its Dockerfile's packages on Alpine (apk add ...), with bash and zsh.
NETSHOOT_MORE = (
    "/usr/bin/ab /bin/bash /usr/bin/dig /usr/bin/host /usr/bin/nslookup /usr/bin/delv /usr/bin/bird "
    "/usr/bin/birdc /sbin/bridge /usr/sbin/conntrack /usr/bin/curl /usr/bin/dhcping /usr/bin/drill "
    "/usr/sbin/ethtool /usr/bin/file /usr/sbin/fping /usr/bin/http /usr/bin/iftop /usr/bin/iperf "
    "/usr/bin/iperf3 /sbin/ip /sbin/ss /sbin/tc /usr/sbin/ipset /sbin/iptables /sbin/iptables-save "
    "/sbin/iptables-restore /sbin/ip6tables /usr/bin/iptraf-ng /bin/ping /bin/tracepath /usr/sbin/arping "
    "/sbin/ipvsadm /usr/bin/jq /usr/bin/oping /usr/sbin/mtr /usr/bin/snmpwalk /usr/bin/snmpget "
    "/usr/bin/nc /usr/sbin/nft /usr/bin/ngrep /usr/bin/nmap /usr/bin/nping /usr/bin/openssl "
    "/usr/bin/pip /usr/bin/python3 /usr/bin/scapy /usr/bin/socat /usr/bin/speedtest-cli /usr/bin/ssh "
    "/usr/bin/scp /usr/bin/strace /usr/bin/swaks /usr/bin/tcpdump /usr/bin/tcptraceroute "
    "/usr/bin/traceroute /usr/bin/tshark /usr/bin/termshark /usr/bin/vim /usr/bin/git /bin/zsh "
    "/usr/local/bin/websocat /usr/local/bin/grpcurl /usr/local/bin/fortio /usr/local/bin/ctop "
    "/usr/local/bin/calicoctl /usr/local/bin/kubectl /usr/bin/ltrace /sbin/netstat /sbin/ifconfig "
    "/sbin/route /sbin/arp /usr/bin/ps /usr/bin/whois /usr/bin/wget /usr/sbin/brctl"
)


def _paths(text: str) -> dict[str, str]:
    """``"/bin/ls /sbin/ip"`` -> ``{"ls": "/bin/ls", "ip": "/sbin/ip"}`` (the first path of a name wins)."""
    out: dict[str, str] = {}
    for path in text.split():
        out.setdefault(path.rsplit("/", 1)[-1], path)
    return out


# Links a package's maintainer script makes with update-alternatives: on PATH in every image with the
# package, though not in its dpkg -L (mawk's postinst: awk, nawk; debianutils >= 5: which; less: pager; tar: rmt).
ALTERNATIVES: dict[str, str] = {
    "mawk": "/usr/bin/awk /usr/bin/nawk",
    "debianutils": "/usr/bin/which",
    "less": "/usr/bin/pager",
    "tar": "/usr/sbin/rmt",
}


def _debian(*packages: str, without: frozenset[str] = frozenset()) -> dict[str, str]:
    out: dict[str, str] = {}
    for package in packages:
        text = DEBIAN_PACKAGES[package] if package in DEBIAN_PACKAGES else OTHER_PACKAGES[package]
        text += " " + ALTERNATIVES.get(package, "")
        for name, path in _paths(text).items():
            if name not in without:
                out.setdefault(name, path)
    return out


def _alpine() -> dict[str, str]:
    return {name: f"{folder}/{name}" for folder, names in ALPINE.items() for name in names.split()}


def _busybox_image() -> dict[str, str]:
    applets = [n for n in _alpine() if n not in ALPINE_NOT_APPLETS] + BUSYBOX_DEFCONFIG_MORE.split()
    return {name: f"/bin/{name}" for name in sorted(set(applets))}


_ESSENTIAL = (
    "coreutils", "bash", "dash", "util-linux", "mount", "bsdutils", "findutils", "grep", "sed", "tar",
    "gzip", "hostname", "login", "passwd", "debianutils", "diffutils", "ncurses-bin", "sysvinit-utils",
    "libc-bin", "perl-base", "apt", "dpkg", "mawk", "gpgv", "base-passwd", "adduser", "init-system-helpers",
)

UBUNTU_1404 = _debian(*_ESSENTIAL, "e2fsprogs", "procps", "iproute2", "iputils-ping", "net-tools", "less", "bzip2",
                      without=NEWER_THAN_1404)
UBUNTU_MINIMAL = _debian(*_ESSENTIAL, "procps")  # ubuntu:16.04 and later: no ip, ping, ifconfig
DEBIAN_SLIM = _debian(*_ESSENTIAL)  # debian:trixie-slim, under the official server images
NGINX = {**DEBIAN_SLIM, **_debian("nginx", "curl")}  # the nginx Dockerfile installs curl
POSTGRES = {**DEBIAN_SLIM, **_debian("postgres")}
MYSQL = {**DEBIAN_SLIM, **_debian("mysql")}
REDIS = {**DEBIAN_SLIM, **_debian("redis")}
ALPINE_IMAGE = _alpine()
BUSYBOX_IMAGE = _busybox_image()
NETSHOOT = {**_alpine(), **_paths(NETSHOOT_MORE)}

# Shell builtins the images' shells run without a program file.
BUILTINS = frozenset({"exit", "cd", "export", "set", "unset", "alias", "type", "source", ".", "exec", "wait"})


def names(programs: dict[str, str]) -> frozenset[str]:
    """The program names of an image's PATH."""
    return frozenset(programs)

# The Docker host (Ubuntu 24.04 with Docker's packages and the usual network tools).
HOST_MORE = (
    "/usr/bin/docker /usr/bin/dockerd /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/bin/ctr "
    "/usr/bin/runc /usr/bin/docker-proxy /usr/sbin/iptables /usr/sbin/ip6tables /usr/sbin/iptables-save "
    "/usr/sbin/iptables-restore /usr/sbin/nft /usr/sbin/brctl /usr/bin/tcpdump /usr/bin/dig "
    "/usr/bin/nslookup /usr/bin/host /usr/sbin/traceroute /usr/bin/tracepath /usr/bin/wget /usr/bin/ssh "
    "/usr/bin/scp /usr/bin/python3 /usr/bin/vim.tiny /usr/bin/nano /usr/bin/sudo /usr/bin/systemctl "
    "/usr/bin/journalctl /usr/bin/nc /usr/sbin/conntrack /bin/ping /usr/bin/ping4 /usr/bin/ping6 /usr/bin/arping "
    "/usr/sbin/ethtool"  # Ubuntu Server installs ethtool (its standard seed)
)
UBUNTU_HOST = {**UBUNTU_MINIMAL, **_debian("iproute2", "net-tools", "curl", "e2fsprogs", "less", "bzip2"), **_paths(HOST_MORE)}
