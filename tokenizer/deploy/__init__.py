"""Deploying deals: the plan (:mod:`.plan`), the record (:mod:`.record`), the one deployer
(:mod:`.deployer`) and the deployed deal's handles (:mod:`.deal`)."""

from tokenizer.deploy.deal import Deal, Roles, attach
from tokenizer.deploy.deployer import deploy_deal, deploy_plan, recorded_deal
from tokenizer.deploy.plan import DeploymentPlan, deal_plan, token_plan
from tokenizer.deploy.record import Deployment, record_path

__all__ = [
    "Deal",
    "Deployment",
    "DeploymentPlan",
    "Roles",
    "attach",
    "deal_plan",
    "deploy_deal",
    "deploy_plan",
    "record_path",
    "recorded_deal",
    "token_plan",
]
