;; Mutation: too few arguments.
(module (func (export "id") (param i32) (result i32) (local.get 0)))
(assert_return (invoke "id" (i32.const 7)) (i32.const 7))
(assert_return (invoke "id") (i32.const 0))
