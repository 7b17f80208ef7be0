;; Mutation: the expected value has the right bits but the wrong type.
(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i64.const 1))
