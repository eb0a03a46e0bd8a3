"""The linkage literature's models beyond the reduced-form engine, each exact where the
mathematics allows; each is offered to case files as an analysis kind (:mod:`linkage.analyses`)."""
