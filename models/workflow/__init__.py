"""The exam workflow: what each role may do to an exam, in which state, and the checks the
seeds ask for. Plain Python: the GraphQL mutations, the CLI and the tests all call this.

Every operation opens one transaction, locks the rows it depends on, checks who may act
(row scope, role, state, version) and records an audit event with the state before and after.
"""
