"""Throw-away single-node Slurm cluster on localhost, for tests.

Stdlib only; no project imports.  Tested with Debian 12 packages
(slurm-wlm 22.05.8, munge 0.5.15, optionally slurmdbd + mariadb-server 10.11).

Everything (config, munge key/socket, state, spool, logs, pid files, the
optional MariaDB datadir) lives under ``workdir``; nothing in /etc, /run or
/var is touched.  Daemons run in the foreground as children of the calling
Python process (own session each), so they are tracked by Popen handle.

Usage::

    from slurm_cluster import start_cluster, stop_cluster, slurm_cluster

    info = start_cluster(Path("/tmp/x"))        # raises SlurmUnavailable
    try:
        info.run("sbatch", "--wrap", "hostname")   # env has SLURM_CONF set
    finally:
        stop_cluster(info)

    with slurm_cluster(Path("/tmp/x"), accounting=True) as info:  # sacct works
        ...

pytest::

    @pytest.fixture(scope="session")
    def slurm(tmp_path_factory):
        yield from slurm_cluster_fixture(tmp_path_factory.mktemp("slurm"))

Root is not required: as non-root every daemon runs as the calling user
(SlurmUser=SlurmdUser=<user>) and jobs run as that user.  The workdir path
must be short (munge socket < 108 bytes) and its munge/ dir world-executable.

Jobs must be submitted with ``info.env`` (or at least SLURM_CONF=info.conf)
in the environment; sbatch's default ``--export=ALL`` then carries SLURM_CONF
into the job so that ``srun`` inside a batch script finds the same cluster.
"""
from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ClusterInfo",
    "SlurmUnavailable",
    "skip_reason",
    "start_cluster",
    "stop_cluster",
    "slurm_cluster",
    "slurm_cluster_fixture",
]

REQUIRED_BINARIES = ("slurmctld", "slurmd", "munged", "mungekey", "sbatch",
                     "srun", "sinfo", "squeue", "scontrol", "scancel")
ACCOUNTING_BINARIES = ("slurmdbd", "sacct", "sacctmgr", "mariadbd",
                       "mariadb-install-db", "mariadb")
# Search PATH plus the sbin dirs (Debian puts daemons in /usr/sbin, which is
# not on a normal user's PATH).
_EXTRA_PATH = ("/usr/sbin", "/usr/local/sbin", "/sbin")

MARKER_ENV = "SLURM_TEST_CLUSTER_DIR"   # set in every daemon's environment


class SlurmUnavailable(RuntimeError):
    """Raised when the cluster cannot be started here; str(e) is a skip reason."""


def _which(name: str) -> str | None:
    path = os.environ.get("PATH", "") + os.pathsep + os.pathsep.join(_EXTRA_PATH)
    return shutil.which(name, path=path)


def skip_reason(accounting: bool = False) -> str | None:
    """Return a human-readable reason why a cluster can't be started, or None."""
    needed = REQUIRED_BINARIES + (ACCOUNTING_BINARIES if accounting else ())
    missing = [b for b in needed if _which(b) is None]
    if missing:
        pkgs = "slurm-wlm munge" + (" slurmdbd mariadb-server" if accounting else "")
        return (f"Slurm test cluster unavailable: missing binaries {missing} "
                f"(Debian/Ubuntu: apt-get install {pkgs})")
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mem_mb() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 1024


