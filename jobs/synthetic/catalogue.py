"""What the synthetic jobs are made of: VOs, clouds, queues, worker nodes, users,
workloads and error diagnostics (names from the fact sheet §6/§8)."""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Clouds -------------------------------------------------------------------------
# (name, description, tier1 siteid, countries)
CLOUDS = (
    ("US", "US ATLAS (OSG)", "BNL_ATLAS_1", "us"),
    ("CA", "Canada", "TRIUMF", "ca"),
    ("DE", "Germany and friends", "FZK-LCG2", "de,pl,cz,ch,at"),
    ("ES", "Spain and Portugal", "PIC", "es,pt"),
    ("FR", "France, Japan, China, Romania", "IN2P3-CC", "fr,jp,cn,ro,be"),
    ("IT", "Italy", "INFN-T1", "it"),
    ("NL", "Netherlands, Israel, Russia", "SARA-MATRIX", "nl,il,ru"),
    ("ND", "Nordic countries", "NDGF-T1", "dk,no,se,fi,si"),
    ("TW", "Taiwan and Australia", "TAIWAN-LCG2", "tw,au"),
    ("UK", "United Kingdom", "RAL-LCG2", "uk"),
    ("CERN", "CERN", "CERN-PROD", "ch"),
)


@dataclass(frozen=True)
class Queue:
    siteid: str
    cloud: str
    tier: str
    vo: str
    type: str  # production / analysis
    status: str  # online / offline / test / brokeroff
    domain: str
    system: str  # batch system
    corecount: int
    memory: int  # MB per core slot
    maxtime: int  # seconds
    failure_factor: float = 1.0  # multiplies the base failure rate
    nodes: tuple[str, ...] = field(default=())

    @property
    def nickname(self) -> str:
        if self.cloud == "US":
            return f"{self.siteid}-condor"
        ce = f"ce{(sum(map(ord, self.siteid)) % 9) + 1:02d}"
        return f"{self.siteid}-{ce}.{self.domain}-atlas-{self.system}"

    @property
    def gatekeeper(self) -> str:
        ce = f"ce{(sum(map(ord, self.siteid)) % 9) + 1:02d}"
        return f"{ce}.{self.domain}"


def _queue(siteid, cloud, tier, domain, *, vo="atlas", type="production", status="online",
           system="condor", corecount=8, memory=2000, maxtime=172800, failure_factor=1.0, nodes=4):
    n = sum(map(ord, siteid))
    hosts = tuple(f"wn{(n * 7 + i * 13) % 900 + 100:03d}.{domain}" for i in range(nodes))
    return Queue(siteid, cloud, tier, vo, type, status, domain, system, corecount, memory, maxtime,
                 failure_factor, hosts)


