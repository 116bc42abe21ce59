"""The files of a data folder, ``data/<name>/``: every file name the toolkit reads or writes.

This module is the one place a data-folder file name is spelled (a test greps ``lib/`` for any
other). Readers in ``load`` and writers in ``ingest`` take the names from here, so a file is never
read under one name and written under another.

A folder holds one of five kinds of dataset:

- a KPI contract (:data:`CONTRACT_FILES`, plus the store of returns :data:`STORE_DIR`, its
  register :data:`RECEIPTS_FILE` and :data:`DAMAGE_LOG_FILE`, the council's decisions and the
  abatement terms);
- a project portfolio (:data:`PORTFOLIO_FILES`);
- a shared ICT service (:data:`SERVICE_FILES`);
- an action plan (:data:`PLAN_FILES`);
- a partnership that publishes only narrative results (:data:`PARTNERSHIP_FILES`).

:class:`ContractFolder` names the files of one KPI contract's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scrutiny.config import data_root, dataset_dir

# -- a KPI contract ------------------------------------------------------------------------------
CONTRACT_FILE = "contract.yaml"              # title, council, supplier, services (required)
KPIS_FILE = "kpis.csv"                       # one row per KPI (required)
RETURNS_FILE = "returns.csv"                 # the KPI-months in force: the store, folded
OVERRIDES_FILE = "overrides.csv"             # revised TSL/MSL over a range of months
GLIDES_FILE = "glides.csv"                   # glide periods (scored Blue)
PUBLISHED_FILE = "published_summaries.csv"   # summary counts as published
CHANGES_FILE = "changes.csv"                 # every value ``ingest --replace`` corrected
STORE_DIR = "returns"                        # every return as received, read-only
RECEIPTS_FILE = "receipts.csv"               # the register of the store
DAMAGE_LOG_FILE = "damage_log.csv"           # each time someone went on despite damaged evidence
REASONS_FILE = "mitigation_reasons.csv"      # mitigation the council agreed, in force (scored Blue)
DECISIONS_FILE = "decisions.csv"             # every decision recorded by a command: who, when, what
TERMS_FILE = "terms.yaml"                    # abatement terms (optional)
POINTS_FILE = "abatement_points.csv"         # points per KPI; terms.yaml may name another file
FAILURES_FILE = "failure_decisions.csv"      # the council's decisions on failures (UK9 notice)
CACHE_DIR = ".cache"                         # derived copies for speed; never evidence, never read
                                             # as input (scrutiny.score.cache)

#: The files :func:`scrutiny.load.contract.load_contract` reads, in the order provenance lists them.
CONTRACT_FILES = (CONTRACT_FILE, KPIS_FILE, RETURNS_FILE, OVERRIDES_FILE, GLIDES_FILE,
                  REASONS_FILE, DECISIONS_FILE, PUBLISHED_FILE, CHANGES_FILE, FAILURES_FILE)

# -- the non-KPI datasets ------------------------------------------------------------------------
RAG_KEY_FILE = "rag_key.csv"                 # a portfolio's or plan's own RAG words
MILESTONES_FILE = "milestones.csv"           # a portfolio's or plan's milestones

PORTFOLIO_FILE = "portfolio.yaml"
PROJECTS_FILE = "projects.csv"
PUBLISHED_COUNTS_FILE = "published_counts.csv"
PORTFOLIO_CHANGES_FILE = "portfolio_changes.csv"
MILESTONE_KPI_FILE = "milestone_kpi.csv"
#: A portfolio's files (the last three optional).
PORTFOLIO_FILES = (PORTFOLIO_FILE, RAG_KEY_FILE, PROJECTS_FILE, MILESTONES_FILE,
                   PUBLISHED_COUNTS_FILE, PORTFOLIO_CHANGES_FILE, MILESTONE_KPI_FILE)

SERVICE_FILE = "service.yaml"
METRICS_FILE = "metrics.csv"
PERFORMANCE_FILE = "performance.csv"
RISKS_FILE = "risks.csv"
OBJECTIVES_FILE = "objectives.csv"
#: A shared ICT service's files (``objectives.csv`` optional).
SERVICE_FILES = (SERVICE_FILE, METRICS_FILE, PERFORMANCE_FILE, RISKS_FILE, OBJECTIVES_FILE)

PLAN_FILE = "plan.yaml"
ACTIONS_FILE = "actions.csv"
CONTRACT_CHANGES_FILE = "contract_changes.csv"
#: An action plan's files (``contract_changes.csv`` optional).
PLAN_FILES = (PLAN_FILE, RAG_KEY_FILE, ACTIONS_FILE, MILESTONES_FILE, CONTRACT_CHANGES_FILE)

PARTNERSHIP_FILE = "partnership.yaml"
STATEMENTS_FILE = "statements.csv"
FIGURES_FILE = "figures.csv"
TARGETS_FILE = "targets.csv"
#: A partnership's files (the last two optional).
PARTNERSHIP_FILES = (PARTNERSHIP_FILE, STATEMENTS_FILE, FIGURES_FILE, TARGETS_FILE)

#: Every file name above: what the test of this module's monopoly looks for elsewhere.
ALL_FILES = frozenset({*CONTRACT_FILES, STORE_DIR, RECEIPTS_FILE, DAMAGE_LOG_FILE, REASONS_FILE,
                       TERMS_FILE, POINTS_FILE, CACHE_DIR, *PORTFOLIO_FILES, *SERVICE_FILES,
                       *PLAN_FILES,
                       *PARTNERSHIP_FILES})


def kpi_contracts(root: Path | None = None) -> list[str]:
    """Names of the KPI contracts under the data root (folders holding ``kpis.csv``), sorted."""
    root = data_root() if root is None else Path(root)
    return sorted(p.parent.name for p in root.glob(f"*/{KPIS_FILE}"))


def existing(folder: Path, names: tuple[str, ...]) -> list[Path]:
    """The files among ``names`` that exist in ``folder``, in the order given."""
    return [Path(folder) / n for n in names if (Path(folder) / n).exists()]


@dataclass(frozen=True)
class ContractFolder:
    """The folder of one KPI contract, ``data/<name>/``, and the path of each of its files.

    Attributes
    ----------
    path : pathlib.Path
        The folder itself.
    """

    path: Path

    @classmethod
    def named(cls, name: str, data_root: Path | None = None) -> ContractFolder:
        """The folder of the contract ``name`` (raises ``UnknownContractError`` if absent)."""
        return cls(dataset_dir(name, data_root))

    @property
    def name(self) -> str:
        """The contract's folder name, e.g. ``lincolnshire-css``."""
        return self.path.name

    @property
    def contract(self) -> Path:
        """``contract.yaml``."""
        return self.path / CONTRACT_FILE

    @property
    def kpis(self) -> Path:
        """``kpis.csv``."""
        return self.path / KPIS_FILE

    @property
    def returns(self) -> Path:
        """``returns.csv``, the KPI-months in force."""
        return self.path / RETURNS_FILE

    @property
    def store(self) -> Path:
        """``returns/``, every return as received."""
        return self.path / STORE_DIR

    @property
    def receipts(self) -> Path:
        """``receipts.csv``, the register of the store."""
        return self.path / RECEIPTS_FILE

    @property
    def damage_log(self) -> Path:
        """``damage_log.csv``, each use of ``--accept-damage`` with its reason."""
        return self.path / DAMAGE_LOG_FILE

    @property
    def changes(self) -> Path:
        """``changes.csv``, the corrections log."""
        return self.path / CHANGES_FILE

    @property
    def overrides(self) -> Path:
        """``overrides.csv``."""
        return self.path / OVERRIDES_FILE

    @property
    def reasons(self) -> Path:
        """``mitigation_reasons.csv``."""
        return self.path / REASONS_FILE

    @property
    def terms(self) -> Path:
        """``terms.yaml``."""
        return self.path / TERMS_FILE

    def sources(self) -> list[Path]:
        """The files the loaded contract comes from, those that exist (:data:`CONTRACT_FILES`)."""
        return existing(self.path, CONTRACT_FILES)