@dataclass
class ClusterInfo:
    workdir: Path
    conf: Path
    env: dict[str, str]
    nodename: str
    partition: str
    cpus: int
    real_memory_mb: int
    accounting: bool
    ports: dict[str, int]
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 60, check: bool = True,
            **kw) -> subprocess.CompletedProcess:
        """Run a Slurm client command against this cluster (text output)."""
        env = dict(self.env)
        env.update(kw.pop("env", {}) or {})
        return subprocess.run(list(args), env=env, timeout=timeout, check=check,
                              capture_output=True, text=True, **kw)

    def wait_job(self, job_id: str | int, timeout: float = 120,
                 poll: float = 0.5) -> str:
        """Wait until the job is no longer pending/running; return its final state.

        Uses ``scontrol show job`` (works without accounting while the job is
        younger than MinJobAge), falling back to sacct when accounting is on.
        """
        deadline = time.monotonic() + timeout
        state = "UNKNOWN"
        while time.monotonic() < deadline:
            state = self.job_state(job_id)
            if state not in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING",
                             "REQUEUED", "RESIZING", "SUSPENDED", "UNKNOWN",
                             "REQUEUE_HOLD", "REQUEUE_FED"):
                return state
            time.sleep(poll)
        raise TimeoutError(f"job {job_id} still {state} after {timeout}s")

    def sacct(self, job_id: str | int, fields: str = "JobID,JobName,State,ExitCode",
              timeout: float = 30, poll: float = 0.25) -> list[dict[str, str]]:
        """sacct records (allocation + steps) of a finished job, once settled.

        Needs accounting=True.  slurmdbd records lag: State is usually right
        ~0.5 s after the job ends, but JobName reads "allocation" until ~5 s
        after submission, so this polls until every job-level record (each
        task of an array job) has a final state and a real name (or ``timeout``
        passes; then returns what it has).
        """
        if not self.accounting:
            raise RuntimeError("sacct needs start_cluster(..., accounting=True)")
        names = fields.split(",")
        for need in ("JobID", "JobName", "State"):
            if need not in names:
                names.append(need)
        deadline = time.monotonic() + timeout
        rows: list[dict[str, str]] = []
        while True:
            r = self.run("sacct", "-n", "-P", "-D", "-j", str(job_id), "-o",
                         ",".join(names), check=False, timeout=20)
            rows = [dict(zip(names, line.split("|"), strict=False))
                    for line in r.stdout.splitlines() if line.strip()]
            # the latest record of each job or array task (-D keeps a requeued job's earlier ones)
            latest = {x["JobID"]: x for x in rows if "." not in x["JobID"]}
            if latest and all(x["State"].split()[0] not in (
                    "PENDING", "RUNNING", "REQUEUED", "COMPLETING", "SUSPENDED")
                    and x["JobName"] != "allocation" for x in latest.values()):
                return rows
            if time.monotonic() > deadline:
                return rows
            time.sleep(poll)

    def job_state(self, job_id: str | int) -> str:
        r = self.run("scontrol", "show", "job", "-o", str(job_id), check=False)
        if r.returncode == 0:
            for tok in r.stdout.split():
                if tok.startswith("JobState="):
                    return tok.split("=", 1)[1]
        if self.accounting:
            r = self.run("sacct", "-X", "-n", "-P", "-o", "State", "-j",
                         str(job_id), check=False)
            if r.returncode == 0 and r.stdout.strip():
                return r.stdout.split()[0]
        return "UNKNOWN"


# --------------------------------------------------------------------------
# config files

def _slurm_conf(wd: Path, nodename: str, cpus: int, mem: int, ports: dict,
                partition: str, munge_socket: Path, accounting: bool,
                min_job_age: int, cred_expire: int, extra: str) -> str:
    acct = (f"AccountingStorageType=accounting_storage/slurmdbd\n"
            f"AccountingStorageHost=127.0.0.1\n"
            f"AccountingStoragePort={ports['slurmdbd']}\n"
            # for accounting_storage/slurmdbd this "password" is the munge
            # socket used to talk to slurmdbd (AuthInfo is NOT used for it)
            f"AccountingStoragePass={munge_socket}\n"
            f"JobAcctGatherType=jobacct_gather/linux\n"
            f"JobAcctGatherFrequency=30\n"
            if accounting else
            "AccountingStorageType=accounting_storage/none\n"
            "JobAcctGatherType=jobacct_gather/none\n")
    # Not root: all daemons run as the current user; jobs can then only run
    # as that same user (which is all a test suite needs).
    user = pwd.getpwuid(os.geteuid()).pw_name
    return f"""\
# generated by slurm_cluster.py -- single node test cluster
ClusterName=testcluster
SlurmctldHost={nodename}(127.0.0.1)
SlurmctldPort={ports['slurmctld']}
SlurmdPort={ports['slurmd']}
SlurmUser={user}
SlurmdUser={user}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket},cred_expire={cred_expire}
StateSaveLocation={wd}/state
SlurmdSpoolDir={wd}/spool/slurmd-%n
SlurmctldPidFile={wd}/run/slurmctld.pid
SlurmdPidFile={wd}/run/slurmd-%n.pid
SlurmctldLogFile={wd}/log/slurmctld.log
SlurmdLogFile={wd}/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig={wd}/etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# batch_sched_delay=3 (default) -> ~3s submit->start; sched_interval=60 and
# bf_interval=30 (defaults) delay jobs that become eligible later (requeue)
SchedulerParameters=batch_sched_delay=0,sched_interval=2,bf_interval=2
SlurmdParameters=config_overrides
PropagateResourceLimits=NONE
ReturnToService=2
# reject impossible jobs (-N2, -n3 on 2 CPUs) at submit instead of pending forever
EnforcePartLimits=ALL
KillWait=5
MinJobAge={min_job_age}
InactiveLimit=0
MailProg=/bin/true
JobCompType=jobcomp/filetxt
JobCompLoc={wd}/log/jobcomp.txt
{acct}{extra}
NodeName={nodename} NodeAddr=127.0.0.1 NodeHostname={nodename} CPUs={cpus} Sockets=1 CoresPerSocket={cpus} \
ThreadsPerCore=1 RealMemory={mem} State=UNKNOWN
PartitionName={partition} Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
"""


