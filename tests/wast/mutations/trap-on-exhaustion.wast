;; Mutation: assert_trap on a call that exhausts the stack, with the exhaustion message.
(module (func $loop (export "loop") (call $loop)))
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_trap (invoke "loop") "call stack exhausted")
