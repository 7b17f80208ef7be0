;; Mutation: the script expects two results of a function that returns one.
(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i32.const 1) (i32.const 1))
