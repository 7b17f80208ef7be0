;; Mutation: the function traps, but with another trap than the one expected.
(module (func (export "unr") (unreachable)))
(assert_trap (invoke "unr") "unreachable")
(assert_trap (invoke "unr") "integer divide by zero")