def _slurmdbd_conf(wd: Path, ports: dict, munge_socket: Path) -> str:
    return f"""\
AuthType=auth/munge
AuthInfo=socket={munge_socket}
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort={ports['slurmdbd']}
SlurmUser={pwd.getpwuid(os.geteuid()).pw_name}
LogFile={wd}/log/slurmdbd.log
PidFile={wd}/run/slurmdbd.pid
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort={ports['mysql']}
StorageUser=slurm
StoragePass=slurmtest
StorageLoc=slurm_acct_db
"""


# --------------------------------------------------------------------------
# process helpers

def _spawn(info: ClusterInfo, name: str, argv: list[str], env: dict) -> None:
    log = info.workdir / "log" / f"{name}.stdout"
    fh = open(log, "ab")
    try:
        p = subprocess.Popen(argv, env=env, stdout=fh, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True,
                             cwd=str(info.workdir))
    finally:
        fh.close()
    info.procs[name] = p
    info.logs[name] = log


def _check_alive(info: ClusterInfo, name: str) -> None:
    p = info.procs[name]
    if p.poll() is not None:
        tail = ""
        with contextlib.suppress(OSError):
            tail = info.logs[name].read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} exited with {p.returncode} during start-up; "
                           f"log {info.logs[name]}:\n{tail}")


def _wait_for(pred, timeout: float, what: str, info: ClusterInfo,
              names: tuple[str, ...], poll: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while True:
        for n in names:
            _check_alive(info, n)
        if pred():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what} "
                               f"(logs in {info.workdir / 'log'})")
        time.sleep(poll)


def _terminate(p: subprocess.Popen, timeout: float = 15) -> None:
    if p.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(5)


def _marked_pids(workdir: Path) -> list[int]:
    """PIDs of leftover processes that belong to this cluster.

    * daemons and slurmstepd carry MARKER_ENV (slurmstepd inherits slurmd's env);
    * job tasks carry SLURM_CONF=<workdir>/etc/slurm.conf *and* SLURMD_NODENAME
      + SLURM_JOB_ID (set by slurmstepd).  SLURM_CONF alone is not enough: the
      test process's own children (sbatch, a shell that sourced cluster.env)
      have it too and must not be killed.
    """
    marker = f"{MARKER_ENV}={workdir}".encode()
    conf = f"SLURM_CONF={workdir}/etc/slurm.conf".encode()
    me = os.getpid()
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == me:
            continue
        try:
            env = set((d / "environ").read_bytes().split(b"\0"))
        except OSError:
            continue
        if marker in env:
            out.append(int(d.name))
        elif conf in env and any(e.startswith(b"SLURMD_NODENAME=") for e in env) \
                and any(e.startswith(b"SLURM_JOB_ID=") for e in env):
            out.append(int(d.name))
    return out


# --------------------------------------------------------------------------
# MariaDB (only for accounting=True)

