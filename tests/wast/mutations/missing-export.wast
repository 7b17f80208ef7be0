;; Mutation: invoking an export that does not exist.
(module (func (export "f")))
(invoke "f")
(invoke "g")
