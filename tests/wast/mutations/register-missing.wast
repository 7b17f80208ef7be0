;; Mutation: registering a module name that was never defined.
(module $m (func (export "f")))
(register "m" $m)
(register "n" $nowhere)