def _start_mariadb(info: ClusterInfo, env: dict, timeout: float) -> None:
    wd = info.workdir
    # install-db gives this OS user a unix_socket-authenticated DB superuser
    # (root@localhost when root), used below to create the 'slurm' DB user.
    user = pwd.getpwuid(os.geteuid()).pw_name
    datadir = wd / "mysql" / "data"
    sock = wd / "mysql" / "mysqld.sock"
    # Always start from an empty DB: slurmctld state is wiped on every start,
    # so job ids restart at 1 and would collide with old sacct records.
    # (mariadb-install-db takes ~0.3 s.)
    shutil.rmtree(wd / "mysql", ignore_errors=True)
    if not (datadir / "mysql").is_dir():
        datadir.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        r = subprocess.run(
            [_which("mariadb-install-db"), "--no-defaults", f"--datadir={datadir}",
             f"--user={user}", "--auth-root-authentication-method=socket",
             "--skip-test-db"],
            env=env, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed:\n{r.stdout}\n{r.stderr}")
        info.timings["mariadb_install_db_s"] = time.monotonic() - t0
    argv = [_which("mariadbd"), "--no-defaults", f"--datadir={datadir}",
            f"--user={user}", f"--socket={sock}", f"--port={info.ports['mysql']}",
            "--bind-address=127.0.0.1", f"--pid-file={wd}/run/mariadbd.pid",
            f"--log-error={wd}/log/mariadbd.err",
            "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M",
            "--innodb-lock-wait-timeout=900", "--skip-name-resolve",
            "--performance-schema=OFF"]
    _spawn(info, "mariadbd", argv, env)
    client = [_which("mariadb"), "--no-defaults", f"--socket={sock}", f"-u{user}"]

    def ready() -> bool:
        return subprocess.run(client + ["-e", "SELECT 1"], env=env, timeout=10,
                              capture_output=True).returncode == 0
    _wait_for(ready, timeout, "mariadbd", info, ("mariadbd",))
    sql = ("CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurmtest';"
           "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmtest';"
           "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"
           "GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
           "FLUSH PRIVILEGES;")
    r = subprocess.run(client + ["-e", sql], env=env, timeout=30,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"mariadb user setup failed: {r.stderr}")


# --------------------------------------------------------------------------
# public API

def start_cluster(workdir: Path, *, cpus: int | None = None,
                  accounting: bool = False, partition: str = "debug",
                  timeout: float = 60, min_job_age: int = 300,
                  cred_expire: int = 10, extra_conf: str = "") -> ClusterInfo:
    """Start munged, (mariadbd + slurmdbd,) slurmctld and slurmd; wait for idle.

    ``cpus``: CPUs advertised for the node (default: os.cpu_count()); more
    than the real count is allowed (SlurmdParameters=config_overrides).
    ``accounting``: also run MariaDB + slurmdbd so that ``sacct`` works.
    ``cred_expire``: AuthInfo cred_expire (Slurm default 120).  A requeued job
    is only eligible again after cred_expire+1 seconds, so keep it small.
    ``min_job_age``: seconds a finished job stays visible to scontrol/squeue.
    ``extra_conf``: appended verbatim to slurm.conf (before NodeName).
    Raises SlurmUnavailable (a skip reason) if binaries/root are missing,
    RuntimeError/TimeoutError if a daemon fails (everything started so far is
    stopped again before raising).
    """
    reason = skip_reason(accounting)
    if reason:
        raise SlurmUnavailable(reason)
    t_start = time.monotonic()
    wd = Path(workdir).resolve()
    # The munge socket path must stay short (sun_path is 108 bytes).
    if len(str(wd / "munge" / "munge.socket.2")) > 100:
        raise SlurmUnavailable(f"workdir path too long for a unix socket: {wd}")
    wd.mkdir(parents=True, exist_ok=True)
    # fresh state every start (restartable in the same workdir)
    for sub in ("state", "spool", "run", "log"):
        shutil.rmtree(wd / sub, ignore_errors=True)
    for sub in ("etc", "state", "spool", "run", "log", "munge"):
        (wd / sub).mkdir(parents=True, exist_ok=True)
    # munged: the socket dir needs o+x on every component, and munged refuses
    # group/other-writable dirs (unless sticky) and a key readable by others.
    os.chmod(wd, 0o755)
    os.chmod(wd / "munge", 0o755)

    nodename = socket.gethostname().split(".")[0] or "localhost"
    ncpu = cpus or os.cpu_count() or 1
    # slurmd's domain socket dir (for slurmstepd) must exist beforehand
    (wd / "spool" / f"slurmd-{nodename}").mkdir(parents=True, exist_ok=True)
    mem = max(1, int(_mem_mb() * 0.9))
    ports = {"slurmctld": _free_port(), "slurmd": _free_port()}
    if accounting:
        ports.update(slurmdbd=_free_port(), mysql=_free_port())
    munge_dir = wd / "munge"
    munge_socket = munge_dir / "munge.socket.2"
    key = munge_dir / "munge.key"
    conf = wd / "etc" / "slurm.conf"

    conf.write_text(_slurm_conf(wd, nodename, ncpu, mem, ports, partition,
                                munge_socket, accounting, min_job_age, cred_expire,
                                extra_conf))
    (wd / "etc" / "plugstack.conf").write_text("")
    if accounting:
        dbd_conf = wd / "etc" / "slurmdbd.conf"
        dbd_conf.write_text(_slurmdbd_conf(wd, ports, munge_socket))
        os.chmod(dbd_conf, 0o600)   # slurmdbd refuses a world-readable conf
    env = dict(os.environ)
    env["PATH"] = env.get("PATH", "/usr/bin:/bin") + os.pathsep + os.pathsep.join(_EXTRA_PATH)
    env["SLURM_CONF"] = str(conf)
    env.pop("SLURM_JOB_ID", None)       # don't look like we're inside a job
    denv = dict(env)
    denv[MARKER_ENV] = str(wd)

    info = ClusterInfo(workdir=wd, conf=conf, env=env, nodename=nodename,
                       partition=partition, cpus=ncpu, real_memory_mb=mem,
                       accounting=accounting, ports=ports)
    try:
        # ---- munge
        if not key.exists():
            subprocess.run([_which("mungekey"), "--create", f"--keyfile={key}"],
                           check=True, capture_output=True, timeout=30)
        os.chown(key, os.geteuid(), os.getegid())   # munged: key owned by its user
        os.chmod(key, 0o400)
        with contextlib.suppress(FileNotFoundError):
            munge_socket.unlink()
        _spawn(info, "munged", [_which("munged"), "--foreground", "--force",
                                f"--socket={munge_socket}", f"--key-file={key}",
                                f"--pid-file={wd}/run/munged.pid",
                                f"--seed-file={munge_dir}/munged.seed",
                                f"--log-file={wd}/log/munged.log"], denv)
        _wait_for(munge_socket.exists, timeout, "munged socket", info, ("munged",))
        t = time.monotonic()
        if accounting:
            _start_mariadb(info, denv, timeout)
            info.timings["mariadb_s"] = time.monotonic() - t
            t = time.monotonic()
            _spawn(info, "slurmdbd", [_which("slurmdbd"), "-D"],
                   dict(denv, SLURM_CONF=str(conf)))
            # slurmdbd reads slurmdbd.conf from the directory of SLURM_CONF

            def dbd_up() -> bool:
                with socket.socket() as s:
                    s.settimeout(1)
                    return s.connect_ex(("127.0.0.1", ports["slurmdbd"])) == 0
            _wait_for(dbd_up, timeout, "slurmdbd port", info, ("slurmdbd",))
            info.timings["slurmdbd_s"] = time.monotonic() - t
            t = time.monotonic()
        # ---- slurmctld / slurmd
        _spawn(info, "slurmctld", [_which("slurmctld"), "-D", "-c", "-i",
                                   "-f", str(conf)], denv)

        def ctld_up() -> bool:
            return info.run("scontrol", "ping", check=False,
                            timeout=10).stdout.find("UP") >= 0
        _wait_for(ctld_up, timeout, "slurmctld", info, ("slurmctld",))
        _spawn(info, "slurmd", [_which("slurmd"), "-D", "-f", str(conf),
                                "-N", nodename], denv)

        def idle() -> bool:
            r = info.run("sinfo", "-h", "-N", "-o", "%T", check=False, timeout=10)
            return r.returncode == 0 and r.stdout.strip().rstrip("*") == "idle"
        _wait_for(idle, timeout, "node idle in sinfo", info,
                  ("munged", "slurmctld", "slurmd"))
        info.timings["slurm_s"] = time.monotonic() - t
        if accounting:
            def assoc() -> bool:
                r = info.run("sacctmgr", "-n", "-P", "show", "cluster",
                             "format=Cluster", check=False, timeout=20)
                return "testcluster" in r.stdout
            t = time.monotonic()
            _wait_for(assoc, timeout, "cluster registered in slurmdbd", info,
                      ("slurmdbd", "slurmctld"))
            info.timings["dbd_register_s"] = time.monotonic() - t
    except BaseException:
        stop_cluster(info)
        raise
    info.timings["start_total_s"] = time.monotonic() - t_start
    return info


def stop_cluster(info: ClusterInfo, timeout: float = 30) -> None:
    """Cancel all jobs, stop all daemons, kill any leftover job processes."""
    t0 = time.monotonic()
    ctld = info.procs.get("slurmctld")
    if ctld is not None and ctld.poll() is None:
        with contextlib.suppress(Exception):
            r = info.run("squeue", "-h", "-o", "%i", check=False, timeout=10)
            ids = r.stdout.split()
            if ids:
                info.run("scancel", *ids, check=False, timeout=10)
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    r = info.run("squeue", "-h", "-o", "%i", check=False, timeout=10)
                    if r.returncode != 0 or not r.stdout.strip():
                        break
                    time.sleep(0.5)
    # stop in reverse dependency order
    for name in ("slurmd", "slurmctld", "slurmdbd", "mariadbd", "munged"):
        p = info.procs.get(name)
        if p is not None:
            _terminate(p)
    # anything still carrying our marker (orphaned slurmstepd / job tasks)
    for _ in range(3):
        pids = _marked_pids(info.workdir)
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
    info.timings["stop_s"] = time.monotonic() - t0


@contextlib.contextmanager
def slurm_cluster(workdir: Path, **kw) -> Iterator[ClusterInfo]:
    info = start_cluster(workdir, **kw)
    try:
        yield info
    finally:
        stop_cluster(info)


def slurm_cluster_fixture(workdir: Path, **kw) -> Iterator[ClusterInfo]:
    """Generator body for a pytest fixture; skips if Slurm isn't available."""
    import pytest  # only needed when used from pytest

    reason = skip_reason(kw.get("accounting", False))
    if reason:
        pytest.skip(reason)
    with slurm_cluster(workdir, **kw) as info:
        yield info


def _serve(workdir: Path, accounting: bool, cpus: int | None) -> int:
    """Start a cluster, write <workdir>/cluster.env, wait for SIGTERM/SIGINT."""
    stop = {"flag": False}

    def handler(signum, frame):
        stop["flag"] = True
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    envfile = Path(workdir).resolve() / "cluster.env"
    with contextlib.suppress(FileNotFoundError):
        envfile.unlink()
    info = start_cluster(workdir, accounting=accounting, cpus=cpus)
    try:
        envfile.write_text(
            f"export SLURM_CONF={info.conf}\n"
            f"export SLURM_TEST_PARTITION={info.partition}\n"
            f"export PATH=$PATH:{os.pathsep.join(_EXTRA_PATH)}\n")
        print(f"cluster up in {info.timings['start_total_s']:.2f}s; "
              f"source {envfile}", flush=True)
        print("timings: " + ", ".join(f"{k}={v:.2f}" for k, v in info.timings.items()),
              flush=True)
        while not stop["flag"]:
            for n, p in info.procs.items():
                if p.poll() is not None:
                    print(f"{n} died (rc={p.returncode})", flush=True)
                    stop["flag"] = True
            time.sleep(0.5)
    finally:
        with contextlib.suppress(FileNotFoundError):
            envfile.unlink()
        stop_cluster(info)
        print(f"cluster stopped in {info.timings['stop_s']:.2f}s", flush=True)
    return 0


if __name__ == "__main__":
    # python slurm_cluster.py serve DIR [--accounting] [--cpus N]
    #     start, write DIR/cluster.env, run until SIGTERM/SIGINT, then stop.
    # python slurm_cluster.py check DIR [--accounting]
    #     start, print sinfo, stop.
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "check"])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--accounting", action="store_true")
    ap.add_argument("--cpus", type=int, default=None)
    a = ap.parse_args()
    if (r := skip_reason(a.accounting)):
        raise SystemExit(r)
    if a.mode == "serve":
        raise SystemExit(_serve(a.workdir, a.accounting, a.cpus))
    info = start_cluster(a.workdir, accounting=a.accounting, cpus=a.cpus)
    try:
        print("started", {k: round(v, 3) for k, v in info.timings.items()})
        print(info.run("sinfo").stdout)
    finally:
        stop_cluster(info)
    print("stopped", {k: round(v, 3) for k, v in info.timings.items()})