# ~50 queues. A few are not online; some sites fail more than others.
QUEUES: tuple[Queue, ...] = (
    # US
    _queue("BNL_ATLAS_1", "US", "T1", "bnl.gov", nodes=6),
    _queue("AGLT2", "US", "T2", "aglt2.org", nodes=5),
    _queue("MWT2", "US", "T2", "mwt2.org", nodes=5),
    _queue("SWT2_CPB", "US", "T2", "uta.edu", failure_factor=1.8),
    _queue("NET2", "US", "T2", "bu.edu", status="brokeroff"),
    _queue("SLACXRD", "US", "T2", "slac.stanford.edu"),
    _queue("OU_OCHEP_SWT2", "US", "T2", "ou.edu", status="test", corecount=1),
    _queue("ANALY_BNL_SHORT", "US", "T1", "bnl.gov", type="analysis", corecount=1, maxtime=14400),
    _queue("ANALY_MWT2", "US", "T2", "mwt2.org", type="analysis", corecount=1),
    _queue("ANALY_AGLT2", "US", "T2", "aglt2.org", type="analysis", corecount=1),
    _queue("ANALY_SLAC", "US", "T2", "slac.stanford.edu", type="analysis", corecount=1, status="offline"),
    # CA
    _queue("TRIUMF", "CA", "T1", "triumf.ca", system="pbs"),
    _queue("CA-VICTORIA-WESTGRID-T2", "CA", "T2", "westgrid.ca", system="pbs"),
    _queue("ANALY_TRIUMF", "CA", "T1", "triumf.ca", type="analysis", corecount=1, system="pbs"),
    # DE
    _queue("FZK-LCG2", "DE", "T1", "gridka.de", system="arc", nodes=6),
    _queue("DESY-HH", "DE", "T2", "desy.de", system="arc"),
    _queue("LRZ-LMU", "DE", "T2", "lrz.de", system="slurm", failure_factor=2.5),
    _queue("praguelcg2", "DE", "T2", "farm.particle.cz", system="pbs"),
    _queue("ANALY_FZK", "DE", "T1", "gridka.de", type="analysis", corecount=1, system="arc"),
    _queue("ANALY_DESY-HH", "DE", "T2", "desy.de", type="analysis", corecount=1, system="arc"),
    # ES
    _queue("PIC", "ES", "T1", "pic.es", system="htcondor"),
    _queue("IFIC-LCG2", "ES", "T2", "ific.uv.es", system="pbs"),
    _queue("ANALY_PIC", "ES", "T1", "pic.es", type="analysis", corecount=1),
    # FR
    _queue("IN2P3-CC", "FR", "T1", "in2p3.fr", system="bqs", nodes=6),
    _queue("GRIF-LAL", "FR", "T2", "lal.in2p3.fr", system="pbs"),
    _queue("GRIF-IRFU", "FR", "T2", "saclay.cea.fr", system="pbs"),
    _queue("TOKYO-LCG2", "FR", "T2", "icepp.jp", system="lsf"),
    _queue("ANALY_LYON", "FR", "T1", "in2p3.fr", type="analysis", corecount=1, system="bqs"),
    # IT
    _queue("INFN-T1", "IT", "T1", "cnaf.infn.it", system="lsf"),
    _queue("INFN-MILANO-ATLASC", "IT", "T2", "mi.infn.it", system="pbs", status="test"),
    _queue("ANALY_INFN-NAPOLI", "IT", "T2", "na.infn.it", type="analysis", corecount=1, system="pbs"),
    # NL
    _queue("SARA-MATRIX", "NL", "T1", "sara.nl", system="pbs"),
    _queue("NIKHEF-ELPROD", "NL", "T1", "nikhef.nl", system="pbs"),
    _queue("ANALY_NIKHEF", "NL", "T1", "nikhef.nl", type="analysis", corecount=1, system="pbs"),
    # ND
    _queue("NDGF-T1", "ND", "T1", "ndgf.org", system="arc"),
    _queue("ARC-SWEGRID", "ND", "T2", "swegrid.se", system="arc", status="offline"),
    # TW
    _queue("TAIWAN-LCG2", "TW", "T1", "grid.sinica.edu.tw", system="lsf"),
    _queue("Australia-ATLAS", "TW", "T2", "unimelb.edu.au", system="pbs", failure_factor=1.6),
    # UK
    _queue("RAL-LCG2", "UK", "T1", "rl.ac.uk", system="htcondor"),
    _queue("GLASGOW", "UK", "T2", "gla.ac.uk", system="htcondor", nodes=5),
    _queue("UKI-NORTHGRID-MAN-HEP", "UK", "T2", "hep.man.ac.uk", system="arc"),
    _queue("UKI-LT2-QMUL", "UK", "T2", "ph.qmul.ac.uk", system="slurm"),
    _queue("ANALY_GLASGOW", "UK", "T2", "gla.ac.uk", type="analysis", corecount=1, system="htcondor"),
    # CERN
    _queue("CERN-PROD", "CERN", "T0", "cern.ch", system="htcondor", nodes=6),
    _queue("CERN-P1", "CERN", "T0", "cern.ch", system="htcondor", status="brokeroff"),
    _queue("ANALY_CERN", "CERN", "T0", "cern.ch", type="analysis", corecount=1, system="htcondor"),
    # lsst: Rubin's data facilities
    _queue("SLAC_Rubin", "US", "T1", "slac.stanford.edu", vo="lsst", system="slurm", corecount=1, memory=4000),
    _queue("CC-IN2P3_Rubin", "FR", "T1", "in2p3.fr", vo="lsst", system="slurm", corecount=1, memory=4000),
    _queue("LANCS_Rubin", "UK", "T2", "lancs.ac.uk", vo="lsst", system="slurm", corecount=1,
           memory=4000, status="test"),
    # charmm: molecular dynamics on OSG resources
    _queue("OU_OSCER_CHARMM", "US", "T3", "oscer.ou.edu", vo="charmm", corecount=1, maxtime=86400),
    _queue("UTA_CHARMM", "US", "T3", "uta.edu", vo="charmm", corecount=1, maxtime=86400),
)

# The worker node that eats jobs: most jobs landing on it fail within minutes.
BLACK_HOLE_NODE = "wn666.gla.ac.uk"
BLACK_HOLE_SITE = "GLASGOW"


def queues_for(vo: str, type: str) -> list[Queue]:
    """Queues that receive new jobs of a VO and activity (never offline ones)."""
    chosen = [q for q in QUEUES if q.vo == vo and q.status != "offline"]
    if vo == "atlas":
        chosen = [q for q in chosen if q.type == type]
    return chosen


