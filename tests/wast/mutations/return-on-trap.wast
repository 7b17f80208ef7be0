;; Mutation: assert_return on a function that traps.
(module (func (export "unr") (result i32) (unreachable)))
(assert_trap (invoke "unr") "unreachable")
(assert_return (invoke "unr") (i32.const 0))
