;; Mutation: no alternative of (either ...) matches.
(module (func (export "two") (result i32) (i32.const 2)))
(assert_return (invoke "two") (either (i32.const 1) (i32.const 2)))
(assert_return (invoke "two") (either (i32.const 1) (i32.const 3)))