def nodes_of(queue: Queue) -> tuple[str, ...]:
    return queue.nodes + ((BLACK_HOLE_NODE,) if queue.siteid == BLACK_HOLE_SITE else ())


# --- Users ---------------------------------------------------------------------------
# (CN as PanDA shows it in produsername, login). The DN is built from both.
USERS = (
    ("Jane Doe", "jdoe"), ("Jérôme Müller", "jmuller"), ("Ana Lucía Ortega", "aortega"),
    ("Rodney Walker", "walkerr"), ("Tadashi Maeno", "tmaeno"), ("Kaushik De", "kaushik"),
    ("Paul Nilsson", "nilsson"), ("Torre Wenaus", "wenaus"), ("Alexei Klimentov", "klimentov"),
    ("Fernando Barreiro", "fbarreir"), ("Siarhei Padolski", "spadolsk"), ("Ivan Ivanov", "iivanov"),
    ("Zhang Wei", "wzhang"), ("Søren Kierkegaard", "skierk"), ("Łukasz Nowak", "lnowak"),
    ("María José García", "mjgarcia"), ("Giulia Rossi", "grossi"), ("Hans Peter Schmidt", "hschmidt"),
    ("Chloé Dubois", "cdubois"), ("Yuki Tanaka", "ytanaka"), ("Priya Sharma", "psharma"),
    ("Oliver Smith", "osmith"), ("Emma Brown", "ebrown"), ("Noah Wilson", "nwilson"),
    ("Liam O'Connor", "loconnor"), ("Sofia Andersson", "sandersso"), ("Mateo Fernández", "mfernand"),
    ("Anna Kowalska", "akowalsk"), ("David Cohen", "dcohen"), ("Chen Li", "chenli"),
    ("Mohammed Al-Farsi", "malfarsi"), ("Elena Petrova", "epetrova"), ("Lucas Martin", "lmartin"),
    ("Isabella Costa", "icosta"), ("Henrik Larsen", "hlarsen"), ("Aoife Byrne", "abyrne"),
    ("Nguyen Van An", "nvanan"), ("Fatima Zahra", "fzahra"), ("Pierre-Yves Leclerc", "pleclerc"),
    ("Katarzyna Wójcik", "kwojcik"),
)
# Production accounts (managed jobs) per VO.
PRODUCTION_USERS = {
    "atlas": (("atlas-production", "atlprd"), ("atlas-dpd-production", "atldpd")),
    "lsst": (("Rubin Production", "rubinprod"),),
    "charmm": (("CHARMM Workflow", "charmmwf"),),
}
LSST_USERS = USERS[:6]
CHARMM_USERS = USERS[6:9]


def dn_of(name: str, login: str) -> str:
    number = sum(map(ord, login)) * 97 % 900000 + 100000
    return f"/DC=ch/DC=cern/OU=Organic Units/OU=Users/CN={login}/CN={number}/CN={name}"


# --- Workloads -------------------------------------------------------------------------
# VO mix of tasks; most of it is ATLAS.
VO_WEIGHTS = (("atlas", 90), ("lsst", 7), ("charmm", 3))

# (prodsourcelabel, weight) per VO; "panda" are analysis build jobs, test/ptest are probes.
LABELS = {
    "atlas": (("managed", 62), ("user", 30), ("panda", 3), ("ptest", 2), ("test", 1), ("rc_test2", 2)),
    "lsst": (("managed", 80), ("user", 18), ("test", 2)),
    "charmm": (("managed", 70), ("user", 30)),
}

# processingtype -> (transformation, typical run time in minutes, events per job, output type)
PRODUCTION_TYPES = {
    "evgen": ("Gen_tf.py", 90, 5000, "EVNT"),
    "simul": ("Sim_tf.py", 600, 200, "HITS"),
    "reco": ("Reco_tf.py", 300, 1000, "AOD"),
    "merge": ("HITSMerge_tf.py", 40, 5000, "HITS"),
    "pile": ("Reco_tf.py", 420, 500, "AOD"),
    "deriv": ("Derivation_tf.py", 120, 20000, "DAOD_PHYS"),
}
ANALYSIS_TYPES = {
    "pathena": ("runAthena-00-00-12", 60, 10000, "root"),
    "prun": ("runGen-00-00-02", 45, 0, "root"),
    "gangarobot": ("runAthena-00-00-12", 20, 100, "root"),
}
LSST_TYPES = {"pipetask": ("pipetask run", 30, 0, "fits"), "step1": ("pipetask run", 60, 0, "fits")}
CHARMM_TYPES = {"md": ("charmm_md.sh", 240, 0, "dcd"), "minimize": ("charmm_min.sh", 30, 0, "crd")}

