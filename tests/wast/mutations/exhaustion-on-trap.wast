;; Mutation: assert_exhaustion on a plain trap.
(module (func $loop (export "loop") (call $loop)) (func (export "unr") (unreachable)))
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_exhaustion (invoke "unr") "unreachable")
