;; Mutation: a (get ...) action returns another value than expected.
(module (global (export "g") i32 (i32.const 7)))
(assert_return (get "g") (i32.const 7))
(assert_return (get "g") (i32.const 8))
