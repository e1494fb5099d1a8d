"""Pure planning: a resource's spec (and what was observed) in, desired manifests and
decisions out. Nothing here does I/O, so every decision is tested with plain asserts.
"""

from tradeplane.operator.planning.conditions import set_condition
from tradeplane.operator.planning.rollout import CanaryHealth, RolloutDecision, decide_rollout
from tradeplane.operator.planning.strategy import StrategyInputs, plan_strategy, spec_revision
from tradeplane.operator.planning.universe import StreamPlan, plan_streams, plan_universe

__all__ = [
    "CanaryHealth",
    "RolloutDecision",
    "StrategyInputs",
    "StreamPlan",
    "decide_rollout",
    "plan_strategy",
    "plan_streams",
    "plan_universe",
    "set_condition",
    "spec_revision",
]
