"""Training jobs on every surface: SDK v2 estimators, ModelTrainer with Compute, `@remote` /
RemoteExecutor / `@step`, boto3 create_training_job / update_training_job and
Session.update_training_job. Each becomes a TrainingJob with canonical attributes."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import libcst as cst

from sagelint.catalog import (
    BOTO3_CLIENTS,
    BOTO3_CREATE_FIELDS,
    BOTO3_SESSIONS,
    BOTO3_UPDATE_FIELDS,
    COMPUTE_CONFIGS,
    ENVIRONMENT,
    KEEP_ALIVE,
    SAGEMAKER_SESSIONS,
    SESSION_UPDATE_FIELDS,
    FieldMap,
)
from sagelint.resolve import DictValue, Keywords, ObjectValue, Resolver, Scalar
from sagelint.surfaces import CallSite, EnvMapping, Facts, Field, TrainingJob

_MAX_HOPS = 4


class TrainingSurface:
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def job(
        self,
        call: cst.Call,
        label: str,
        fields: FieldMap,
        facts: Facts,
        is_update: bool = False,
        keywords: Optional[Keywords] = None,  # when the caller already resolved them
    ) -> TrainingJob:
        if keywords is None:
            keywords = self.resolver.keywords(call)
        found: Dict[str, Field] = {}
        keep_alive_absent = False
        for attribute, paths in fields.items():
            certain_absence = True
            for path in paths:
                value, absent = self._field(keywords, path)
                if value is not None:
                    found[attribute] = value
                    break
                certain_absence = certain_absence and absent
            if attribute == KEEP_ALIVE and attribute not in found:
                keep_alive_absent = certain_absence
        site = CallSite(call, label)
        job = TrainingJob(site, found, keep_alive_absent, is_update)
        facts.training_jobs.append(job)
        environment = found.get(ENVIRONMENT)
        if environment is not None:
            facts.env_mappings.append(
                EnvMapping(site, environment.anchor, environment.value, False, None, serving=False)
            )
        return job

    def _field(self, keywords: Keywords, path: Tuple[str, ...]) -> Tuple[Optional[Field], bool]:
        """The field at a keyword path, and whether its absence is certain."""
        first = keywords.get(path[0])
        if first is None:
            return None, keywords.closed
        if len(path) == 1:
            return Field(first.anchor, first.value), False
        container = first.value
        if isinstance(container, ObjectValue) and container.qualified_name in COMPUTE_CONFIGS:
            inner = self.resolver.keywords(container.call)
            keyword = inner.get(path[1])
            if keyword is None:
                return None, inner.closed
            return Field(keyword.anchor, keyword.value), False
        if isinstance(container, DictValue):
            for entry in reversed(container.effective_entries()):
                if entry.key == path[1] and entry.key_node is not None:
                    return Field(entry.key_node, entry.value), False
            return None, container.closed and not container.has_key(path[1])
        return None, False

    # -- boto3 and Session method calls ---------------------------------------------------
    def method_job(self, call: cst.Call, facts: Facts) -> None:
        func = call.func
        assert isinstance(func, cst.Attribute)
        method, receiver = func.attr.value, func.value
        if method == "create_training_job" and self.is_sagemaker_client(receiver):
            self.job(call, "create_training_job", BOTO3_CREATE_FIELDS, facts)
        elif method == "update_training_job":
            if self.is_sagemaker_client(receiver):
                self.job(call, "update_training_job", BOTO3_UPDATE_FIELDS, facts, is_update=True)
            elif self.is_sagemaker_session(receiver):
                self.job(call, "update_training_job", SESSION_UPDATE_FIELDS, facts, is_update=True)

    def _bound(self, expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """What a name bound once stands for; the expression itself otherwise."""
        for _ in range(_MAX_HOPS):
            if not isinstance(expr, cst.Name):
                return expr
            bound = self.resolver.binding_of(expr)
            if bound is None:
                return None
            expr = bound[1].value
        return None

    def is_sagemaker_session(self, expr: cst.BaseExpression) -> bool:
        target = self._bound(expr)
        if not isinstance(target, cst.Call):
            return False
        return self.resolver.qualified_names(target.func) in SAGEMAKER_SESSIONS

    def is_sagemaker_client(self, expr: cst.BaseExpression) -> bool:
        """boto3.client("sagemaker"), boto3.Session(...).client("sagemaker"), or a SageMaker
        session's `sagemaker_client` (directly or through a name bound once)."""
        target = self._bound(expr)
        if isinstance(target, cst.Attribute) and target.attr.value == "sagemaker_client":
            return self.is_sagemaker_session(target.value)
        if not isinstance(target, cst.Call) or not self._names_sagemaker(target):
            return False
        func = target.func
        if self.resolver.qualified_names(func) in BOTO3_CLIENTS:
            return True
        if isinstance(func, cst.Attribute) and func.attr.value == "client":
            session = self._bound(func.value)
            return isinstance(session, cst.Call) and (
                self.resolver.qualified_names(session.func) in BOTO3_SESSIONS
            )
        return False

    def _names_sagemaker(self, call: cst.Call) -> bool:
        service = None
        for arg in call.args:
            if arg.keyword is None and not arg.star:
                service = arg.value
                break
            if arg.keyword is not None and arg.keyword.value == "service_name":
                service = arg.value
        if service is None:
            return False
        value = self.resolver.resolve(service)
        return isinstance(value, Scalar) and value.value == "sagemaker"