RELEASES = (
    ("Atlas-22.0.41", "AtlasOffline/22.0.41", "x86_64-centos7-gcc8-opt"),
    ("Atlas-23.0.3", "Athena/23.0.3", "x86_64-centos7-gcc11-opt"),
    ("Atlas-24.0.12", "Athena/24.0.12", "x86_64-el9-gcc13-opt"),
    ("Atlas-21.0.77", "AtlasProduction/21.0.77", "x86_64-slc6-gcc62-opt"),
    ("Atlas-25.0.8", "AthAnalysis/25.0.8", "x86_64-el9-gcc13-opt"),
)
OTHER_RELEASES = {
    "lsst": ("w_2026_40", "lsst_distrib/w.2026.40", "x86_64-el9-gcc11"),
    "charmm": ("c48b2", "charmm/c48b2", "x86_64-el8-gcc8"),
}
CAMPAIGNS = ("MC23a", "MC23c", "MC23d", "MC21a", "data24_13p6TeV", "data25_13p6TeV")
PHYSICS = ("ttbar_nonallhad", "Zmumu", "Wenu", "ggH125_ZZ4l", "dijet_JZ2", "minbias_inelastic",
           "SUSY_C1N2_WZ_300_100", "ttH125_dilep")
GSHARES = ("MC Simulation", "MC Reconstruction", "Data Derivations", "Analysis", "Express", "Test")
WORKING_GROUPS = (None, None, None, "AP_Higgs", "AP_SUSY", "GP_Top", "AP_Exotics")

# --- Error diagnostics: (component, code, diag) — the diag the server or pilot wrote.
# One contains markup on purpose: diags are free text and pages must escape them.
PILOT_FAILURES = (
    ("pilot", 1008, "General pilot error, consult batch log"),
    ("pilot", 1099, "Failed to stage-in file: rucio download failed: [SE][StatFile][ERROR] No such file or directory"),
    ("pilot", 1099, "Failed to stage-in file: Checksum mismatch (adler32 local=0f3a1b2c remote=9d8e7f6a)"),
    ("pilot", 1137, "Failed to stage-out file: [SE][Mkdir][SRM_AUTHORIZATION_FAILURE] Permission denied"),
    ("pilot", 1137, "Failed to stage-out file: Connection timed out after 300 seconds"),
    ("pilot", 1150, "Looping job killed by pilot: no output written for 7200 s"),
    ("pilot", 1201, "Job killed by signal: SIGTERM at batch system request"),
    ("pilot", 1212, "Payload ran out of memory: maxPSS=8123456 kB exceeds 8000000 kB"),
    ("pilot", 1213, "Reached batch system time limit (maxtime 172800 s)"),
    ("pilot", 1235, "Job exceeded memory limit: maxRSS 4123 MB > 4000 MB"),
    ("pilot", 1305, "Payload execution failure: athena.py exited with code 8"),
    ("pilot", 1305, "Payload failed: <b>Traceback</b> in <script>alert(1)</script> transform.py line 42"),
    ("pilot", 1324, "Service not available at the moment: rucio server returned 503"),
    ("pilot", 1361, "Failed to pull container image: manifest unknown"),
)
EXE_FAILURES = (
    ("executor", 8, "TRF_EXEC_FAIL: athena.py failed with exit code 8 in RAWtoALL"),
    ("executor", 65, "TRF_EXEC_SETUP_FAIL: asetup failed: release not installed on CVMFS"),
    ("executor", 68, "TRF_EXEC_LOGERROR: Fatal error in athena logfile: ERROR Propagating exception"),
    ("executor", 85, "TRF_INPUT_FILE_ERROR: file EVNT.12345._000123.pool.root.1 is corrupted"),
    ("executor", 137, "TRF_SIGKILL: payload killed (signal 9) & resources released"),
)
TRANSEXIT_OF_EXE = {8: "8", 65: "65", 68: "68", 85: "85", 137: "137"}
DDM_FAILURES = (
    ("dataservice", 100, "Setupper._setupSource() could not find dataset location"),
    ("dataservice", 200, "Adder: could not add files to output dataset: DataIdentifierNotFound"),
    ("dataservice", 201, "Adder: failed to make subscription to DATADISK"),
    ("dataservice", 204, "Adder: nEvents missing in job report for output file"),
)
DISPATCHER_FAILURES = (
    ("jobdispatcher", 100, "lost heartbeat : 2026-01-01 00:00:00"),
    ("jobdispatcher", 102, "Sent job didn't receive reply from pilot within 30 min"),
    ("jobdispatcher", 103, "Holding timeout: output registration did not finish within 3 h"),
)
SUPERVISOR_FAILURES = (("supervisor", 2, "Harvester worker already done; job lost"),)
BROKERAGE_FAILURES = (("brokerage", 100, "No candidate sites: release Atlas-21.0.77 not found"),)
