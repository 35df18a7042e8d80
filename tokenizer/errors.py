"""One error hierarchy for the whole package.

Every error carries a ``user_message``: one line that says what is wrong and, where it can,
what to do next. The command line prints ``error: <user_message>`` and exits non-zero.
"""

from __future__ import annotations


class TokenizerError(Exception):
    """Base class of every error the toolkit raises on purpose."""

    exit_code = 1

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class SpecError(TokenizerError):
    """A deal spec file is missing, malformed, or breaks a rule; names the field."""

    exit_code = 2

    def __init__(self, field: str, problem: str, source: str | None = None) -> None:
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{field}: {problem}")
        self.field = field
        self.problem = problem


class CompileError(TokenizerError):
    """The Solidity sources did not compile, or the compiler could not be run."""


class ChainError(TokenizerError):
    """The chain could not be reached, or answered something unexpected."""


class TransactionReverted(ChainError):
    """A transaction or call reverted; ``reason`` is the decoded custom error, if known."""

    def __init__(self, action: str, reason: str, error_name: str | None = None) -> None:
        super().__init__(f"{action} was refused: {reason}")
        self.action = action
        self.reason = reason
        self.error_name = error_name


class DeploymentError(TokenizerError):
    """A deployment record is inconsistent with the chain or the spec."""
